// Hostile send arguments through /mcp on the sandbox, checked in the stored raw source. Defined
// outcome for each: refused (-32602, invalid_recipient, attachment_too_large) or neutralised, and
// never a header the caller wrote itself, a recipient smuggled in, a file name with a path, or
// more than 10 MiB of decoded attachment data accepted.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS, PROTOCOL_ERRORS } from "@mcpemails/generated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import type { SandboxMessageData } from "../../src/providers/sandbox/sandbox-message.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { InboxRecord, Store } from "../../src/store/store.js";
import { startInstance, UNLIMITED_RATE, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool, type ToolOutcome } from "./support/mcp-http.js";

const watch = new LeakWatch();
let dataDir: string;
let store: Store;
let instance: Instance;
let key: string;
let sender: InboxRecord;
let recipient: InboxRecord;
/** An inbox that only an injected header could address. */
let bystander: InboxRecord;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-injection-"));
  store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
  const workspace = await createWorkspace(store, { name: "Injection", plan: "enterprise", sendsPerDay: 100_000 });
  sender = await addSandboxInbox(store, { workspaceId: workspace.id });
  recipient = await addSandboxInbox(store, { workspaceId: workspace.id });
  bystander = await addSandboxInbox(store, { workspaceId: workspace.id });
  key = (await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email", "send:email"], mode: "test" }))
    .key;
  watch.secret(key);
  instance = await startInstance({ store, rateWindows: UNLIMITED_RATE, logger: watch.logger(), ownsStore: false });
});

afterAll(async () => {
  await instance.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect(watch.leaks()).toEqual([]);
});

const to = () => sandboxAddress(recipient.id);
const send = (args: Record<string, unknown>) =>
  callTool(
    instance.mcpUrl,
    key,
    "send_email",
    { inbox_id: sender.id, to: [to()], subject: "hello", body: "body", ...args },
    1,
    watch,
  );
/** Refused with nothing sent: bad parameters, a body past the request limit, or an execution error. */
const isRefused = (outcome: ToolOutcome) =>
  [-32602, PROTOCOL_ERRORS.request_too_large.code].includes(Number((outcome.rpcError as { code?: number })?.code)) ||
  ["invalid_recipient", "attachment_too_large"].includes(String(outcome.errorCode));
const bystanderCount = async () => (await store.listSandboxSummaries(bystander.id, "INBOX")).length;

/** The header section of the stored source of a sent message (the sender's copy, Bcc included). */
async function sentHeaders(messageId: string): Promise<string> {
  const stored = await store.getSandboxMessage(sender.id, String(messageId));
  const raw = (stored?.data as SandboxMessageData | undefined)?.raw;
  if (raw === undefined) throw new Error(`no stored source for sent message ${messageId}`);
  return raw.slice(0, raw.indexOf("\r\n\r\n"));
}

/** Header fields as [lower-case name, value], folded lines joined (RFC 5322 2.2.3). */
function unfoldedHeaders(section: string): [string, string][] {
  return section
    .replace(/\r\n[ \t]/g, " ")
    .split("\r\n")
    .map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1)]);
}

describe("header injection through every field of send_email", () => {
  const breaks = ["\r\n", "\n", "\r", "\r\n\t", "\u2028", "\u0085", "%0d%0a"];
  const payload = (lineBreak: string) => `${lineBreak}Bcc: ${sandboxAddress(bystander.id)}${lineBreak}X-Injected: yes`;
  const fields: [string, (p: string) => Record<string, unknown>][] = [
    ["to", (p) => ({ to: [`${to()}${p}`] })],
    ["to (display name)", (p) => ({ to: [`"Alice${p}" <${to()}>`] })],
    ["cc", (p) => ({ cc: [`${to()}${p}`] })],
    ["bcc", (p) => ({ bcc: [`${to()}${p}`] })],
    ["reply_to", (p) => ({ reply_to: `${to()}${p}` })],
    ["subject", (p) => ({ subject: `hello${p}` })],
    [
      "attachment filename",
      (p) => ({ attachments: [{ filename: `a.txt${p}`, mime_type: "text/plain", data: "aGVsbG8=" }] }),
    ],
    [
      "attachment mime_type",
      (p) => ({ attachments: [{ filename: "a.txt", mime_type: `text/plain${p}`, data: "aGVsbG8=" }] }),
    ],
    ["idempotency_key", (p) => ({ idempotency_key: `k-${randomUUID()}${p}` })],
  ];

  it.each(fields)("%s: refused or neutralised, for every kind of line break", async (_field, argsWith) => {
    for (const lineBreak of breaks) {
      const before = await bystanderCount();
      const outcome = await send(argsWith(payload(lineBreak)));
      expect(await bystanderCount(), `a recipient smuggled in through ${JSON.stringify(lineBreak)}`).toBe(before);
      if (isRefused(outcome)) continue;
      expect(outcome, JSON.stringify(lineBreak)).toMatchObject({ delivery_status: "accepted" });
      // The payload's text may survive inside a quoted or encoded value; it must not start a header.
      const fields = unfoldedHeaders(await sentHeaders(String(outcome.message_id)));
      expect(
        fields.map(([name]) => name),
        JSON.stringify(lineBreak),
      ).not.toContain("x-injected");
      expect(
        fields
          .filter(([name]) => name === "bcc")
          .map(([, value]) => value)
          .join(),
        JSON.stringify(lineBreak),
      ).not.toContain(sandboxAddress(bystander.id));
    }
  });
});

