// MCP 2026-07-28 and later on the same endpoint as the initialize revisions (spec
// transport.stateless): which requests speak it, and the checks of its envelope (params._meta and
// the headers that repeat the body) made before a request runs.
import {
  headerMismatch,
  invalidParams,
  STATELESS_REVISIONS,
  TRANSPORT,
  unsupportedProtocolVersion,
  type JsonRpcError,
  type ProtocolRevision,
} from "@mcpemails/generated";
import type { IncomingHttpHeaders } from "node:http";

const { meta: META, headers: HEADERS } = TRANSPORT.stateless;

type StatelessRevision = (typeof STATELESS_REVISIONS)[number];

function isStatelessRevision(value: unknown): value is StatelessRevision {
  return typeof value === "string" && (STATELESS_REVISIONS as readonly string[]).includes(value);
}

function metaOf(message: unknown): Record<string, unknown> | undefined {
  const params = (message as { params?: unknown } | null)?.params;
  const meta = params !== null && typeof params === "object" ? (params as { _meta?: unknown })._meta : undefined;
  return meta !== null && typeof meta === "object" && !Array.isArray(meta)
    ? (meta as Record<string, unknown>)
    : undefined;
}

/** One value of a header sent once; a repeated header has no single value. */
function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/**
 * Whether a message speaks a stateless revision: by its metadata (its MCP-Protocol-Version header
 * names one, or its _meta names any revision), never by its method name, so that initialize or
 * ping sent the new way is answered the new way (404) and the old way keeps working.
 */
export function speaksStatelessRevision(headers: IncomingHttpHeaders, message: unknown): boolean {
  return (
    isStatelessRevision(single(headers, HEADERS.protocol_version)) ||
    metaOf(message)?.[META.protocol_version] !== undefined
  );
}

export type EnvelopeCheck = { ok: true; revision: ProtocolRevision } | { ok: false; status: 400; error: JsonRpcError };

const refuse = (error: JsonRpcError): EnvelopeCheck => ({ ok: false, status: 400, error });

/** The transport's checks of one stateless request, in the order the revision gives them. */
export function checkEnvelope(headers: IncomingHttpHeaders, method: string, params: unknown): EnvelopeCheck {
  const meta = metaOf({ params });
  const missing = [META.protocol_version, META.client_capabilities].filter(
    (key) => meta?.[key] === undefined || meta[key] === null,
  );
  if (missing.length > 0) {
    const message = `Invalid params: params._meta must carry ${missing.map((k) => `"${k}"`).join(" and ")} in MCP ${STATELESS_REVISIONS[0]} and later.`;
    return refuse(invalidParams(message, { parameter: `_meta.${missing[0]}`, rule: "required", message }));
  }
  const capabilities = meta?.[META.client_capabilities];
  if (typeof capabilities !== "object" || Array.isArray(capabilities)) {
    const message = `Invalid params: params._meta["${META.client_capabilities}"] must be an object.`;
    return refuse(invalidParams(message, { parameter: `_meta.${META.client_capabilities}`, rule: "type", message }));
  }
  const requested = meta?.[META.protocol_version];
  const header = single(headers, HEADERS.protocol_version);
  if (header !== requested)
    return refuse(
      headerMismatch(
        `Header mismatch: the ${HEADERS.protocol_version} header (${header ?? "missing"}) must equal params._meta["${META.protocol_version}"] (${String(requested)}).`,
      ),
    );
  if (!isStatelessRevision(requested))
    return refuse(
      unsupportedProtocolVersion(
        `Unsupported protocol version ${String(requested)}: this server serves ${STATELESS_REVISIONS.join(", ")} without initialize, and older revisions through initialize.`,
        { supported: [...STATELESS_REVISIONS], requested: String(requested) },
      ),
    );
  const methodHeader = single(headers, HEADERS.method);
  if (methodHeader !== method)
    return refuse(
      headerMismatch(
        `Header mismatch: the ${HEADERS.method} header (${methodHeader ?? "missing"}) must equal the request's method (${method}).`,
      ),
    );
  if (method === "tools/call") {
    const name = (params as { name?: unknown } | undefined)?.name;
    const nameHeader = single(headers, HEADERS.name);
    if (typeof name === "string" && nameHeader !== name)
      return refuse(
        headerMismatch(
          `Header mismatch: the ${HEADERS.name} header (${nameHeader ?? "missing"}) must equal the tool's name (${name}).`,
        ),
      );
  }
  return { ok: true, revision: requested };
}
