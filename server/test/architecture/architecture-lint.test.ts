// The architecture rules of eslint.config.js (which folder may import which), seen failing: for every rule a
// forbidden import is planted in a virtual file at a realistic path and lint must report it, naming the rule; the
// allowed counterpart must pass; and today's tree must pass.
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

// One instance for the whole file. Only the architecture rules run: a planted snippet need not be otherwise
// lint-clean, and linting the whole tree stays quick.
const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId.startsWith("architecture/") });

/** Each rule's id (architecture/<id>) and what its message says the rule is. */
const RULES = {
  "packages-import-by-name": "no relative import crosses a package boundary",
  "codegen-imports-no-runner-or-server": "codegen imports nothing from the conformance runner or the server",
  "codegen-never-imports-its-output": "codegen never imports @mcpemails/generated, its own output",
  "runner-never-imports-server": "the conformance runner never imports the server",
  "server-src-is-production-code": "server/src is production code",
  "providers-never-touch-store-or-limits": "a provider never talks to the store or the limits",
  "mail-depends-on-no-provider": "mail/ depends on no provider",
  "mcp-never-calls-a-provider": "the MCP layer never talks to a provider SDK",
  "generated-depends-on-nothing-hand-written": "generated/ depends on nothing hand-written",
  "max-depth": "the architecture rules check files at most",
} as const;
type Rule = keyof typeof RULES;

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  // A file lint skips or cannot parse would pass every "allowed" check: neither may happen here.
  expect(result!.messages.filter((message) => message.fatal === true || message.ruleId === null)).toEqual([]);
  return result!.messages;
}

async function expectForbidden(filePath: string, code: string, rule: Rule): Promise<void> {
  const errors = (await lint(filePath, code)).filter((message) => message.ruleId === `architecture/${rule}`);
  expect(errors, `${filePath}: ${code}`).not.toEqual([]);
  for (const error of errors) {
    expect(error.severity).toBe(2);
    expect(error.message).toContain(`Architecture: ${RULES[rule]}`);
  }
}

async function expectAllowed(filePath: string, code: string): Promise<void> {
  const errors = (await lint(filePath, code)).filter((message) => message.ruleId?.startsWith("architecture/"));
  expect(
    errors.map((error) => error.message),
    `${filePath}: ${code}`,
  ).toEqual([]);
}

describe("packages import each other by name, never by a relative path", () => {
  it("server code never reaches into generated/ by a relative path; it imports @mcpemails/generated", async () => {
    const file = "server/src/mcp/planted.ts";
    await expectForbidden(
      file,
      `import { TRANSPORT } from "../../../generated/src/index.js";`,
      "packages-import-by-name",
    );
    await expectAllowed(file, `import { TRANSPORT } from "@mcpemails/generated";`);
    await expectAllowed(file, `import { buildApp } from "../app.js";`);
  });

  it("a conformance test reaches the server through @mcpemails/server/testing, not through server/", async () => {
    const file = "conformance/src/runner/planted.test.ts";
    await expectForbidden(
      file,
      `import { startTestServer } from "../../../server/test/testing.js";`,
      "packages-import-by-name",
    );
    await expectAllowed(file, `import { startTestServer } from "@mcpemails/server/testing";`);
  });

  it("codegen does not read its output, nor scripts/ a package, by a relative path", async () => {
    await expectForbidden(
      "codegen/src/emit/planted.ts",
      `import { SPEC } from "../../../generated/src/spec.js";`,
      "packages-import-by-name",
    );
    await expectForbidden(
      "codegen/src/planted.test.ts",
      `export * from "../../conformance/src/index.js";`,
      "packages-import-by-name",
    );
    await expectForbidden(
      "scripts/planted.ts",
      `import { buildApp } from "../server/src/app.js";`,
      "packages-import-by-name",
    );
    await expectAllowed("codegen/bench/planted.ts", `import { generate } from "../src/generate.js";`);
  });

  it("a dynamic import() is held to the same rule", async () => {
    await expectForbidden(
      "server/test/support/planted.ts",
      "export const load = () => import(`../../../conformance/src/index.js`);",
      "packages-import-by-name",
    );
    await expectAllowed(
      "server/test/support/planted.ts",
      `export const load = () => import("@mcpemails/conformance");`,
    );
  });

  it("the folders of a package are told apart by where the path lands, not by their names", async () => {
    // server/bench/../test is server/test: the same package.
    await expectAllowed("server/bench/planted.ts", `import { startTestServer } from "../test/support/test-server.js";`);
    // One folder up from server/src/providers/ is server/src/, which has no conformance/ in it; three are the root.
    await expectAllowed("server/src/providers/planted.ts", `import { x } from "../conformance/x.js";`);
    await expectForbidden(
      "server/src/providers/planted.ts",
      `import { x } from "../../../conformance/src/index.js";`,
      "packages-import-by-name",
    );
  });
});

