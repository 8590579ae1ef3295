/** One thing wrong with the spec, with where it is. */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path inside the spec, for example tools.list_inbox.input.properties.limit.default */
  path: string;
  message: string;
}

export class SpecInvalidError extends Error {
  constructor(readonly problems: readonly SpecProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "SpecInvalidError";
  }
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path === "" ? "(document)" : p.path}: ${p.message}`;
}

export function pathToString(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}
