// POST /register: RFC 7591 dynamic client registration, for public clients only (PKCE, no secret).
// Deprecated by MCP 2026-07-28 in favour of client ID metadata documents, and still what most
// clients use. Registration is open, as MCP clients expect; a client gets nothing until a person
// signs in and allows it.
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { AuthorizationServerOptions } from "./authorization-options.js";
import { redirectUriProblem } from "./redirect-uris.js";
import { REGISTRATIONS_PER_ADDRESS, takeRegistrationAttempt } from "./registration-throttle.js";

const MAX_REDIRECT_URIS = 20;
const MAX_CLIENT_NAME = 200;
/** Registration bodies are small; anything larger is refused before it is parsed. */
const REGISTRATION_BODY_LIMIT = 16 * 1024;

type Fields = Record<string, unknown>;

function invalid(description: string, error = "invalid_client_metadata") {
  return { error, error_description: description };
}

/** The first problem of this registration, in words, or undefined. */
function registrationProblem(body: Fields): { error: string; error_description: string } | undefined {
  const uris = body.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0)
    return invalid("redirect_uris is required: a list of the client's redirect URIs.", "invalid_redirect_uri");
  if (uris.length > MAX_REDIRECT_URIS)
    return invalid(`redirect_uris has at most ${MAX_REDIRECT_URIS} URIs.`, "invalid_redirect_uri");
  for (const uri of uris) {
    if (typeof uri !== "string") return invalid("each of redirect_uris is a string.", "invalid_redirect_uri");
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) return invalid(`redirect URI: ${problem}.`, "invalid_redirect_uri");
  }
  const method = body.token_endpoint_auth_method;
  if (method !== undefined && method !== "none")
    return invalid('this server registers public clients only: token_endpoint_auth_method must be "none".');
  const grants = body.grant_types;
  if (
    grants !== undefined &&
    (!Array.isArray(grants) || grants.some((g) => g !== "authorization_code" && g !== "refresh_token"))
  )
    return invalid('grant_types may be "authorization_code" and "refresh_token" only.');
  const responses = body.response_types;
  if (responses !== undefined && (!Array.isArray(responses) || responses.some((r) => r !== "code")))
    return invalid('response_types may be "code" only.');
  if (body.client_name !== undefined && typeof body.client_name !== "string")
    return invalid("client_name is a string.");
  return undefined;
}

export async function registrationRoute(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  app.post("/register", { bodyLimit: REGISTRATION_BODY_LIMIT }, async (request, reply) => {
    reply.header("cache-control", "no-store");
    const body = request.body;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      return reply.code(400).send(invalid("send the client's metadata as a JSON object."));
    const problem = registrationProblem(body as Fields);
    if (problem !== undefined) return reply.code(400).send(problem);
    const ticket = await takeRegistrationAttempt(options.store, {
      clientAddress: request.ip,
      nowMs: options.now().getTime(),
    });
    if (!ticket.allowed)
      return reply
        .code(429)
        .header("retry-after", String(ticket.retryAfterSeconds))
        .send(
          invalid(
            `Too many registrations from this address: at most ${REGISTRATIONS_PER_ADDRESS} an hour; retry after ${ticket.retryAfterSeconds} seconds.`,
            "too_many_requests",
          ),
        );
    const fields = body as Fields;
    const redirectUris = fields.redirect_uris as string[];
    const name = typeof fields.client_name === "string" ? fields.client_name.trim().slice(0, MAX_CLIENT_NAME) : "";
    const client = {
      id: randomUUID(),
      name: name || new URL(redirectUris[0] ?? "").host || "An unnamed app",
      redirectUris,
      source: "registered" as const,
      createdAt: options.now().toISOString(),
    };
    await options.store.putOAuthClient(client);
    return reply.code(201).send({
      client_id: client.id,
      client_id_issued_at: Math.floor(Date.parse(client.createdAt) / 1000),
      client_name: client.name,
      redirect_uris: client.redirectUris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    });
  });
}
