import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../cli/stub.js";

// Under codegen/ so that the skeleton resolves @mcpemails/generated as a third party's project would.
const codegenDir = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(codegenDir, ".stub-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm gen:stub <dir>", () => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);

  it("writes a handler skeleton and a runnable main", () => {
    expect(main([dir])).toBe(0);
    expect(readFileSync(join(dir, "tool-handlers.ts"), "utf8")).toContain("satisfies ToolHandlers");
  });

  it("gives a skeleton that type-checks against the generated ToolHandlers", () => {
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: "../../tsconfig.base.json", include: ["*.ts"] }),
    );
    expect(() =>
      execFileSync("npx", ["tsc", "-p", join(dir, "tsconfig.json")], { cwd: dir, stdio: "pipe" }),
    ).not.toThrow();
  });

  it("runs: every tool's spec example goes through the dispatcher to the skeleton's provider_error", () => {
    const out = execFileSync("npx", ["tsx", "main.ts"], { cwd: dir, encoding: "utf8" });
    const lines = out
      .trim()
      .split("\n")
      .filter((l) => /^[a-z_]+ \{/.test(l));
    expect(lines.map((l) => l.split(" ")[0])).toEqual([
      "list_inbox",
      "read_email",
      "search_emails",
      "send_email",
      "reply_to_email",
      "list_folders",
      "get_thread",
      "get_attachment",
      "create_draft",
      "update_draft",
      "delete_draft",
      "send_draft",
      "get_send_status",
    ]);
    for (const line of lines)
      expect(JSON.parse(line.slice(line.indexOf(" ") + 1))).toMatchObject({
        result: { isError: true, errorCode: "provider_error" },
      });
  });

  it("never overwrites a file that exists", () => {
    writeFileSync(join(dir, "tool-handlers.ts"), "// my own work\n");
    expect(main([dir])).toBe(0);
    expect(readFileSync(join(dir, "tool-handlers.ts"), "utf8")).toBe("// my own work\n");
  });

  it("refuses to run without a directory", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(main([])).toBe(2);
  });
});
