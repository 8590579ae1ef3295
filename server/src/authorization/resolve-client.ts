// A client_id -> the client: a registered one from the store, or one described by its metadata
// document (fetched, and saved so that its grants can name it).
import type { OAuthClientRecord, Store } from "../store/store.js";
import { isMetadataDocumentUrl, type MetadataDocumentResolver } from "./client-metadata-documents.js";

export type ClientResolution = { ok: true; client: OAuthClientRecord } | { ok: false; problem: string };

export async function resolveClient(
  store: Store,
  resolveMetadataDocument: MetadataDocumentResolver,
  clientId: string,
): Promise<ClientResolution> {
  if (clientId === "") return { ok: false, problem: "client_id is missing" };
  if (isMetadataDocumentUrl(clientId)) {
    const resolved = await resolveMetadataDocument(clientId);
    if (!resolved.ok) return resolved;
    const stored = await store.getOAuthClient(clientId);
    const client = { ...resolved.client, createdAt: stored?.createdAt ?? resolved.client.createdAt };
    const changed =
      stored === undefined ||
      stored.name !== client.name ||
      JSON.stringify(stored.redirectUris) !== JSON.stringify(client.redirectUris);
    if (changed) await store.putOAuthClient(client);
    return { ok: true, client };
  }
  const client = await store.getOAuthClient(clientId);
  if (client === undefined || client.source !== "registered")
    return { ok: false, problem: "no client is registered with this client_id" };
  return { ok: true, client };
}
