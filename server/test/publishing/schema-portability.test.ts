// The tool schemas as the MCP Inspector CLI (2.12) judges them with `tools/list --strict`: no
// portability error or warning, so that every model provider's function calling accepts the tools
// as they are (single-type dialects such as Gemini's OpenAPI subset reject a type array).
//
// The Inspector needs Node 22, which scripts/node22.sh provides beside the machine's Node; without
// it the test is skipped, saying so, except in CI, where it fails.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const INSPECTOR = "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";

function node22Directory(): string | undefined {
  try {
    return execFileSync("bash", ["scripts/node22.sh"], { cwd: root, encoding: "utf8" }).trim();
  } catch (error) {
    if (process.env.CI) throw error;
    console.warn(`schema portability: skipped, Node 22 not found (scripts/node22.sh failed: ${String(error)})`);
    return undefined;
  }
}

const node22 = node22Directory();

interface InspectorRun {
  stdout: string;
  stderr: string;
}

// Asynchronous: the server answers from this process, so a synchronous child would leave it unable to.
async function inspectToolsList(server: TestServer, nodeDirectory: string): Promise<InspectorRun> {
  const args = [INSPECTOR, "--cli", server.url, "--transport", "http", "--method", "tools/list", "--strict"];
  try {
    return await promisify(execFile)(
      `${nodeDirectory}/node`,
      [...args, "--header", `Authorization: Bearer ${server.keys.full}`],
      { cwd: root, encoding: "utf8", timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    // --strict exits non-zero when it finds an error-severity problem; the report is still what counts.
    const { stdout, stderr } = error as Partial<InspectorRun>;
    if (stdout === undefined || stderr === undefined) throw error;
    return { stdout, stderr };
  }
}

/** The problems of the strict report, one line each: `Warning: tool "list_inbox" at outputSchema.properties.from`. */
function portabilityProblems(report: string): string[] {
  return report
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => /^(?:Warning|Error): /.test(block))
    .map((block) => {
      const [heading = "", ...details] = block.split("\n");
      const path = details
        .find((line) => line.trim().startsWith("Path:"))
        ?.trim()
        .slice("Path:".length)
        .trim();
      return path === undefined ? heading : `${heading} at ${path}`;
    });
}

describe.skipIf(node22 === undefined)("the tool schemas' portability, as the MCP Inspector CLI judges it", () => {
  let server: TestServer;
  let run: InspectorRun;
  beforeAll(async () => {
    server = await startTestServer();
    run = await inspectToolsList(server, node22 ?? "");
  }, 90_000);
  afterAll(() => server?.close());

  it("lists every tool", () => {
    const listed = JSON.parse(run.stdout) as { tools: { name: string }[] };
    expect(listed.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["list_inbox", "read_email", "search_emails", "send_email", "reply_to_email"]),
    );
  });

  it("finds no portability error or warning", () => {
    expect(portabilityProblems(run.stderr)).toEqual([]);
    const summary = /(\d+) errors?, (\d+) warnings?/.exec(run.stderr);
    if (summary) expect([summary[1], summary[2]]).toEqual(["0", "0"]);
  });
});