describe("codegen depends on the spec alone", () => {
  it("codegen never imports the conformance runner or the server, not even in its tests", async () => {
    await expectForbidden(
      "codegen/src/planted.ts",
      `import { runConformance } from "@mcpemails/conformance";`,
      "codegen-imports-no-runner-or-server",
    );
    await expectForbidden(
      "codegen/src/planted.test.ts",
      `import { startTestServer } from "@mcpemails/server/testing";`,
      "codegen-imports-no-runner-or-server",
    );
  });

  it("codegen never imports its own output; its tests may, to check it", async () => {
    await expectForbidden(
      "codegen/src/emit/planted.ts",
      `import { SEARCH } from "@mcpemails/generated";`,
      "codegen-never-imports-its-output",
    );
    await expectForbidden(
      "codegen/bench/planted.ts",
      `import { toolInputSchemas } from "@mcpemails/generated/json-schemas";`,
      "codegen-never-imports-its-output",
    );
    await expectAllowed("codegen/src/emit/planted.test.ts", `import { SEARCH } from "@mcpemails/generated";`);
  });
});

describe("the conformance runner never imports the server", () => {
  it("the runner imports neither the server nor its test kit nor codegen", async () => {
    const file = "conformance/src/runner/planted.ts";
    await expectForbidden(
      file,
      `import { startTestServer } from "@mcpemails/server/testing";`,
      "runner-never-imports-server",
    );
    await expectForbidden(
      file,
      `import pkg from "@mcpemails/server/package.json" with { type: "json" };`,
      "runner-never-imports-server",
    );
    await expectForbidden(file, `import { generate } from "@mcpemails/codegen";`, "runner-never-imports-server");
    await expectForbidden(
      file,
      `const { startTestServer } = await import("@mcpemails/server/testing");`,
      "runner-never-imports-server",
    );
    await expectAllowed(file, `import { PROTOCOL_ERRORS } from "@mcpemails/generated";`);
  });

  it("its tests and test-support/ may start the reference server through @mcpemails/server/testing", async () => {
    const code = `import { startTestServer } from "@mcpemails/server/testing";`;
    await expectAllowed("conformance/src/runner/planted.test.ts", code);
    await expectAllowed("conformance/src/runner/test-support/planted.ts", code);
    await expectAllowed("conformance/src/test-support/planted.ts", code);
  });
});

describe("server/src is production code", () => {
  it("it never imports the test infrastructure; its *.test.ts files may", async () => {
    for (const code of [
      `import { startTestServer } from "../../test/support/test-server.js";`,
      `import { startTestServer } from "@mcpemails/server/testing";`,
    ]) {
      await expectForbidden("server/src/admin/planted.ts", code, "server-src-is-production-code");
      await expectAllowed("server/src/admin/planted.test.ts", code);
    }
    await expectForbidden(
      "server/src/planted.ts",
      `import { mimeTree } from "../test/fakes/gmail/fake-mime-tree.js";`,
      "server-src-is-production-code",
    );
    await expectForbidden(
      "server/src/providers/gmail/planted.ts",
      `import { mimeTree } from "../../../test/fakes/gmail/fake-mime-tree.js";`,
      "server-src-is-production-code",
    );
  });

  it("it never imports codegen or the conformance runner", async () => {
    await expectForbidden(
      "server/src/tools/planted.ts",
      `import { generate } from "@mcpemails/codegen";`,
      "server-src-is-production-code",
    );
    await expectForbidden(
      "server/src/tools/planted.ts",
      `import { runConformance } from "@mcpemails/conformance";`,
      "server-src-is-production-code",
    );
  });

  it("it never imports a test library; its *.test.ts files may", async () => {
    for (const code of [
      `import { it } from "vitest";`,
      `import { setupServer } from "msw/node";`,
      `import { http } from "msw";`,
      `import fc from "fast-check";`,
      `import { SMTPServer } from "smtp-server";`,
      `import { chromium } from "playwright-core";`,
      `import axe from "axe-core";`,
    ]) {
      await expectForbidden("server/src/providers/imap/planted.ts", code, "server-src-is-production-code");
      await expectAllowed("server/src/providers/imap/planted.test.ts", code);
    }
  });
});

