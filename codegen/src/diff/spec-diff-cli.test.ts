// `pnpm spec:diff` end to end, in a throwaway git repository holding a copy of the real spec.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main, type CliIo } from "../cli/spec-diff.js";

const SPEC_SOURCE = readFileSync(new URL("../../../spec/mcpemails.yaml", import.meta.url), "utf8");
const CLI_SCRIPT = fileURLToPath(new URL("../cli/spec-diff.ts", import.meta.url));
const FILENAME_BOUNDS =
  "        min_length: 1\n        max_length: 255\n        description: >-\n          File name shown to the recipient, made safe";

let repo: string;

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "spec-diff-"));
  mkdirSync(join(repo, "spec"));
  writeSpec(SPEC_SOURCE);
  git("init", "--quiet");
  git("add", "spec/mcpemails.yaml");
  git(
    "-c",
    "user.name=Spec Diff Test",
    "-c",
    "user.email=spec-diff@example.com",
    "-c",
    "commit.gpgsign=false",
    "commit",
    "--quiet",
    "-m",
    "spec",
  );
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

function git(...args: string[]): void {
  execFileSync("git", args, { cwd: repo, stdio: "ignore" });
}

function writeSpec(source: string): void {
  writeFileSync(join(repo, "spec", "mcpemails.yaml"), source);
}

function editSpec(from: string, to: string): void {
  expect(SPEC_SOURCE.split(from)).toHaveLength(2);
  writeSpec(SPEC_SOURCE.replace(from, to));
}

function run(...argv: string[]): { exitCode: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { cwd: repo, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const exitCode = main(argv, io);
  return { exitCode, stdout, stderr };
}

describe("pnpm spec:diff --against <ref>", () => {
  it("exits 1 and prints a BREAKING line for a tightened bound inside a named type", () => {
    editSpec(FILENAME_BOUNDS, FILENAME_BOUNDS.replace("max_length: 255", "max_length: 100"));
    const result = run("--against", "HEAD");
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "BREAKING  tools.send_email.input.attachments[].filename.max_length: input bound tightened, 255 -> 100",
      "BREAKING  tools.reply_to_email.input.attachments[].filename.max_length: input bound tightened, 255 -> 100",
      "BREAKING  tools.create_draft.input.attachments[].filename.max_length: input bound tightened, 255 -> 100",
      "BREAKING  tools.update_draft.input.attachments[].filename.max_length: input bound tightened, 255 -> 100",
      "4 breaking, 0 non-breaking changes against HEAD",
      "",
    ]);
    expect(result.stderr).toBe("");
  });

  it("exits 0 for a description-only change", () => {
    editSpec("description: Max results to return.", "description: The most messages to return.");
    const result = run("--against", "HEAD");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      'ok        tools.list_inbox.input.limit.description: text changed, "Max results to return." -> "The most messages to return."\n' +
        "0 breaking, 1 non-breaking changes against HEAD\n",
    );
  });

  it("prints JSON with --json", () => {
    editSpec("  search_timeout_seconds: 30", "  search_timeout_seconds: 10");
    const result = run("--against", "HEAD", "--json");
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      against: "HEAD",
      breaking: 1,
      nonBreaking: 0,
      changes: [{ path: "limits.search_timeout_seconds", breaking: true, summary: "lowered", before: 30, after: 10 }],
    });
  });

  it("reads another spec file with --spec, relative to the repository root", () => {
    mkdirSync(join(repo, "other"));
    writeFileSync(join(repo, "other", "spec.yaml"), SPEC_SOURCE);
    git("add", "other/spec.yaml");
    git(
      "-c",
      "user.name=Spec Diff Test",
      "-c",
      "user.email=spec-diff@example.com",
      "-c",
      "commit.gpgsign=false",
      "commit",
      "--quiet",
      "-m",
      "other",
    );
    writeFileSync(
      join(repo, "other", "spec.yaml"),
      SPEC_SOURCE.replace(
        "  - name: minute\n      seconds: 60\n      limit: 100",
        "  - name: minute\n      seconds: 60\n      limit: 200",
      ),
    );
    const result = run("--against", "HEAD", "--spec", "other/spec.yaml");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("ok        rate_limits.windows.minute.limit: raised, 100 -> 200\n");
  });

  it("exits 2 without --against", () => {
    const result = run();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--against <git-ref> is required");
  });

  it("exits 2 for an unknown option", () => {
    expect(run("--against", "HEAD", "--colour").exitCode).toBe(2);
  });

  it("exits 2 for a ref that does not exist", () => {
    const result = run("--against", "no-such-branch");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('spec:diff: unknown git ref "no-such-branch"\n');
  });

  it("exits 2 for a spec the ref does not have", () => {
    writeFileSync(join(repo, "spec", "draft.yaml"), SPEC_SOURCE);
    const result = run("--against", "HEAD", "--spec", "spec/draft.yaml");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^spec:diff: spec\/draft\.yaml does not exist at HEAD: /);
  });

  it("exits 2 for a spec missing from the working tree", () => {
    const result = run("--against", "HEAD", "--spec", "spec/missing.yaml");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^spec:diff: cannot read spec\/missing\.yaml in the working tree: ENOENT/);
  });

  it("exits 2 and prints where the problem is when the working-tree spec does not parse", () => {
    editSpec("  search_timeout_seconds: 30", "  search_timeout_seconds: lots");
    const result = run("--against", "HEAD");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^spec:diff: the spec is not valid:\nspec\/mcpemails\.yaml:\d+:\d+: limits\.search_timeout_seconds: /,
    );
  });

  it("runs as a script, with the exit code as its status", () => {
    editSpec(FILENAME_BOUNDS, FILENAME_BOUNDS.replace("max_length: 255", "max_length: 100"));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const result = spawnSync(
      process.execPath,
      ["--conditions=@mcpemails/source", "--import", tsx, CLI_SCRIPT, "--against", "HEAD"],
      {
        cwd: repo,
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      "BREAKING  tools.send_email.input.attachments[].filename.max_length: input bound tightened, 255 -> 100\n",
    );
  });
});

