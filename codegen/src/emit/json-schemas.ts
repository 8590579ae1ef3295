// Each tool's JSON Schemas and the exact tools/list payload for every MCP revision, both as JSON
// files (for any language) and as TypeScript constants (for the server and the runner).
import type { GenContext, GeneratedFile } from "../context.js";
import { toJsonSchema, type JsonSchema } from "./json-schema.js";
import { revisionFeatures, servedRevisions } from "./mcp-revisions.js";
import { exportConst, literal, tsFile } from "./ts-file.js";

export function toolJsonSchemas(ctx: GenContext): { name: string; input: JsonSchema; output: JsonSchema }[] {
  return ctx.tools.map((t) => ({
    name: t.name,
    input: toJsonSchema(t.input, ctx.model),
    output: toJsonSchema(t.output, ctx.model),
  }));
}

export function toolsListPayload(ctx: GenContext, revision: string): { tools: JsonSchema[] } & JsonSchema {
  const features = revisionFeatures(revision);
  const schemas = new Map(toolJsonSchemas(ctx).map((s) => [s.name, s]));
  return {
    ...(features.stateless && ctx.doc.transport.stateless ? cacheable(ctx.doc.transport.stateless) : {}),
    tools: ctx.tools.map((tool) => {
      const entry: JsonSchema = { name: tool.name };
      if (features.structuredOutput) entry.title = tool.spec.title;
      entry.description = tool.spec.description;
      entry.inputSchema = schemas.get(tool.name)?.input;
      if (features.structuredOutput) entry.outputSchema = schemas.get(tool.name)?.output;
      if (features.toolAnnotations) entry.annotations = { title: tool.spec.title, ...tool.spec.annotations };
      return entry;
    }),
  };
}

/** What a stateless revision adds to a result a client may cache: resultType, ttlMs, cacheScope. */
function cacheable(stateless: NonNullable<GenContext["doc"]["transport"]["stateless"]>) {
  return { resultType: "complete", ttlMs: stateless.cache.ttl_ms, cacheScope: stateless.cache.scope };
}

/** The server/discover result of a stateless revision, but for the instructions and serverInfo the server adds. */
function discoverPayload(stateless: NonNullable<GenContext["doc"]["transport"]["stateless"]>) {
  return {
    ...cacheable(stateless),
    supportedVersions: stateless.revisions,
    capabilities: { tools: { listChanged: false } },
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function emitJsonSchemas(ctx: GenContext): GeneratedFile[] {
  const schemas = toolJsonSchemas(ctx);
  const revisions = servedRevisions(ctx.doc.transport);
  const files: GeneratedFile[] = schemas.flatMap((s) => [
    { path: `json/${s.name}.input.json`, content: json(s.input) },
    { path: `json/${s.name}.output.json`, content: json(s.output) },
  ]);
  for (const revision of revisions)
    files.push({ path: `json/tools-list.${revision}.json`, content: json(toolsListPayload(ctx, revision)) });

  files.push(
    tsFile(
      ctx,
      "src/json-schemas.ts",
      (file) => {
        exportConst(
          file,
          "toolInputSchemas",
          `${literal(Object.fromEntries(schemas.map((s) => [s.name, s.input])))} as const`,
          ["JSON Schema of each tool's arguments, named types inlined."],
        );
        exportConst(
          file,
          "toolOutputSchemas",
          `${literal(Object.fromEntries(schemas.map((s) => [s.name, s.output])))} as const`,
          ["JSON Schema of each tool's structuredContent."],
        );
      },
      { format: false },
    ),
    tsFile(
      ctx,
      "src/tools-list.ts",
      (file) => {
        file.addImportDeclaration({
          moduleSpecifier: "./types.js",
          namedImports: [{ name: "ProtocolRevision", isTypeOnly: true }],
        });
        const payloads = Object.fromEntries(revisions.map((r) => [r, toolsListPayload(ctx, r)]));
        exportConst(
          file,
          "toolsListByRevision",
          `${literal(payloads)} as const satisfies Record<ProtocolRevision, unknown>`,
          [
            "The exact tools/list result for each MCP revision: titles and outputSchema only where the revision has them.",
          ],
        );
        const { stateless } = ctx.doc.transport;
        if (stateless)
          exportConst(file, "DISCOVER_RESULT", `${literal(discoverPayload(stateless))} as const`, [
            "The server/discover result of the stateless revisions (2026-07-28 on), without the instructions and serverInfo the server adds.",
          ]);
      },
      { format: false },
    ),
  );
  return files;
}
