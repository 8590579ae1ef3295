// Compile-time proof that the TypeScript types, the zod schemas and the TypeBox schemas describe the
// same values: tsc fails on generated/ when any pair stops being mutually assignable.
import type { GenContext, GeneratedFile } from "../context.js";
import { camelCase } from "../schema/ir.js";
import { tsFile } from "./ts-file.js";

export function emitTypeAgreement(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/type-agreement.ts", (file) => {
    file.addImportDeclaration({ moduleSpecifier: "zod", isTypeOnly: true, namedImports: ["z"] });
    file.addImportDeclaration({ moduleSpecifier: "@sinclair/typebox", isTypeOnly: true, namedImports: ["Static"] });
    file.addImportDeclaration({ moduleSpecifier: "./zod.js", isTypeOnly: true, namespaceImport: "zod" });
    file.addImportDeclaration({ moduleSpecifier: "./typebox.js", isTypeOnly: true, namespaceImport: "typebox" });
    file.addImportDeclaration({ moduleSpecifier: "./types.js", isTypeOnly: true, namespaceImport: "types" });
    file.addTypeAlias({
      name: "Same",
      typeParameters: ["A", "B"],
      type: "[A] extends [B] ? ([B] extends [A] ? true : false) : false",
    });
    const checks = ctx.tools.flatMap((t) => {
      const z = camelCase(t.name);
      return [
        `${z}InputZod: Same<types.${t.typeName}Input, z.input<typeof zod.${z}InputSchema>>;`,
        `${z}ArgsZod: Same<types.${t.typeName}Args, z.output<typeof zod.${z}InputSchema>>;`,
        `${z}OutputZod: Same<types.${t.typeName}Output, z.output<typeof zod.${z}OutputSchema>>;`,
        `${z}InputTypebox: Same<types.${t.typeName}Input, Static<typeof typebox.${t.typeName}Input>>;`,
        `${z}OutputTypebox: Same<types.${t.typeName}Output, Static<typeof typebox.${t.typeName}Output>>;`,
      ];
    });
    file.addTypeAlias({ name: "Agreement", isExported: true, type: `{\n${checks.join("\n")}\n}` });
    file.addTypeAlias({
      name: "AllTrue",
      isExported: true,
      docs: ["Fails to compile unless every entry of Agreement is true."],
      type: `Agreement[keyof Agreement] extends true ? true : never`,
    });
    file.addStatements(`export const typesAgree: AllTrue = true;`);
  });
}
