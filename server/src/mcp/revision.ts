// Which MCP revision a request speaks. initialize negotiates it (the client's when supported,
// else the newest); later requests name it in MCP-Protocol-Version from 2025-06-18 on, and a
// request without the header is taken as 2025-03-26, as the MCP transport rules say.
import { LATEST_PROTOCOL_REVISION, PROTOCOL_REVISIONS, type ProtocolRevision } from "@mcpemails/generated";

const REVISION_WITHOUT_HEADER: ProtocolRevision = "2025-03-26";

export function isSupportedRevision(value: unknown): value is ProtocolRevision {
  return typeof value === "string" && (PROTOCOL_REVISIONS as readonly string[]).includes(value);
}

export function negotiateRevision(requested: unknown): ProtocolRevision {
  return isSupportedRevision(requested) ? requested : LATEST_PROTOCOL_REVISION;
}

export type HeaderRevision = { ok: true; revision: ProtocolRevision } | { ok: false; message: string };

export function revisionFromHeader(header: string | string[] | undefined): HeaderRevision {
  if (header === undefined) return { ok: true, revision: REVISION_WITHOUT_HEADER };
  const value = Array.isArray(header) ? header[0] : header;
  if (isSupportedRevision(value)) return { ok: true, revision: value };
  return {
    ok: false,
    message: `Unsupported MCP-Protocol-Version: ${String(value)}. Supported: ${PROTOCOL_REVISIONS.join(", ")}.`,
  };
}
