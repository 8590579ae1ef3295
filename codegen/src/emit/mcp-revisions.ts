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
}

export function revisionFeatures(revision: string): RevisionFeatures {
  return {
    toolAnnotations: revision >= "2025-03-26",
    structuredOutput: revision >= "2025-06-18",
    batches: revision === "2025-03-26",
    protocolVersionHeader: revision >= "2025-06-18",
  };
}
