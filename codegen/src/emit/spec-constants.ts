// The spec's non-schema facts as typed constants: transport, keys, scopes, plans, quotas, rate
// windows, limits, formats, folders, search terms, tools' scopes and errors.
import type { GenContext, GeneratedFile } from "../context.js";
import { revisionFeatures, servedRevisions } from "./mcp-revisions.js";
import { exportConst, literal, tsFile } from "./ts-file.js";

export function emitSpecConstants(ctx: GenContext): GeneratedFile {
  const { doc, spec, tools } = ctx;
  return tsFile(
    ctx,
    "src/spec.ts",
    (file) => {
      file.addImportDeclaration({
        moduleSpecifier: "./types.js",
        isTypeOnly: true,
        namedImports: [
          "Folder",
          "KeyMode",
          "LimitName",
          "PlanId",
          "ProtocolRevision",
          "QuotaName",
          "RateWindowName",
          "Scope",
          "SearchSyntax",
          "ToolErrorCodes",
          "ToolName",
        ],
      });
      exportConst(file, "SPEC_VERSION", literal(doc.spec_version));
      exportConst(file, "SPEC_SHA256", literal(spec.sha256));
      exportConst(file, "INFO", `${literal(doc.info)} as const`);
      exportConst(
        file,
        "PROTOCOL_REVISIONS",
        `${literal(doc.transport.protocol_revisions)} as const satisfies readonly ProtocolRevision[]`,
        ["Newest first."],
      );
      exportConst(file, "LATEST_PROTOCOL_REVISION", `PROTOCOL_REVISIONS[0]`, [
        "The newest revision negotiated by initialize.",
      ]);
      exportConst(
        file,
        "STATELESS_REVISIONS",
        `${literal(doc.transport.stateless?.revisions ?? [])} as const satisfies readonly ProtocolRevision[]`,
        ["Newest first: the revisions without initialize (2026-07-28 on), each request carrying its own in _meta."],
      );
      exportConst(
        file,
        "REVISION_FEATURES",
        `${literal(Object.fromEntries(servedRevisions(doc.transport).map((r) => [r, revisionFeatures(r)])))} as const satisfies Record<ProtocolRevision, unknown>`,
        [
          "What each supported MCP revision has: annotations, structured output, batches, the MCP-Protocol-Version header, statelessness.",
        ],
      );
      const { protocol_revisions: _revisions, ...transport } = doc.transport;
      exportConst(file, "TRANSPORT", `${literal(transport)} as const`);
      exportConst(file, "API_KEY_PATTERN", `new RegExp(${literal(doc.api_keys.pattern)})`);
      exportConst(
        file,
        "API_KEYS",
        `${literal(doc.api_keys)} as const satisfies { modes: Record<KeyMode, unknown> } & Record<string, unknown>`,
      );
      exportConst(file, "SCOPES", `${literal(doc.scopes)} as const satisfies Record<Scope, unknown>`);
      exportConst(file, "PLANS", `${literal(doc.plans)} as const satisfies Record<PlanId, unknown>`);
      exportConst(file, "QUOTAS", `${literal(doc.quotas)} as const satisfies Record<QuotaName, unknown>`);
      exportConst(
        file,
        "RATE_LIMITS",
        `${literal(doc.rate_limits)} as const satisfies { windows: readonly ({ name: RateWindowName } & Record<string, unknown>)[] } & Record<string, unknown>`,
      );
      exportConst(file, "LIMITS", `${literal(doc.limits)} as const satisfies Record<LimitName, number>`);
      exportConst(file, "FORMATS", `${literal(doc.formats)} as const`);
      exportConst(file, "FOLDERS", `${literal(doc.folders)} as const satisfies Record<Folder, unknown>`);
      exportConst(
        file,
        "SEARCH",
        `${literal(doc.search)} as const satisfies { syntaxes: Record<SearchSyntax, string> } & Record<string, unknown>`,
      );
      exportConst(file, "TOOL_NAMES", `${literal(tools.map((t) => t.name))} as const satisfies readonly ToolName[]`);
      exportConst(
        file,
        "TOOL_SCOPES",
        `${literal(Object.fromEntries(tools.map((t) => [t.name, t.spec.scope])))} as const satisfies Record<ToolName, Scope>`,
      );
      exportConst(
        file,
        "TOOL_ERRORS",
        `${literal(Object.fromEntries(tools.map((t) => [t.name, t.spec.errors])))} as const satisfies { [T in ToolName]: readonly ToolErrorCodes[T][] }`,
      );
      exportConst(
        file,
        "TOOL_ANNOTATIONS",
        `${literal(Object.fromEntries(tools.map((t) => [t.name, { title: t.spec.title, ...t.spec.annotations }])))} as const satisfies Record<ToolName, unknown>`,
      );
      exportConst(file, "DECISIONS", `${literal(doc.decisions)} as const`);
    },
    { format: false },
  );
}
