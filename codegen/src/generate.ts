// spec -> every generated file, in memory. Nothing touches the disk here, so a spec error
// (thrown by the loader) leaves generated/ as it was.
import { createHash } from "node:crypto";
import { createContext, type GeneratedFile } from "./context.js";
import type { LoadedSpec } from "./spec/load.js";
import { emitConformanceCases } from "./emit/conformance-cases.js";
import { emitReferenceDoc } from "./emit/docs.js";
import { emitErrors } from "./emit/errors.js";
import { emitHandlers } from "./emit/handlers.js";
import { emitJsonSchemas } from "./emit/json-schemas.js";
import { emitIndex, emitPackageFiles } from "./emit/package-files.js";
import { emitSpecConstants } from "./emit/spec-constants.js";
import { emitTypeAgreement } from "./emit/type-agreement.js";
import { emitTypebox } from "./emit/typebox.js";
import { emitTypes } from "./emit/types.js";
import { emitValidate } from "./emit/validate.js";
import { emitZod } from "./emit/zod.js";

export const MANIFEST_PATH = "MANIFEST.json";

export interface Manifest {
  generator: string;
  spec: string;
  specSha256: string;
  files: { path: string; sha256: string }[];
}

export function generate(spec: LoadedSpec): GeneratedFile[] {
  const ctx = createContext(spec);
  const files = [
    ...emitPackageFiles(ctx),
    emitIndex(ctx),
    emitTypes(ctx),
    emitSpecConstants(ctx),
    emitErrors(ctx),
    emitZod(ctx),
    emitTypebox(ctx),
    ...emitJsonSchemas(ctx),
    emitValidate(ctx),
    emitHandlers(ctx),
    emitTypeAgreement(ctx),
    emitReferenceDoc(ctx),
    emitConformanceCases(ctx),
  ].sort((a, b) => a.path.localeCompare(b.path));
  const manifest: Manifest = {
    generator: "pnpm gen (codegen/)",
    spec: spec.file,
    specSha256: spec.sha256,
    files: files.map((f) => ({ path: f.path, sha256: createHash("sha256").update(f.content).digest("hex") })),
  };
  return [...files, { path: MANIFEST_PATH, content: `${JSON.stringify(manifest, null, 2)}\n` }];
}