describe("a provider never talks to the store or the limits", () => {
  it("a provider never imports the store or the limits", async () => {
    await expectForbidden(
      "server/src/providers/gmail/planted.ts",
      `import { openSqliteStore } from "../../store/sqlite/sqlite-store.js";`,
      "providers-never-touch-store-or-limits",
    );
    await expectForbidden(
      "server/src/providers/gmail/planted.ts",
      `import { sandboxSummaryData } from "../../store/store.js";`,
      "providers-never-touch-store-or-limits",
    );
    await expectForbidden(
      "server/src/providers/imap/planted.ts",
      `import { checkRateLimit } from "../../limits/rate-limit.js";`,
      "providers-never-touch-store-or-limits",
    );
    await expectForbidden(
      "server/src/providers/planted.ts",
      `import { consume } from "../limits/quotas.js";`,
      "providers-never-touch-store-or-limits",
    );
    await expectForbidden(
      "server/src/providers/planted.ts",
      `export { openRedisStore } from "../store/redis/redis-store.js";`,
      "providers-never-touch-store-or-limits",
    );
  });

  it("a provider may name the store's types", async () => {
    await expectAllowed(
      "server/src/providers/gmail/planted.ts",
      `import type { InboxRecord } from "../../store/store.js";`,
    );
    await expectAllowed(
      "server/src/providers/planted.ts",
      `import { type InboxRecord, type Store } from "../store/store.js";`,
    );
    await expectForbidden(
      "server/src/providers/planted.ts",
      `import { type InboxRecord, sandboxSummaryData } from "../store/store.js";`,
      "providers-never-touch-store-or-limits",
    );
  });

  it("a provider's tests may use the store", async () => {
    await expectAllowed(
      "server/src/providers/gmail/planted.test.ts",
      `import { openSqliteStore } from "../../store/sqlite/sqlite-store.js";`,
    );
  });
});

describe("mail/ depends on no provider", () => {
  it("mail/ imports no provider and nothing of the store, the limits, the tools, /mcp or admin", async () => {
    for (const code of [
      `import { createGmailProvider } from "../providers/gmail/gmail-provider.js";`,
      `import type { MailProvider } from "../providers/provider.js";`,
      `import type { InboxRecord } from "../store/store.js";`,
      `import { consume } from "../limits/quotas.js";`,
      `import { createToolHandlers } from "../tools/tool-handlers.js";`,
      `import { mcpRoute } from "../mcp/route.js";`,
      `import { createApiKey } from "../admin/operations.js";`,
    ]) {
      await expectForbidden("server/src/mail/planted.ts", code, "mail-depends-on-no-provider");
    }
    await expectForbidden(
      "server/src/mail/planted.test.ts",
      `import { createImapProvider } from "../providers/imap/imap-provider.js";`,
      "mail-depends-on-no-provider",
    );
  });

  it("mail/ may import its siblings, the generated package and mail libraries", async () => {
    await expectAllowed("server/src/mail/planted.ts", `import { addressKey } from "./addresses.js";`);
    await expectAllowed("server/src/mail/planted.ts", `import { LIMITS } from "@mcpemails/generated";`);
    await expectAllowed("server/src/mail/planted.ts", `import addressparser from "nodemailer/lib/addressparser";`);
  });
});

