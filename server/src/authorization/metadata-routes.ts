// Discovery: RFC 9728 protected resource metadata (at its root and its /mcp suffix form) and RFC 8414
// authorization server metadata. /.well-known/openid-configuration answers 404: this is no OpenID
// provider, and clients that probe it (Claude Code) then use the RFC 8414 document.
import { SCOPES } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import {
  issuerOf,
  PROTECTED_RESOURCE_METADATA_PATH,
  resourceOf,
  type AuthorizationServerOptions,
} from "./authorization-options.js";

export const SCOPES_SUPPORTED = Object.keys(SCOPES);

export async function metadataRoutes(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  const protectedResource = (issuer: string) => ({
    resource: resourceOf(issuer),
    authorization_servers: [issuer],
    scopes_supported: SCOPES_SUPPORTED,
    bearer_methods_supported: ["header"],
    resource_name: "MCPEmails",
  });
  for (const path of [PROTECTED_RESOURCE_METADATA_PATH, `${PROTECTED_RESOURCE_METADATA_PATH}/mcp`])
    app.get(path, async (request, reply) =>
      reply.header("cache-control", "max-age=300").send(protectedResource(issuerOf(options.publicUrl, request))),
    );

  app.get("/.well-known/oauth-authorization-server", async (request, reply) => {
    const issuer = issuerOf(options.publicUrl, request);
    return reply.header("cache-control", "max-age=300").send({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/revoke`,
      registration_endpoint: `${issuer}/register`,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none"],
      revocation_endpoint_auth_methods_supported: ["none"],
      client_id_metadata_document_supported: true,
      scopes_supported: SCOPES_SUPPORTED,
      authorization_response_iss_parameter_supported: true,
    });
  });

  app.get("/.well-known/openid-configuration", async (_request, reply) =>
    reply.code(404).send({ error: "not_found", error_description: "This server is not an OpenID provider." }),
  );
}
