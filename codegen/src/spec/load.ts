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

export type Locate = (path: readonly PropertyKey[], message: string) => SpecProblem;

export function loadSpecFile(file: string, displayName = file): LoadedSpec {
  return parseSpec(readFileSync(file, "utf8"), displayName);
}

export function parseSpec(source: string, file: string): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lineCounter.linePos(offset);

  const syntaxProblems = doc.errors.map((e): SpecProblem => {
    const { line, col } = at(e.pos[0]);
    const words = e.code === "DUPLICATE_KEY" ? "duplicate key: each tool, type, error and property may be defined once" : (e.message.split("\n")[0] ?? e.message);
    return { file, line, column: col, path: "", message: words };
  });
  if (syntaxProblems.length > 0) throw new SpecInvalidError(syntaxProblems);

  const locate: Locate = (path, message) => {
    let node: unknown = doc.contents;
    for (const key of path) {
      const child = childNode(node, key);
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
        issue.code === "unrecognized_keys" ? locate([...issue.path, issue.keys[0] ?? ""], describeIssue(issue)) : locate(issue.path, describeIssue(issue)),
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

function childNode(node: unknown, key: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    return pair ? (pair.value ?? pair.key) : undefined;
  }
  if (isSeq(node) && typeof key === "number") return node.items[key];
  return undefined;
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) return `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return issue.message;
}
