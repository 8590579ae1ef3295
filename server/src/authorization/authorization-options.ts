// What the authorization server needs from the server that runs it, and the names it goes by: its
// issuer is this server's public URL, and the one resource it issues tokens for is that URL's /mcp.
import { TRANSPORT } from "@mcpemails/generated";
import type { Store } from "../store/store.js";
import type { MetadataDocumentResolver } from "./client-metadata-documents.js";

export interface AuthorizationServerOptions {
  store: Store;
  now: () => Date;
  /** MCPEMAILS_PUBLIC_URL; unset: the Host a request asked for (which the Host guard has checked). */
  publicUrl: string | undefined;
  /** The dashboard's secret key: signs the authorization request carried to the consent page. */
  secretKey: Buffer;
  resolveMetadataDocument: MetadataDocumentResolver;
}

export function issuerOf(publicUrl: string | undefined, request: { protocol: string; headers: { host?: string } }) {
  return (publicUrl ?? `${request.protocol}://${request.headers.host ?? "127.0.0.1"}`).replace(/\/+$/u, "");
}

export const resourceOf = (issuer: string) => `${issuer}${TRANSPORT.endpoint}`;

export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

export const protectedResourceMetadataUrlOf = (issuer: string) =>
  `${issuer}${PROTECTED_RESOURCE_METADATA_PATH}${TRANSPORT.endpoint}`;
