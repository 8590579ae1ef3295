// POST /revoke (RFC 7009). A refresh token ends its whole grant (its access tokens with it); an access
// token ends itself. An unknown, expired or foreign token is answered 200 all the same (§2.2), so the
// endpoint tells nobody which tokens exist.
import type { FastifyInstance } from "fastify";
import type { AuthorizationServerOptions } from "./authorization-options.js";
import { hashSecret } from "./oauth-secrets.js";

export async function revocationRoute(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  const { store } = options;
  app.post("/revoke", async (request, reply) => {
    reply.header("cache-control", "no-store");
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = body.token;
    if (typeof token !== "string" || token === "")
      return reply
        .code(400)
        .send({ error: "invalid_request", error_description: "token is required (the token to revoke)." });
    const clientId = typeof body.client_id === "string" ? body.client_id : undefined;
    const id = hashSecret(token);
    const nowMs = options.now().getTime();
    const refresh = await store.findRefreshToken(id, nowMs);
    if (refresh !== undefined && (clientId === undefined || refresh.clientId === clientId)) {
      await store.revokeOAuthGrant(refresh.grantId, options.now().toISOString());
      return reply.code(200).send();
    }
    const access = await store.findAccessToken(id, nowMs);
    if (access !== undefined && (clientId === undefined || access.clientId === clientId))
      await store.deleteAccessToken(id);
    return reply.code(200).send();
  });
}