/** Protocol 1.0 as released: the commit tagged v1.0.0 (the tag itself may not travel with a clone). */
const PROTOCOL_1_0 = "e813b554b70aab79fb188c16ea1a4a2618330c15";
const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));
const hasProtocol10 =
  spawnSync("git", ["cat-file", "-e", `${PROTOCOL_1_0}^{commit}`], { cwd: REPOSITORY, stdio: "ignore" }).status === 0;

describe("the spec in this repository against protocol 1.0", () => {
  it.skipIf(!hasProtocol10)(
    "breaks nothing since v1.0.0 but the opt-in approval of sends (decision send-approval), and lists the rest as ok",
    () => {
      let stdout = "";
      const io: CliIo = { cwd: REPOSITORY, stdout: (text) => (stdout += text), stderr: () => undefined };
      expect(main(["--against", PROTOCOL_1_0], io)).toBe(1);
      expect(stdout).toMatch(/^ok {8}spec_version: version changed, "1\.0\.0" -> "1\.5\.0"$/mu);
      expect(stdout).toContain(
        "ok        errors.execution.scope_denied.fields.requiredScope.enum: output enum value added: draft:email " +
          '(a new scope only new tools need), ["read:email","send:email"] -> ["read:email","send:email","draft:email"]\n',
      );
      // A held send answers pending_approval or scheduled with no Message-ID yet: only a workspace whose
      // owner turned approval or an undo window on ever sees it, which the diff cannot know, so it
      // rightly calls it breaking.
      const breaking = stdout
        .split("\n")
        .filter((line) => line.startsWith("BREAKING"))
        .map((line) => line.slice(0, line.indexOf(":")));
      expect(breaking).toEqual(
        // send_draft came in 1.1.0, so against 1.0 it is new, not changed.
        ["send_email", "reply_to_email"].flatMap((tool) => [
          `BREAKING  tools.${tool}.output.rfc822_message_id.nullable`,
          `BREAKING  tools.${tool}.output.delivery_status.enum`,
        ]),
      );
      expect(stdout).toMatch(/^4 breaking, \d+ non-breaking changes against /mu);
    },
  );
});
