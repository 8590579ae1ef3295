// Where Google's and Microsoft's consent pages send the browser back: GET /oauth/<provider>/callback
// with code and state. The answer is plain text for the person who just consented: which inbox is
// now connected, or what went wrong (never a token).
import type { FastifyInstance } from "fastify";
import { completeOAuthConnect, type ConnectDeps } from "../admin/connect-inbox.js";
import { AdminInputError } from "../admin/operations.js";
import type { Store } from "../store/store.js";
import type { OAuthKind } from "./oauth-state.js";

export interface OAuthCallbackOptions {
  store: Store;
  connect: ConnectDeps;
}

const CALLBACKS: Record<OAuthKind, string> = { gmail: "/oauth/google/callback", outlook: "/oauth/microsoft/callback" };

export async function oauthCallbackRoutes(
  app: FastifyInstance,
  { store, connect }: OAuthCallbackOptions,
): Promise<void> {
  for (const [kind, path] of Object.entries(CALLBACKS) as [OAuthKind, string][]) {
    app.get<{ Querystring: Record<string, string | undefined> }>(path, async (request, reply) => {
      reply.type("text/plain; charset=utf-8").header("cache-control", "no-store");
      try {
        const inbox = await completeOAuthConnect(store, connect, {
          kind,
          code: request.query.code,
          state: request.query.state,
          error: request.query.error,
        });
        return `Connected ${inbox.addresses.join(", ")} as inbox ${inbox.id}. You can close this window.\n`;
      } catch (error) {
        if (error instanceof AdminInputError) return reply.code(400).send(`${error.message}\n`);
        request.log.error({ err: error }, "OAuth callback failed");
        return reply
          .code(500)
          .send(
            "The connection failed on the server; nothing was connected. Try again, and see the server's log if it happens again.\n",
          );
      }
    });
  }
}
