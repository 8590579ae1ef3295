// Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document, MCP's preferred way
// since 2026-07-28): a client_id that is an https URL names a JSON document the client serves, which
// this server fetches (capped, with a timeout, following no redirect) and keeps for a few minutes.
// Loopback http documents are accepted only when the server is told to (tests, local development).
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { isIP } from "node:net";
import { publicAddressLookup } from "../network/public-address-lookup.js";
import { internalKind, isLoopback } from "../network/ip-ranges.js";
import type { OAuthClientRecord } from "../store/store.js";
import { redirectUriProblem } from "./redirect-uris.js";

export const METADATA_DOCUMENT_MAX_BYTES = 64 * 1024;
export const METADATA_DOCUMENT_TIMEOUT_MS = 5_000;
export const METADATA_DOCUMENT_CACHE_MS = 5 * 60 * 1000;
const MAX_REDIRECT_URIS = 20;

export interface MetadataDocumentOptions {
  /** Accepts http://127.0.0.1, http://[::1] and http://localhost documents: for tests and local development only. */
  allowLoopbackDocuments?: boolean;
  now?: () => number;
}

export type MetadataDocumentResult = { ok: true; client: OAuthClientRecord } | { ok: false; problem: string };

export function isMetadataDocumentUrl(clientId: string): boolean {
  return /^https?:\/\//iu.test(clientId);
}

/** Why this URL cannot name a metadata document, or undefined. */
function documentUrlProblem(clientId: string, allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return "the client_id is not a URL";
  }
  if (url.hash !== "" || url.username !== "" || url.password !== "")
    return "a client_id URL has no fragment and no credentials";
  if (url.pathname === "/") return "a client_id URL has a path naming its metadata document";
  const host = url.hostname.replace(/^\[|\]$/gu, "");
  const literal = isIP(host) !== 0;
  const loopback = host === "localhost" || (literal && isLoopback(host));
  if (allowLoopback && loopback) return undefined;
  if (url.protocol !== "https:") return "a client_id URL must be https";
  if (loopback || (literal && internalKind(host) !== undefined))
    return "a client_id URL must not name an internal address";
  return undefined;
}

export function createMetadataDocumentResolver(options: MetadataDocumentOptions = {}) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { result: MetadataDocumentResult; expiresAtMs: number }>();

  async function fetchDocument(clientId: string): Promise<MetadataDocumentResult> {
    const problem = documentUrlProblem(clientId, options.allowLoopbackDocuments === true);
    if (problem !== undefined) return { ok: false, problem };
    let response: CappedResponse;
    try {
      response = await getCapped(new URL(clientId), options.allowLoopbackDocuments === true);
    } catch (error) {
      return {
        ok: false,
        problem:
          (error as { code?: unknown }).code === "EINTERNALADDRESS"
            ? "the client_id URL's host resolves to an internal address"
            : "the client's metadata document could not be fetched",
      };
    }
    if (response.status !== 200)
      return { ok: false, problem: `the client's metadata document answered HTTP ${response.status}, not 200` };
    const { text } = response;
    if (text === undefined)
      return { ok: false, problem: `the client's metadata document is over ${METADATA_DOCUMENT_MAX_BYTES} bytes` };
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return { ok: false, problem: "the client's metadata document is not JSON" };
    }
    return clientFromDocument(clientId, document, now());
  }

  return async function resolveMetadataDocument(clientId: string): Promise<MetadataDocumentResult> {
    const cached = cache.get(clientId);
    if (cached !== undefined && cached.expiresAtMs > now()) return cached.result;
    const result = await fetchDocument(clientId);
    for (const [key, entry] of cache) if (entry.expiresAtMs <= now()) cache.delete(key);
    cache.set(clientId, { result, expiresAtMs: now() + METADATA_DOCUMENT_CACHE_MS });
    return result;
  };
}

export type MetadataDocumentResolver = ReturnType<typeof createMetadataDocumentResolver>;

function clientFromDocument(clientId: string, document: unknown, nowMs: number): MetadataDocumentResult {
  if (typeof document !== "object" || document === null || Array.isArray(document))
    return { ok: false, problem: "the client's metadata document is not a JSON object" };
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== clientId)
    return { ok: false, problem: "the metadata document's client_id is not the URL it was fetched from" };
  const uris = fields.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS)
    return { ok: false, problem: `the metadata document's redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs` };
  for (const uri of uris) {
    if (typeof uri !== "string") return { ok: false, problem: "the metadata document's redirect_uris must be strings" };
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) return { ok: false, problem: `the metadata document's redirect URI ${problem}` };
  }
  const method = fields.token_endpoint_auth_method;
  if (method !== undefined && method !== "none")
    return { ok: false, problem: 'this server has public clients only: token_endpoint_auth_method must be "none"' };
  const name = typeof fields.client_name === "string" && fields.client_name.trim() !== "" ? fields.client_name : "";
  return {
    ok: true,
    client: {
      id: clientId,
      name: name.trim().slice(0, 200) || new URL(clientId).host,
      redirectUris: uris as string[],
      source: "metadata_document",
      createdAt: new Date(nowMs).toISOString(),
    },
  };
}

interface CappedResponse {
  status: number;
  /** The body, or undefined once it passed METADATA_DOCUMENT_MAX_BYTES (the rest is not read). */
  text?: string;
}

/**
 * One GET, no redirect followed, within the timeout and the size cap. node:http(s) rather than
 * fetch, for its lookup option: the host must resolve to public addresses only (loopback
 * documents, where allowed, are fetched from a literal loopback host).
 */
function getCapped(url: URL, allowLoopback: boolean): Promise<CappedResponse> {
  const get = url.protocol === "https:" ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      {
        headers: { accept: "application/json" },
        timeout: METADATA_DOCUMENT_TIMEOUT_MS,
        ...(allowLoopback && url.protocol === "http:" ? {} : { lookup: publicAddressLookup }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.resume();
          return resolve({ status });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > METADATA_DOCUMENT_MAX_BYTES) {
            request.destroy();
            return resolve({ status });
          }
          chunks.push(chunk);
        });
        response.on("end", () => resolve({ status, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    // The socket's timeout bounds each silence; this bounds the whole exchange (a slow drip too).
    const deadline = setTimeout(() => request.destroy(new Error("timed out")), METADATA_DOCUMENT_TIMEOUT_MS);
    request.on("close", () => clearTimeout(deadline));
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}
