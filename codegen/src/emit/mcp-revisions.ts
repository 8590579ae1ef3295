// What each MCP revision has, as far as tools are concerned. These are facts about MCP, not about
// our protocol, so they live here rather than in the spec.
export interface RevisionFeatures {
  /** Tool annotations (readOnlyHint...) in tools/list: since 2025-03-26. */
  toolAnnotations: boolean;
  /** Tool title, outputSchema in tools/list and structuredContent in results: since 2025-06-18. */
  structuredOutput: boolean;
  /** JSON-RPC batches: only 2025-03-26 allows them. */
  batches: boolean;
  /** The MCP-Protocol-Version HTTP header: since 2025-06-18. */
  protocolVersionHeader: boolean;
  /**
   * No initialize and no sessions; per-request _meta, server/discover, resultType on every
   * result, ttlMs and cacheScope on tools/list: since 2026-07-28.
   */
  stateless: boolean;
}

export function revisionFeatures(revision: string): RevisionFeatures {
  return {
    toolAnnotations: revision >= "2025-03-26",
    structuredOutput: revision >= "2025-06-18",
    batches: revision === "2025-03-26",
    protocolVersionHeader: revision >= "2025-06-18",
    stateless: revision >= "2026-07-28",
  };
}

/** Every revision the spec serves, newest first: the stateless ones, then those negotiated by initialize. */
export function servedRevisions(transport: { protocol_revisions: string[]; stateless?: { revisions: string[] } }) {
  return [...(transport.stateless?.revisions ?? []), ...transport.protocol_revisions];
}
