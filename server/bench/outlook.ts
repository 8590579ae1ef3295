// pnpm bench outlook: Graph requests per tools/call of an Outlook inbox (counted by the Graph fake),
// and milliseconds per call through /mcp against the same calls on a sandbox inbox in the same run.
// The fake answers in-process, so the milliseconds measure the provider's own work (MSAL cache,
// MIME parsing, msw's interception), not Microsoft's latency.
import { randomBytes } from "node:crypto";
import { FAKE_MICROSOFT_APP, startGraphFake } from "../test/fakes/outlook/fake-session.js";
import { post, startTestServer, toolCall } from "../test/support/test-server.js";

const ADA = "ada@contoso.test";
const session = startGraphFake();
const { fake } = session;
fake.addMailbox("bob@contoso.test", "Bob");
const settings = await session.connect(ADA, "Ada");
for (let i = 0; i < 300; i++) {
  const date = new Date(Date.UTC(2026, 9, 1) + i * 60_000);
  const mime = `From: Bob <bob@contoso.test>\r\nTo: ${ADA}\r\nSubject: Bench ${i}\r\nMessage-ID: <bench-${i}@contoso.test>\r\nDate: ${date.toUTCString()}\r\n\r\nBody of message ${i}.\r\n`;
  await fake.seed(ADA, mime, { isRead: i % 3 === 0, receivedDateTime: date.toISOString() });
}
const server = await startTestServer({
  inboxes: [{ kind: "outlook", addresses: [ADA], secret: JSON.stringify(settings) }],
  registry: { microsoft: FAKE_MICROSOFT_APP },
  rateWindows: [{ name: "minute", seconds: 60, limit: 100_000_000 }],
});
const outlookId = (server.extraInboxes[0] as { id: string }).id;

async function call(
  inboxId: string,
  key: string,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await post(server, toolCall(name, { inbox_id: inboxId, ...args }), { key, revision: "2025-06-18" });
  const result = (response.json as { result?: Record<string, unknown> }).result;
  if (result === undefined || result.isError === true)
    throw new Error(`${name} failed: ${response.text.slice(0, 300)}`);
  return result.structuredContent as Record<string, unknown>;
}
const outlook = (name: string, args: Record<string, unknown>) => call(outlookId, server.keys.live, name, args);
const sandbox = (name: string, args: Record<string, unknown>) => call(server.inbox.id, server.keys.full, name, args);

async function counted(work: () => Promise<unknown>): Promise<number> {
  fake.resetCounts();
  await work();
  return fake.graphRequests();
}

try {
  // Warm-up: MSAL's first silent token, the JIT of both paths.
  const firstPage = await outlook("list_inbox", { limit: 20 });
  const messageId = (firstPage.messages as Array<{ id: string }>)[0]?.id ?? "";
  const sandboxId = ((await sandbox("list_inbox", { limit: 20 })).messages as Array<{ id: string }>)[0]?.id ?? "";

  const rows: Array<[string, number, string]> = [];
  rows.push(["list_inbox (limit 20)", await counted(() => outlook("list_inbox", { limit: 20 })), "goal 1"]);
  rows.push([
    "list_inbox (limit 20, unread_only, 2nd page)",
    await counted(() => outlook("list_inbox", { limit: 20, offset: 20, unread_only: true })),
    "goal 1",
  ]);
  rows.push(["read_email", await counted(() => outlook("read_email", { message_id: messageId })), "goal at most 2"]);
  rows.push([
    "read_email (mark_as_read)",
    await counted(() => outlook("read_email", { message_id: messageId, mark_as_read: true })),
    "goal at most 2",
  ]);
  const walk: number[] = [];
  let offset: number | null = 0;
  for (let page = 0; page < 10 && offset !== null; page++) {
    fake.resetCounts();
    const result = await outlook("search_emails", { query: "subject:bench", limit: 20, offset });
    walk.push(fake.graphRequests());
    offset = result.next_offset as number | null;
  }
  rows.push([
    "search_emails $search walk, 10th page (limit 20)",
    walk[9] ?? Number.NaN,
    `goal 2 (the search, and translating its ids to immutable ones); pages 1-10: ${walk.join(" ")}`,
  ]);
  rows.push([
    "search_emails is:unread ($filter)",
    await counted(() => outlook("search_emails", { query: "is:unread", limit: 20 })),
    "goal 1",
  ]);
  rows.push([
    "send_email (small: draft + send, returns the sent id)",
    await counted(() => outlook("send_email", { to: ["bob@contoso.test"], subject: "Hi", body: "Hello" })),
    "2, then a few polls: a draft, its send, and reading back the Sent Items copy's id (Graph files it some time after the 202)",
  ]);
  const big = randomBytes(10 * 1024 * 1024).toString("base64");
  rows.push([
    "send_email (10 MiB attachment: draft + upload session)",
    await counted(() =>
      outlook("send_email", {
        to: ["bob@contoso.test"],
        subject: "Big",
        body: "Attached",
        attachments: [{ filename: "big.bin", mime_type: "application/octet-stream", data: big }],
      }),
    ),
    "draft, createUploadSession, 3 ranges, send",
  ]);
  console.log("Graph requests per tools/call (Outlook inbox, counted by the Graph fake):");
  for (const [label, requests, goal] of rows)
    console.log(`  ${label.padEnd(56)} ${String(requests).padStart(3)}   (${goal})`);

  const runs = Number(process.env.BENCH_RUNS ?? 50);
  async function medianMs(work: () => Promise<unknown>): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await work();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
  }
  console.log(
    `\nms per tools/call through /mcp, median of ${runs} (baseline: the same call on a sandbox inbox, same run):`,
  );
  for (const [label, outlookCall, sandboxCall] of [
    ["list_inbox (limit 20)", () => outlook("list_inbox", { limit: 20 }), () => sandbox("list_inbox", { limit: 20 })],
    [
      "read_email",
      () => outlook("read_email", { message_id: messageId }),
      () => sandbox("read_email", { message_id: sandboxId }),
    ],
  ] as const) {
    const a = await medianMs(sandboxCall);
    const b = await medianMs(outlookCall);
    console.log(
      `  ${label.padEnd(24)} sandbox ${a.toFixed(2).padStart(7)} ms   outlook ${b.toFixed(2).padStart(7)} ms   ratio ${(b / a).toFixed(2)}`,
    );
  }
} finally {
  await server.close();
  session.close();
}
