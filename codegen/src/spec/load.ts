// Reads spec/mcpemails.yaml and keeps the YAML node positions, so that every problem found later
// (shape, references, examples) can be reported as file:line:column.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { specDocumentSchema, type SpecDocument } from "./model.js";
import { checkSpecSemantics } from "./check.js";
import { pathToString, SpecInvalidError, type SpecProblem } from "./problems.js";

export interface LoadedSpec {
  document: SpecDocument;
  /** The file name as given, used in error messages and the generated headers. */
  file: string;
  /** sha256 of the spec's bytes. */
  sha256: string;
  source: string;
}

/** Places a problem at the value under `path`, or at its key with `{ at: "key" }`. */
export type Locate = (path: readonly PropertyKey[], message: string, options?: { at: "key" | "value" }) => SpecProblem;

export function loadSpecFile(file: string, displayName = file): LoadedSpec {
  return parseSpec(readFileSync(file, "utf8"), displayName);
}

export function parseSpec(source: string, file: string): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lineCounter.linePos(offset);

  const syntaxProblems = doc.errors.map((e): SpecProblem => {
    const { line, col } = at(e.pos[0]);
    if (e.code === "DUPLICATE_KEY") {
      const path = pathOfKeyAt(doc.contents, e.pos[0], []) ?? [];
      const name = path.at(-1);
      return {
        file,
        line,
        column: col,
        path: pathToString(path),
        message: `duplicate key${name === undefined ? "" : ` "${String(name)}"`}: each tool, type, error and property may be defined once`,
      };
    }
    return { file, line, column: col, path: "", message: e.message.split("\n")[0] ?? e.message };
  });
  if (syntaxProblems.length > 0) throw new SpecInvalidError(syntaxProblems);

  const locate: Locate = (path, message, options) => {
    let node: unknown = doc.contents;
    for (const [i, key] of path.entries()) {
      const child = childNode(node, key, options?.at === "key" && i === path.length - 1 ? "key" : "value");
      if (child === undefined) break;
      node = child;
    }
    const offset = (node as Node | null)?.range?.[0] ?? 0;
    const { line, col } = at(offset);
    return { file, line, column: col, path: pathToString(path), message };
  };

  const parsed = specDocumentSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new SpecInvalidError(
      parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? locate([...issue.path, issue.keys[0] ?? ""], describeIssue(issue), { at: "key" })
          : locate(issue.path, describeIssue(issue)),
      ),
    );
  }
  const problems = checkSpecSemantics(parsed.data, locate);
  if (problems.length > 0) throw new SpecInvalidError(problems);

  return {
    document: parsed.data,
    file,
    source,
    sha256: createHash("sha256").update(source).digest("hex"),
  };
}

function childNode(node: unknown, key: PropertyKey, part: "key" | "value"): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    if (!pair) return undefined;
    return part === "key" ? pair.key : (pair.value ?? pair.key);
  }
  if (isSeq(node) && typeof key === "number") return node.items[key];
  return undefined;
}

/** The path of the mapping key that starts at `offset`, for problems the YAML parser reports by position. */
function pathOfKeyAt(node: unknown, offset: number, path: PropertyKey[]): PropertyKey[] | undefined {
  const items: { key: PropertyKey; keyNode?: unknown; value: unknown }[] = isMap(node)
    ? node.items.map((p) => ({
        key: (p.key as { value?: PropertyKey } | null)?.value ?? "",
        keyNode: p.key,
        value: p.value,
      }))
    : isSeq(node)
      ? node.items.map((value, i) => ({ key: i, value }))
      : [];
  for (const item of items) {
    if ((item.keyNode as Node | undefined)?.range?.[0] === offset) return [...path, item.key];
    const range = (item.value as Node | null)?.range;
    if (range && range[0] <= offset && offset <= range[2]) {
      const found = pathOfKeyAt(item.value, offset, [...path, item.key]);
      if (found) return found;
    }
  }
  return undefined;
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys)
    return `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return issue.message;
}
