// The runner as a third party gets it: packed into a tarball, installed with npm into a folder
// outside this repository (no workspace, no tsx, no @mcpemails/generated), and run as the
// mcpemails-conformance bin against a reference server.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@mcpemails/server/testing";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("../", import.meta.url));
const UNLIMITED = [{ name: "minute", seconds: 60, limit: 1_000_000 }] as const;

let server: TestServer;
let outside: string;
beforeAll(async () => {
  server = await startTestServer({ rateWindows: UNLIMITED as never });
  outside = mkdtempSync(join(tmpdir(), "mcpemails-conformance-install-"));
});
afterAll(async () => {
  await server.close();
  rmSync(outside, { recursive: true, force: true });
});

it("installs from a packed tarball with npm, with no dependency to fetch, and passes against the reference server", async () => {
  // The child processes run asynchronously: the server under test answers from this process.
  await run("pnpm", ["pack", "--pack-destination", outside], { cwd: packageDir });
  const tarball = readdirSync(outside).find((name) => name.endsWith(".tgz"));
  expect(tarball).toBeDefined();
  const installed = join(outside, "project");
  mkdirSync(installed);
  await run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--prefix", installed, join(outside, tarball ?? "")],
    { cwd: installed },
  );
  const manifest = JSON.parse(
    readFileSync(join(installed, "node_modules/@mcpemails/conformance/package.json"), "utf8"),
  ) as { dependencies?: object };
  expect(manifest.dependencies ?? {}).toEqual({});
  const bin = join(installed, "node_modules/.bin/mcpemails-conformance");
  // execFile rejects on a non-zero exit: exit 0 is part of what passes here.
  const result = await run(
    bin,
    [
      "--url",
      server.url,
      "--token",
      server.keys.full,
      "--inbox",
      server.inbox.id,
      "--read-only-token",
      server.keys.readOnly,
      "--runs",
      "10",
      "--seed",
      "7",
      "--quiet",
    ],
    { cwd: installed, env: { ...process.env, NODE_PATH: "" } },
  );
  expect(result.stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ skipped of \d+ checks/);
}, 180_000);
