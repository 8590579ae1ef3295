// A broken spec is refused with file:line:column, the path inside the spec and what is wrong, and
// `pnpm gen` then writes nothing. Each broken spec is the real one with one textual edit, so the
// expected line and column are computed from the edited text, not written down by hand.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../cli/repository-root.js";
import { copyTree, removeScratch, runGen, scratchDir, snapshotTree } from "../test-support/gen-run.js";
import { parseSpec } from "./load.js";
import { formatProblem, SpecInvalidError, type SpecProblem } from "./problems.js";

const SPEC_FILE = "spec/mcpemails.yaml";
const realSpecPath = join(repositoryRoot(), SPEC_FILE);
const realSource = readFileSync(realSpecPath, "utf8");

interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset, as editors and the loader count them. */
function positionAt(source: string, offset: number): Position {
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

function indexOfUnique(source: string, snippet: string): number {
  const index = source.indexOf(snippet);
  expect(index, `snippet not found in the spec: ${JSON.stringify(snippet)}`).toBeGreaterThanOrEqual(0);
  expect(source.indexOf(snippet, index + 1), `snippet is not unique in the spec: ${JSON.stringify(snippet)}`).toBe(-1);
  return index;
}

/** Where `mark` sits inside the one occurrence of `snippet` in `source`. */
function positionOf(source: string, snippet: string, mark: string): Position {
  const within = snippet.indexOf(mark);
  expect(within, `${JSON.stringify(mark)} is not in ${JSON.stringify(snippet)}`).toBeGreaterThanOrEqual(0);
  return positionAt(source, indexOfUnique(source, snippet) + within);
}

/** The real spec with its one occurrence of `from` replaced by `to`. */
function edited(from: string, to: string): string {
  const index = indexOfUnique(realSource, from);
  return realSource.slice(0, index) + to + realSource.slice(index + from.length);
}

function problemsOf(source: string): readonly SpecProblem[] {
  try {
    parseSpec(source, SPEC_FILE);
  } catch (error) {
    if (error instanceof SpecInvalidError) return error.problems;
    throw error;
  }
  throw new Error("the spec was accepted");
}

interface BrokenSpec {
  /** What is wrong, as a test name. */
  name: string;
  source: string;
  at: Position;
  path: string;
  /** How the problem's message starts. */
  message: string;
}

const misspeltKeyword = "          maximun: 100\n          default: 20\n          description: Max results to return.";
const unknownKey: BrokenSpec = (() => {
  const source = edited(
    "          maximum: 100\n          default: 20\n          description: Max results to return.",
    misspeltKeyword,
  );
  return {
    name: "a misspelt keyword under a parameter",
    source,
    at: positionOf(source, misspeltKeyword, "maximun"),
    path: "tools.list_inbox.input.properties.limit.maximun",
    message: 'unknown key "maximun"',
  };
})();

const duplicateTool: BrokenSpec = (() => {
  const renamed = "\n  list_inbox:\n    title: Read email\n";
  const source = edited("\n  read_email:\n    title: Read email\n", renamed);
  return {
    name: "the same tool key twice",
    source,
    at: positionOf(source, renamed, "list_inbox"),
    path: "tools.list_inbox",
    message: 'duplicate key "list_inbox"',
  };
})();

/** Broken specs, each with the one problem the loader must report and where. */
const placedExactly: BrokenSpec[] = [
  unknownKey,
  duplicateTool,
  (() => {
    const line = '  title: "MCPEmails';
    const source = edited("\n  title: MCPEmails\n", `\n${line}\n`);
    // The parser misses the closing quote where the line ends, just past the unclosed text.
    const at = { line: positionOf(source, `\n${line}\n`, "title").line, column: line.length + 1 };
    return { name: "bad YAML (an unclosed quote)", source, at, path: "(document)", message: 'Missing closing "quote' };
  })(),
  (() => {
    const source = edited(
      "          maximum: 100\n          default: 20\n          description: Max results to return.",
      "          maximum: 100\n          default: 200\n          description: Max results to return.",
    );
    return {
      name: "a default outside its bounds",
      source,
      at: positionOf(source, "          maximum: 100\n          default: 200\n", "200"),
      path: "tools.list_inbox.input.properties.limit.default",
      message: "the default 200 does not satisfy its own schema (must be at most 100)",
    };
  })(),
  (() => {
    const source = edited("          next_offset: 2\n          total: 7\n", "          next_offset: 2\n");
    // A missing field has no node of its own: the problem is placed at the object that lacks it.
    return {
      name: "a result example missing a required field",
      source,
      at: positionOf(source, "          unread_only: true\n        result:\n          messages:\n", "messages:"),
      path: "tools.list_inbox.examples[0].result.total",
      message: "the result does not match the output schema: total: is required",
    };
  })(),
  (() => {
    const data = 'data: { parameter: limit, rule: minimum, message: "limit: must be at most 100" }';
    const source = edited('data: { parameter: limit, rule: maximum, message: "limit: must be at most 100" }', data);
    return {
      name: "an invalid_params example whose data names the wrong rule",
      source,
      at: positionOf(source, data, "{"),
      path: "tools.list_inbox.examples[2].error.data",
      message: 'the validator reports {"parameter":"limit","rule":"maximum","message":"limit: must be at most 100"}',
    };
  })(),
  (() => {
    const ref = "        message_id:\n          ref: message_identifier\n        include_html:";
    const source = edited("        message_id:\n          ref: message_id\n        include_html:", ref);
    return {
      name: "a ref to an unknown type",
      source,
      at: positionOf(source, ref, "message_identifier"),
      path: "tools.read_email.input.properties.message_id.ref",
      message: 'unknown type "message_identifier"; types are inbox_id, message_id,',
    };
  })(),
  (() => {
    // list_folders lists the same errors: list_inbox's are the ones after its output's required list.
    const required = "      required: [messages, offset, limit, next_offset, total, total_is_estimate]\n";
    const errors = `${required}    errors: [inbox_not_found, scope_denied, auth_failed, rate_limit_exceeded, quota_exceeded, provider_failure]`;
    const source = edited(
      `${required}    errors: [inbox_not_found, scope_denied, auth_failed, rate_limit_exceeded, quota_exceeded, provider_error]`,
      errors,
    );
    return {
      name: "a tool error that is not in the catalogue",
      source,
      at: positionOf(source, errors, "provider_failure"),
      path: "tools.list_inbox.errors[5]",
      message: '"provider_failure" is not in errors.execution',
    };
  })(),
  (() => {
    // list_folders has the same example: list_inbox's is the one followed by its limit example.
    const next = "\n      - name: A limit over the maximum";
    const text = `text: Inbox 00000000-0000-0000-0000-000000000000 was not found.${next}`;
    const source = edited(`text: Inbox 00000000-0000-0000-0000-000000000000 not found or not accessible.${next}`, text);
    return {
      name: "an error example whose text does not follow the message template",
      source,
      at: positionOf(source, text, "Inbox"),
      path: "tools.list_inbox.examples[1].error.text",
      message: 'does not follow the message template "Inbox {inbox_id} not found or not accessible."',
    };
  })(),
];

const allBroken = placedExactly;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("parseSpec", () => {
  it("accepts the real spec", () => {
    expect(parseSpec(realSource, SPEC_FILE).document.spec_version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(placedExactly)(
    "refuses $name with one problem at file:line:column, naming the path in the spec and what is wrong",
    ({ source, at, path, message }) => {
      const problems = problemsOf(source);
      expect(problems).toHaveLength(1);
      const problem = problems[0] as SpecProblem;
      expect(problem).toMatchObject({
        file: SPEC_FILE,
        line: at.line,
        column: at.column,
        path: path === "(document)" ? "" : path,
      });
      expect(formatProblem(problem)).toMatch(
        new RegExp(`^${escapeRegExp(`${SPEC_FILE}:${at.line}:${at.column}: ${path}: ${message}`)}`),
      );
    },
  );

  // The key, not its value: for a block mapping (`propertiez:`) the value starts on the next line.
  it("places an unknown key's problem at the key itself, not at its value", () => {
    const blockKey = "    input:\n      propertiez:\n        inbox_id:\n          ref: inbox_id\n        limit:";
    const block = edited(
      "    input:\n      properties:\n        inbox_id:\n          ref: inbox_id\n        limit:",
      blockKey,
    );
    const [problem] = problemsOf(block);
    expect(problem?.path).toBe("tools.list_inbox.input.propertiez");
    expect(problem && { line: problem.line, column: problem.column }).toEqual(
      positionOf(block, blockKey, "propertiez"),
    );
  });
});

describe("pnpm gen with a broken spec", () => {
  let scratch = "";
  let goodGeneration = "";
  let runs = 0;

  beforeAll(() => {
    scratch = scratchDir("load");
    goodGeneration = join(scratch, "good");
    expect(runGen(["--spec", realSpecPath, "--out", goodGeneration]).exitCode).toBe(0);
  });

  afterAll(() => removeScratch(scratch));

  it.each(allBroken)(
    "writes nothing for $name, into an empty folder or over a previous generation",
    ({ source, path, message }) => {
      const run = ++runs;
      const specPath = join(scratch, `broken-${run}.yaml`);
      writeFileSync(specPath, source);
      const empty = scratchDir("load-empty");
      const previous = copyTree(goodGeneration, join(scratch, `previous-${run}`));
      const before = snapshotTree(previous);
      try {
        const intoEmpty = runGen(["--spec", specPath, "--out", empty]);
        expect(intoEmpty.exitCode).toBe(1);
        expect(readdirSync(empty)).toEqual([]);
        expect(intoEmpty.stdout).toBe("");
        // The CLI names the spec as given, relative to the repository, in front of each position.
        const problemLine = `^${escapeRegExp(relative(repositoryRoot(), specPath))}:\\d+:\\d+: ${escapeRegExp(`${path}: ${message}`)}`;
        expect(intoEmpty.stderr).toMatch(new RegExp(problemLine, "m"));
        expect(intoEmpty.stderr).toContain("1 problem(s) in the spec; nothing was written.");

        const overPrevious = runGen(["--spec", specPath, "--out", previous]);
        expect(overPrevious.exitCode).toBe(1);
        expect(snapshotTree(previous)).toEqual(before);
      } finally {
        removeScratch(empty);
      }
    },
  );
});
