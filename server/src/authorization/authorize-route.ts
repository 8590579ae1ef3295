// GET /authorize: checks the request and carries it, signed, to the consent page in the dashboard
// (which signs the person in first). An unknown client or a redirect URI it did not register is
// answered with an error page and never a redirect (RFC 6749 §4.1.2.1: it could send the browser
// anywhere); every other problem goes back to the client as error=, with state and iss.
import type { Scope } from "@mcpemails/generated";
import type { FastifyInstance, FastifyReply } from "fastify";
import { errorPage } from "../dashboard/views/error-page.js";
import { issuerOf, resourceOf, type AuthorizationServerOptions } from "./authorization-options.js";
import { authorizationResponseUrl } from "./authorization-response.js";
import { CONSENT_REQUEST_LIFETIME_MS, sealConsentRequest } from "./consent-request.js";
import { SCOPES_SUPPORTED } from "./metadata-routes.js";
import { S256_CHALLENGE } from "./oauth-secrets.js";
import { redirectUriMatches } from "./redirect-uris.js";
import { resolveClient } from "./resolve-client.js";

export const CONSENT_PATH = "/dashboard/oauth/consent";

type Query = Record<string, string | string[] | undefined>;

/** A parameter given once, or undefined; given twice it is a problem of its own (RFC 6749 §3.1). */
function single(query: Query, name: string): string | undefined | null {
  const value = query[name];
  if (Array.isArray(value)) return null;
  return value;
}

function errorPageReply(reply: FastifyReply, message: string) {
  return reply
    .code(400)
    .header("content-security-policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8")
    .send(errorPage(`This app's authorization request cannot be used: ${message}. Nothing was shared with it.`));
}

export async function authorizeRoute(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  app.get("/authorize", async (request, reply) => {
    const query = request.query as Query;
    const clientId = single(query, "client_id");
    if (typeof clientId !== "string") return errorPageReply(reply, "client_id is missing or given twice");
    const resolved = await resolveClient(options.store, options.resolveMetadataDocument, clientId);
    if (!resolved.ok) return errorPageReply(reply, resolved.problem);
    const { client } = resolved;
    const requestedRedirect = single(query, "redirect_uri");
    if (requestedRedirect === null) return errorPageReply(reply, "redirect_uri is given twice");
    let redirectUri: string;
    if (requestedRedirect === undefined) {
      const only = client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
      if (only === undefined) return errorPageReply(reply, "redirect_uri is missing");
      redirectUri = only;
    } else if (client.redirectUris.some((registered) => redirectUriMatches(registered, requestedRedirect))) {
      redirectUri = requestedRedirect;
    } else {
      return errorPageReply(reply, "redirect_uri is not one this client registered");
    }

    const issuer = issuerOf(options.publicUrl, request);
    const stateParam = single(query, "state");
    const state = typeof stateParam === "string" ? stateParam : null;
    const refuse = (error: string, description: string) =>
      reply.redirect(
        authorizationResponseUrl(redirectUri, { error, error_description: description }, state, issuer),
        303,
      );
    if (stateParam === null) return refuse("invalid_request", "state is given twice.");
    const responseType = single(query, "response_type");
    if (responseType !== "code")
      return refuse("unsupported_response_type", 'response_type must be "code" (the authorization code flow).');
    const challenge = single(query, "code_challenge");
    const method = single(query, "code_challenge_method");
    if (typeof challenge !== "string") return refuse("invalid_request", "code_challenge is required (PKCE).");
    if (method !== "S256") return refuse("invalid_request", 'code_challenge_method must be "S256".');
    if (!S256_CHALLENGE.test(challenge))
      return refuse("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier (43 characters).");
    const scopeParam = single(query, "scope");
    if (scopeParam === null) return refuse("invalid_request", "scope is given twice.");
    const asked = (scopeParam ?? "").split(" ").filter((s) => s !== "");
    const unknown = asked.filter((s) => !SCOPES_SUPPORTED.includes(s));
    if (unknown.length > 0)
      return refuse("invalid_scope", `unknown scope ${unknown[0] ?? ""}; scopes are ${SCOPES_SUPPORTED.join(" ")}.`);
    const resource = single(query, "resource");
    const ours = resourceOf(issuer);
    if (resource === null) return refuse("invalid_target", "resource is given twice.");
    if (resource !== undefined && resource !== ours)
      return refuse("invalid_target", `this server issues tokens for ${ours} only.`);

    const sealed = sealConsentRequest(options.secretKey, {
      clientId: client.id,
      redirectUri,
      state,
      scopes: (asked.length > 0 ? [...new Set(asked)] : SCOPES_SUPPORTED) as Scope[],
      codeChallenge: challenge,
      resource: ours,
      issuer,
      expiresAtMs: options.now().getTime() + CONSENT_REQUEST_LIFETIME_MS,
    });
    return reply.header("cache-control", "no-store").redirect(`${CONSENT_PATH}?request=${sealed}`, 303);
  });
}
