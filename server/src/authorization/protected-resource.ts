// What /mcp needs to know of the authorization server: the resource its tokens must be for, and the
// metadata URL a 401 points clients to (RFC 9728 §5.1). Set on the Fastify instance by app.ts when the
// authorization server runs; absent, /mcp takes API keys only.
import type { FastifyRequest } from "fastify";
import { issuerOf, protectedResourceMetadataUrlOf, resourceOf } from "./authorization-options.js";

export interface ProtectedResource {
  resourceOf(request: FastifyRequest): string;
  metadataUrlOf(request: FastifyRequest): string;
}

export function protectedResource(publicUrl: string | undefined): ProtectedResource {
  return {
    resourceOf: (request) => resourceOf(issuerOf(publicUrl, request)),
    metadataUrlOf: (request) => protectedResourceMetadataUrlOf(issuerOf(publicUrl, request)),
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** Set when the OAuth authorization server runs (authorization/authorization-plugin.ts). */
    protectedResource?: ProtectedResource;
  }
}