describe("attachment file names with paths", () => {
  const names = [
    "../../etc/passwd",
    "..\\..\\windows\\system32\\cmd.exe",
    "/etc/shadow",
    "C:\\Users\\x\\report.pdf",
    "dir/sub/file.txt",
    "\u0000evil.txt",
    "..",
    "/",
    "\u202Efdp.exe",
  ];

  it.each(names)("%j: the delivered attachment's name has no path and no control character", async (filename) => {
    const outcome = await send({
      attachments: [{ filename, mime_type: "application/octet-stream", data: "aGVsbG8=" }],
    });
    if (isRefused(outcome)) return;
    expect(outcome).toMatchObject({ delivery_status: "accepted" });
    const read = await callTool(
      instance.mcpUrl,
      key,
      "read_email",
      { inbox_id: sender.id, message_id: outcome.message_id, include_attachments: true },
      2,
      watch,
    );
    const attachments = read.attachments as { filename: string | null }[];
    expect(attachments).toHaveLength(1);
    const name = attachments[0]?.filename ?? "";
    expect(name).not.toMatch(/[/\\\p{Cc}]/u);
    expect(await sentHeaders(String(outcome.message_id))).not.toMatch(/filename\*?=[^;\r\n]*(\.\.[/\\]|%2F|%5C)/i);
  });
});

describe("oversized attachments in base64 tricks (limit 10 MiB decoded, summed)", () => {
  const limit = LIMITS.attachments_max_total_bytes;
  const base64Of = (bytes: number) => randomBytes(bytes).toString("base64");
  const mimeWrapped = (text: string) => text.replace(/.{76}/g, "$&\r\n");
  const cases: [string, () => { filename: string; mime_type: string; data: string }[], boolean][] = [
    [
      "exactly the limit",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: base64Of(limit) }],
      true,
    ],
    [
      "one byte over",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: base64Of(limit + 1) }],
      false,
    ],
    [
      "two halves, one byte over in sum",
      () => [
        { filename: "a.bin", mime_type: "application/octet-stream", data: base64Of(limit / 2) },
        { filename: "b.bin", mime_type: "application/octet-stream", data: base64Of(limit / 2 + 1) },
      ],
      false,
    ],
    [
      "over, wrapped in MIME line breaks",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: mimeWrapped(base64Of(limit + 1024)) }],
      false,
    ],
    [
      "over, padding stripped",
      () => [
        { filename: "a.bin", mime_type: "application/octet-stream", data: base64Of(limit + 2).replace(/=+$/, "") },
      ],
      false,
    ],
    [
      "over, extra padding appended",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: `${base64Of(limit + 2)}====` }],
      false,
    ],
    [
      "over, padding in the middle",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: `QQ==${base64Of(limit + 3)}` }],
      false,
    ],
    [
      "over, spaces between every group",
      () => [
        { filename: "a.bin", mime_type: "application/octet-stream", data: base64Of(limit + 3).replace(/.{4}/g, "$& ") },
      ],
      false,
    ],
    [
      "small, with whitespace",
      () => [{ filename: "a.bin", mime_type: "application/octet-stream", data: "aGVs bG8=\r\n" }],
      true,
    ],
  ];

  it.each(cases)(
    "%s: refused, or accepted with no more than the limit stored",
    async (_label, attachments, withinLimit) => {
      const outcome = await send({ attachments: attachments() });
      if (!withinLimit) expect(isRefused(outcome), JSON.stringify(outcome).slice(0, 300)).toBe(true);
      if (isRefused(outcome)) return;
      const read = await callTool(
        instance.mcpUrl,
        key,
        "read_email",
        { inbox_id: sender.id, message_id: outcome.message_id, include_attachments: false },
        2,
        watch,
      );
      const total = (read.attachments as { size_bytes: number }[]).reduce((sum, a) => sum + a.size_bytes, 0);
      expect(total).toBeLessThanOrEqual(limit);
    },
  );
});
