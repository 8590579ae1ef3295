// The two publishable packages as a third party gets them: packed into tarballs (pnpm pack, which
// builds them), installed with `npm install --offline` into an empty folder outside the workspace,
// next to tarballs of their dependencies taken from this repository's node_modules, so nothing is
// fetched. There, with the node running this test (scripts/test.sh runs the suite on Node 20 and
// on Node 22): the generated validators from plain Node, a TypeScript file checked against the
// published declarations, the runner's bin and its library API against the reference server.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@mcpemails/server/testing";
import { installOffline, packForOfflineInstall } from "./test-support/offline-tarballs.js";
import { TOOL_NAMES } from "@mcpemails/generated";

const run = promisify(execFile);
const repository = fileURLToPath(new URL("../../", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const UNLIMITED = [{ name: "minute", seconds: 60, limit: 1_000_000 }] as const;

let server: TestServer;
let outside: string;
let project: string;

beforeAll(async () => {
  server = await startTestServer({ rateWindows: UNLIMITED as never });
  outside = mkdtempSync(join(tmpdir(), "mcpemails-packed-"));
  project = join(outside, "project");
  mkdirSync(project);
  const tarballs = await packForOfflineInstall(
    [join(repository, "generated"), join(repository, "conformance")],
    outside,
  );
  await installOffline(project, tarballs);
}, 240_000);

afterAll(async () => {
  await server?.close();
  rmSync(outside, { recursive: true, force: true });
});

/** Runs an ES module written into the project with this process's node; resolves with its stdout. */
async function runModule(name: string, source: string): Promise<string> {
  writeFileSync(join(project, name), source);
  const { stdout } = await run(process.execPath, [name], { cwd: project, env: { ...process.env, NODE_PATH: "" } });
  return stdout;
}

describe("@mcpemails/generated, installed from its tarball", () => {
  it("ships compiled JavaScript and declarations, and depends on published packages only", () => {
    const manifest = JSON.parse(
      readFileSync(join(project, "node_modules/@mcpemails/generated/package.json"), "utf8"),
    ) as { dependencies: Record<string, string>; exports: Record<string, unknown> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@sinclair/typebox", "ajv", "ajv-formats", "zod"]);
    expect(Object.values(manifest.dependencies).some((range) => range.startsWith("workspace:"))).toBe(false);
    expect(manifest.exports["."]).toMatchObject({ types: "./dist/index.d.ts", import: "./dist/index.js" });
  });

  it("validates a tool input with the generated validators from plain Node, naming the parameter at fault", async () => {
    const out = await runModule(
      "validate.mjs",
      `import { inputValidators, TOOL_NAMES } from "@mcpemails/generated";
       import { toolInputSchemas } from "@mcpemails/generated/json-schemas";
       import { listInboxInputSchema } from "@mcpemails/generated/zod";
       const good = { inbox_id: "7f3c9a1e-2b4d-4c8e-9f1a-0b2c3d4e5f60", limit: 5 };
       console.log(JSON.stringify({
         tools: TOOL_NAMES,
         good: inputValidators.list_inbox(good),
         bad: inputValidators.list_inbox({ ...good, limit: 1000 }),
         zod: listInboxInputSchema.safeParse(good).success,
         schema: toolInputSchemas.list_inbox.required,
       }));`,
    );
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result.tools).toEqual([...TOOL_NAMES]);
    expect(result.good).toMatchObject({ ok: true });
    expect(result.bad).toMatchObject({ ok: false, problem: { parameter: "limit", rule: "maximum" } });
    expect(result.zod).toBe(true);
    expect(result.schema).toEqual(["inbox_id"]);
  });

  it("typechecks a TypeScript file against the published declarations, and catches a mistake in one", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
        },
        include: ["consumer.ts"],
      }),
    );
    const consumer = (limit: string) =>
      `import { inputValidators, type ListInboxInput, type ToolName } from "@mcpemails/generated";
       const input: ListInboxInput = { inbox_id: "7f3c9a1e-2b4d-4c8e-9f1a-0b2c3d4e5f60", limit: ${limit} };
       const tool: ToolName = "list_inbox";
       const check = inputValidators[tool](input);
       export const verdict: boolean = check.ok;\n`;
    writeFileSync(join(project, "consumer.ts"), consumer("5"));
    await run(process.execPath, [tsc, "-p", "."], { cwd: project });
    writeFileSync(join(project, "consumer.ts"), consumer('"five"'));
    const failed = await run(process.execPath, [tsc, "-p", "."], { cwd: project }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toMatch(/consumer\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number/);
  });
});

describe("@mcpemails/conformance, installed from its tarball", () => {
  it("typechecks a TypeScript file against the runner's declarations with none of the runner's dev dependencies installed", async () => {
    // The runner's bundle carries what it runs; its main entry's types must not reach fast-check
    // (the arbitraries live at @mcpemails/conformance/arbitraries, fast-check a peer there).
    expect(() => createRequire(join(project, "x.js")).resolve("fast-check")).toThrow();
    writeFileSync(
      join(project, "tsconfig.runner.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ["runner-consumer.ts"],
      }),
    );
    const consumer = (url: string) =>
      `import { runConformance, textReport, type ConformanceOptions, type RunReport } from "@mcpemails/conformance";
       const options: ConformanceOptions = { url: ${url}, token: "key", inbox: "7f3c9a1e-2b4d-4c8e-9f1a-0b2c3d4e5f60" };
       export const report: Promise<RunReport> = runConformance(options);
       export const text = (done: RunReport): string => textReport(done);\n`;
    writeFileSync(join(project, "runner-consumer.ts"), consumer('"http://127.0.0.1:1/mcp"'));
    await run(process.execPath, [tsc, "-p", "tsconfig.runner.json"], { cwd: project });
    writeFileSync(join(project, "runner-consumer.ts"), consumer("8080"));
    const failed = await run(process.execPath, [tsc, "-p", "tsconfig.runner.json"], { cwd: project }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toMatch(
      /runner-consumer\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });

  it("runs as the mcpemails-conformance bin and passes against the reference server", async () => {
    // execFile rejects on a non-zero exit: exit 0 is part of what passes here.
    const { stdout } = await run(
      join(project, "node_modules/.bin/mcpemails-conformance"),
      [
        ...["--url", server.url, "--token", server.keys.full, "--inbox", server.inbox.id],
        ...["--read-only-token", server.keys.readOnly, "--runs", "10", "--seed", "7", "--quiet"],
      ],
      { cwd: project, env: { ...process.env, NODE_PATH: "" } },
    );
    expect(stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ skipped of \d+ checks/);
  }, 120_000);

  it("runs the checks from code through runConformance and resolves with a passing report", async () => {
    const out = await runModule(
      "run.mjs",
      `import { runConformance, countOutcomes } from "@mcpemails/conformance";
       const report = await runConformance(${JSON.stringify({ url: server.url, token: server.keys.full, inbox: server.inbox.id, readOnlyToken: server.keys.readOnly, runs: 5, seed: 7 })});
       console.log(JSON.stringify(countOutcomes(report.results)));`,
    );
    const counts = JSON.parse(out) as { passed: number; failed: number };
    expect(counts.failed).toBe(0);
    expect(counts.passed).toBeGreaterThan(100);
  }, 120_000);
});
