// Compiled input validators for every tool, built once when the module loads.
import type { GenContext, GeneratedFile } from "../context.js";
import { exportConst, tsFile } from "./ts-file.js";

export function emitValidate(ctx: GenContext): GeneratedFile {
  return tsFile(ctx, "src/validate.ts", (file) => {
    file.addImportDeclaration({
      moduleSpecifier: "./runtime/input-validation.js",
      namedImports: ["compileInputValidator", "createAjv", { name: "InputCheck", isTypeOnly: true }],
    });
    file.addImportDeclaration({
      moduleSpecifier: "./json-schemas.js",
      namedImports: ["toolInputSchemas", "toolOutputSchemas"],
    });
    file.addImportDeclaration({
      moduleSpecifier: "./types.js",
      isTypeOnly: true,
      namedImports: ["ToolArgs", "ToolName", "ToolOutputs"],
    });
    exportConst(file, "ajv", "createAjv()");
    exportConst(
      file,
      "inputValidators",
      `{\n${ctx.tools.map((t) => `${t.name}: compileInputValidator<ToolArgs[${JSON.stringify(t.name)}]>(ajv, toolInputSchemas.${t.name})`).join(",\n")}\n} satisfies { [T in ToolName]: (args: unknown) => InputCheck<ToolArgs[T]> }`,
      [
        "Checks a tool's arguments and applies defaults; a failure names the parameter and the rule, as -32602 data does.",
      ],
    );
    exportConst(
      file,
      "outputValidators",
      `{\n${ctx.tools.map((t) => `${t.name}: compileInputValidator<ToolOutputs[${JSON.stringify(t.name)}]>(ajv, toolOutputSchemas.${t.name})`).join(",\n")}\n} satisfies { [T in ToolName]: (output: unknown) => InputCheck<ToolOutputs[T]> }`,
      ["Checks a tool's structuredContent against its output schema."],
    );
  });
}