describe("the MCP layer never talks to a provider directly", () => {
  it("/mcp never imports a provider SDK", async () => {
    for (const sdk of [
      "@googleapis/gmail",
      "googleapis",
      "@azure/msal-node",
      "imapflow",
      "nodemailer",
      "nodemailer/lib/mail-composer",
    ]) {
      await expectForbidden(
        "server/src/mcp/planted.ts",
        `import * as sdk from "${sdk}";`,
        "mcp-never-calls-a-provider",
      );
    }
    await expectForbidden(
      "server/src/mcp/planted.ts",
      `import type { Message } from "@microsoft/microsoft-graph-types";`,
      "mcp-never-calls-a-provider",
    );
  });

  it("/mcp never imports one provider's code; it uses the MailProvider interface", async () => {
    await expectForbidden(
      "server/src/mcp/planted.ts",
      `import { createGmailProvider } from "../providers/gmail/gmail-provider.js";`,
      "mcp-never-calls-a-provider",
    );
    await expectAllowed(
      "server/src/mcp/planted.ts",
      `import { ParameterError, type MailProvider } from "../providers/provider.js";`,
    );
  });

  it("a provider talks to its own SDK", async () => {
    await expectAllowed("server/src/providers/gmail/planted.ts", `import { gmail } from "@googleapis/gmail";`);
    await expectAllowed(
      "server/src/providers/outlook/planted.ts",
      `import type { Message } from "@microsoft/microsoft-graph-types";`,
    );
  });
});

describe("generated/ depends on nothing hand-written", () => {
  it("generated/ imports no @mcpemails package", async () => {
    await expectForbidden(
      "generated/src/planted.ts",
      `import { startTestServer } from "@mcpemails/server/testing";`,
      "generated-depends-on-nothing-hand-written",
    );
    await expectForbidden(
      "generated/src/planted.ts",
      `import { LIMITS } from "@mcpemails/generated";`,
      "generated-depends-on-nothing-hand-written",
    );
  });

  it("generated/ imports nothing outside generated/ by a relative path", async () => {
    await expectForbidden(
      "generated/src/planted.ts",
      `import { buildApp } from "../../server/src/app.js";`,
      "generated-depends-on-nothing-hand-written",
    );
    await expectForbidden(
      "generated/src/runtime/planted.ts",
      `import { load } from "../../../spec/load.js";`,
      "generated-depends-on-nothing-hand-written",
    );
    await expectForbidden(
      "generated/src/runtime/planted.ts",
      `export * from "../../../codegen/src/runtime/portable-query.js";`,
      "generated-depends-on-nothing-hand-written",
    );
  });

  it("generated/ imports its own files and its libraries", async () => {
    await expectAllowed("generated/src/runtime/planted.ts", `import type { ToolName } from "../types.js";`);
    await expectAllowed(
      "generated/src/planted.ts",
      `import cases from "../conformance/cases.json" with { type: "json" };`,
    );
    await expectAllowed("generated/src/planted.ts", `import { z } from "zod";`);
  });

  it("generated/ is linted with the architecture rules only", async () => {
    const generated = await eslint.calculateConfigForFile("generated/src/index.ts");
    expect(Object.keys(generated.rules)).toEqual(["architecture/generated-depends-on-nothing-hand-written"]);
    const handWritten = await eslint.calculateConfigForFile("server/src/app.ts");
    expect(Object.keys(handWritten.rules)).toEqual(
      expect.arrayContaining(["eqeqeq", "architecture/server-src-is-production-code"]),
    );
  });
});

describe("the rules see every file", () => {
  it("a file deeper than the rules look is an error, not a file left unchecked", async () => {
    await expectForbidden("server/src/a/b/c/d/e/f/g/h/i/planted.ts", `export const deep = true;`, "max-depth");
    await expectAllowed("server/src/a/b/c/d/e/f/g/h/planted.ts", `export const deep = true;`);
  });
});

describe("today's tree", () => {
  it("keeps every architecture rule", async () => {
    const results = await eslint.lintFiles(["codegen", "conformance", "generated", "server", "scripts"]);
    const linted = results.map((result) => result.filePath.slice(root.length));
    expect(linted).toEqual(
      expect.arrayContaining([
        "generated/src/index.ts",
        "server/src/providers/sandbox/sandbox-provider.ts",
        "conformance/src/runner/run.ts",
      ]),
    );
    const problems = results.flatMap((result) =>
      result.messages.map(
        (message) => `${result.filePath.slice(root.length)}:${message.line} ${message.ruleId} ${message.message}`,
      ),
    );
    expect(problems).toEqual([]);
  });
});
