// Every generated TypeScript file goes through ts-morph: statements are added to an in-memory
// source file and formatted by the TypeScript formatter, so the output is stable whatever the
// emitter's own spacing.
import { IndentationText, NewLineKind, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from "ts-morph";
import { header, type GenContext, type GeneratedFile } from "../context.js";

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Double,
      newLineKind: NewLineKind.LineFeed,
      useTrailingCommas: true,
    },
  });
  return project;
}

/**
 * format: false skips the TypeScript formatter, for files that are mostly JSON literals already
 * laid out by JSON.stringify; formatting those costs more than the rest of `pnpm gen`.
 */
export function tsFile(
  ctx: GenContext,
  path: string,
  build: (file: SourceFile) => void,
  options: { format?: boolean } = {},
): GeneratedFile {
  const file = sharedProject().createSourceFile(`/${path}`, "", { overwrite: true });
  build(file);
  if (options.format ?? true)
    file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
  return { path, content: header(ctx, "line") + file.getFullText() };
}

/** A JSON value as a TypeScript expression. */
export function literal(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A doc comment body: ts-morph adds the comment markers; a stray terminator must not end it early. */
export function docText(text: string | undefined): string[] {
  return text === undefined ? [] : [text.replace(/\*\//g, "*\\/")];
}

export function exportConst(file: SourceFile, name: string, initializer: string, docs: string[] = []): void {
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name, initializer }],
    docs,
  });
}
