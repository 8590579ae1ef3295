// generated/ is a workspace package whose every file is generated, its package.json and tsconfig
// included, so that nothing in the folder is ever edited by hand.
import { readFileSync } from "node:fs";
import { header, type GenContext, type GeneratedFile } from "../context.js";
import { exportConst, tsFile } from "./ts-file.js";

const RUNTIME_FILES = [
  "input-validation.ts",
  "large-values.ts",
  "portable-query.ts",
  "conformance-case-types.ts",
  "tool-dispatch.ts",
];

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

// Each entry point: the TypeScript source under the "@mcpemails/source" condition, for tools inside this
// repository (tsc, vitest, tsx run with --conditions=@mcpemails/source), and the compiled ESM with its
// declarations for everyone else, so the published package needs no TypeScript toolchain.
const ENTRY_POINTS = {
  ".": "index",
  "./errors": "errors",
  "./zod": "zod",
  "./typebox": "typebox",
  "./json-schemas": "json-schemas",
};

const compiledEntry = (name: string) => ({
  "@mcpemails/source": `./src/${name}.ts`,
  types: `./dist/${name}.d.ts`,
  import: `./dist/${name}.js`,
});

export function emitPackageFiles(ctx: GenContext): GeneratedFile[] {
  const pkg = {
    name: "@mcpemails/generated",
    version: ctx.doc.spec_version,
    description: `Generated from ${ctx.spec.file} by pnpm gen: types, validators, JSON Schemas, tools/list payloads and conformance cases of the MCPEmails protocol. Do not edit.`,
    type: "module",
    engines: { node: ">=20.19" },
    exports: {
      ...Object.fromEntries(Object.entries(ENTRY_POINTS).map(([path, name]) => [path, compiledEntry(name)])),
      "./conformance-cases": "./conformance/cases.json",
      "./json/*": "./json/*",
      "./package.json": "./package.json",
    },
    files: ["dist", "src", "json", "conformance", "docs"],
    scripts: { build: "tsc -b", prepack: "tsc -b" },
    dependencies: { "@sinclair/typebox": "~0.34.52", ajv: "^8.20.0", "ajv-formats": "^3.0.1", zod: "^4.6.7" },
  };
  const tsconfig = {
    extends: "../tsconfig.base.json",
    compilerOptions: {
      composite: true,
      noEmit: false,
      rootDir: "src",
      outDir: "dist",
      tsBuildInfoFile: "dist/tsconfig.tsbuildinfo",
      sourceMap: true,
      declarationMap: true,
    },
    include: ["src"],
  };
  const runtime = RUNTIME_FILES.map((name) => ({
    path: `src/runtime/${name}`,
    content: header(ctx, "line") + readFileSync(new URL(`../../src/runtime/${name}`, import.meta.url), "utf8"),
  }));
  return [{ path: "package.json", content: json(pkg) }, { path: "tsconfig.json", content: json(tsconfig) }, ...runtime];
}

export function emitIndex(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/index.ts", (file) => {
    for (const module of [
      "./types.js",
      "./spec.js",
      "./errors.js",
      "./handlers.js",
      "./validate.js",
      "./tools-list.js",
    ])
      file.addExportDeclaration({ moduleSpecifier: module });
    file.addExportDeclaration({
      moduleSpecifier: "./runtime/input-validation.js",
      namedExports: [
        "createAjv",
        "describeProblem",
        { name: "InputCheck", isTypeOnly: true },
        { name: "InputProblem", isTypeOnly: true },
      ],
    });
    file.addExportDeclaration({
      moduleSpecifier: "./runtime/large-values.js",
      namedExports: ["BASE64_OF_BYTES", "expandLargeValues"],
    });
    file.addExportDeclaration({
      moduleSpecifier: "./runtime/conformance-case-types.js",
      isTypeOnly: true,
      namedExports: ["CaseExpectation", "ConformanceCase", "ConformanceCaseFile"],
    });
    file.addExportDeclaration({
      moduleSpecifier: "./runtime/portable-query.js",
      namedExports: [
        "matchesQuery",
        "parseSearchQuery",
        "queryReadsBody",
        ...["QueryError", "QueryNode", "QueryParse", "SearchableAddress", "SearchableMessage"].map((name) => ({
          name,
          isTypeOnly: true,
        })),
      ],
    });
    exportConst(file, "GENERATED_FROM", JSON.stringify(`${ctx.spec.file}@sha256:${ctx.spec.sha256}`));
  });
}
