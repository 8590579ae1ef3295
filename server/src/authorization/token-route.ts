// POST /token: the authorization_code (with PKCE S256) and refresh_token grants for public clients,
// run by @node-oauth/oauth2-server 5 over token-model.ts. Chosen over writing the protocol by hand: it
// is maintained, its grants are tested against RFC 6749 and 7636 (it refuses plain PKCE unless told,
// compares verifiers in constant time and uses the code up before checking it, so a wrong verifier
// burns the code), and its model hooks are where rotation and replay detection belong. What it does
// not do is done here: RFC 8707's resource (this server has one, its /mcp), and Cache-Control:
// no-store on errors as well as on tokens.
import type OAuth2Server from "@node-oauth/oauth2-server";
import type { FastifyInstance } from "fastify";
import { issuerOf, resourceOf, type AuthorizationServerOptions } from "./authorization-options.js";
import { ACCESS_TOKEN_LIFETIME_S, REFRESH_TOKEN_LIFETIME_S } from "./oauth-secrets.js";
import { createTokenModel } from "./token-model.js";

export async function tokenRoute(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  // The library (about 10 MB with what it loads) comes with the first token request, not at start.
  let loading: Promise<{ Library: typeof OAuth2Server; server: OAuth2Server }> | undefined;
  const load = () =>
    (loading ??= import("@node-oauth/oauth2-server").then(({ default: Library }) => ({
      Library,
      server: new Library({
        model: createTokenModel(options.store, options.now) as unknown as OAuth2Server.ServerOptions["model"],
        accessTokenLifetime: ACCESS_TOKEN_LIFETIME_S,
        refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_S,
        alwaysIssueNewRefreshToken: true,
        requireClientAuthentication: { authorization_code: false, refresh_token: false },
      }),
    })));

  app.post("/token", async (request, reply) => {
    reply.header("cache-control", "no-store").header("pragma", "no-cache");
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ours = resourceOf(issuerOf(options.publicUrl, request));
    if (body.resource !== undefined && body.resource !== ours)
      return reply.code(400).send({
        error: "invalid_target",
        error_description: `resource must be ${ours}, the one resource this server issues tokens for.`,
      });
    const { Library, server } = await load();
    const oauthRequest = new Library.Request({
      method: request.method,
      headers: request.headers as Record<string, string>,
      query: {},
      body,
    });
    const oauthResponse = new Library.Response({ headers: {} });
    try {
      await server.token(oauthRequest, oauthResponse);
    } catch (error) {
      if (!(error instanceof Library.OAuthError) || error.code >= 500) {
        request.log.error({ err: error }, "the token endpoint failed");
        return reply.code(500).send({ error: "server_error", error_description: "The server failed; try again." });
      }
      return reply.code(error.code).send({ error: error.name, error_description: error.message });
    }
    return reply.code(200).send(oauthResponse.body);
  });
}
