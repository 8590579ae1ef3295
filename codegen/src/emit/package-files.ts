// generated/ is a workspace package whose every file is generated, its package.json and tsconfig
// included, so that nothing in the folder is ever edited by hand.
import { readFileSync } from "node:fs";
import { header, type GenContext, type GeneratedFile } from "../context.js";
import { exportConst, tsFile } from "./ts-file.js";

const RUNTIME_FILES = ["input-validation.ts", "large-values.ts", "portable-query.ts", "conformance-case-types.ts"];

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function emitPackageFiles(ctx: GenContext): GeneratedFile[] {
  const pkg = {
    name: "@mcpemails/generated",
    version: ctx.doc.spec_version,
    private: true,
    description: `Generated from ${ctx.spec.file} by pnpm gen. Do not edit.`,
    type: "module",
    exports: {
      ".": "./src/index.ts",
      "./zod": "./src/zod.ts",
      "./typebox": "./src/typebox.ts",
      "./json-schemas": "./src/json-schemas.ts",
      "./conformance-cases": "./conformance/cases.json",
      "./json/*": "./json/*",
    },
    dependencies: { "@sinclair/typebox": "~0.34.52", ajv: "^8.20.0", "ajv-formats": "^3.0.1", zod: "^4.6.7" },
  };
  const tsconfig = { extends: "../tsconfig.base.json", include: ["src"] };
  const runtime = RUNTIME_FILES.map((name) => ({
    path: `src/runtime/${name}`,
    content: header(ctx, "line") + readFileSync(new URL(`../runtime/${name}`, import.meta.url), "utf8"),
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
