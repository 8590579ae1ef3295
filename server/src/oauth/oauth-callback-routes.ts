// The browser's side of connecting a Gmail or Outlook mailbox. GET /oauth/<provider>/start?state=...
// is the link a connection prints: its first opening sets a cookie binding the flow to that browser
// and redirects to the provider's consent page. The consent page sends the browser back to
// GET /oauth/<provider>/callback with code and state; the answer is plain text for the person who
// just consented: which inbox is now connected, or what went wrong (never a token).
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { completeOAuthConnect, startOAuthConnect, type ConnectDeps } from "../admin/connect-inbox.js";
import { AdminInputError } from "../admin/operations.js";
import type { Store } from "../store/store.js";
import type { OAuthKind } from "./oauth-state.js";

export interface OAuthCallbackOptions {
  store: Store;
  connect: ConnectDeps;
}

const PATHS: Record<OAuthKind, string> = { gmail: "/oauth/google", outlook: "/oauth/microsoft" };
const BINDING_COOKIE = "mcpemails_oauth";

export async function oauthCallbackRoutes(
  app: FastifyInstance,
  { store, connect }: OAuthCallbackOptions,
): Promise<void> {
  for (const [kind, base] of Object.entries(PATHS) as [OAuthKind, string][]) {
    app.get<{ Querystring: Record<string, string | undefined> }>(`${base}/start`, async (request, reply) =>
      answer(request, reply, async () => {
        const started = await startOAuthConnect(store, connect, { kind, state: request.query.state });
        // Lax: the provider's redirect back to the callback is a top-level GET, which Lax cookies go with.
        const cookie = serializeCookie(BINDING_COOKIE, started.browserBinding, {
          httpOnly: true,
          sameSite: "lax",
          secure: request.protocol === "https",
          path: base,
          expires: new Date(started.expiresAtMs),
        });
        return reply.header("set-cookie", cookie).redirect(started.consentUrl, 302);
      }),
    );
    app.get<{ Querystring: Record<string, string | undefined> }>(`${base}/callback`, async (request, reply) =>
      answer(request, reply, async () => {
        const { inbox, fromDashboard } = await completeOAuthConnect(store, connect, {
          kind,
          code: request.query.code,
          state: request.query.state,
          error: request.query.error,
          browserBinding: parseCookies(request.headers.cookie ?? "")[BINDING_COOKIE],
        });
        if (fromDashboard) return reply.redirect("/dashboard/inboxes?done=inbox-added", 303);
        return reply.send(`Connected ${inbox.addresses.join(", ")} as inbox ${inbox.id}. You can close this window.\n`);
      }),
    );
  }
}

/** Plain text, never cached; a refused step says why, any other failure says only that it failed. */
async function answer(request: FastifyRequest, reply: FastifyReply, work: () => Promise<FastifyReply>) {
  reply.type("text/plain; charset=utf-8").header("cache-control", "no-store");
  try {
    return await work();
  } catch (error) {
    if (error instanceof AdminInputError) return reply.code(400).send(`${error.message}\n`);
    request.log.error({ err: error }, "OAuth connection failed");
    return reply
      .code(500)
      .send(
        "The connection failed on the server; nothing was connected. Try again, and see the server's log if it happens again.\n",
      );
  }
}
