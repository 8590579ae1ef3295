// pnpm bench gmail: Gmail API requests and milliseconds per tool call of a Gmail inbox, through
// /mcp of a real server against the fake Gmail (msw, in this process), with 1,000 messages in
// INBOX. The baseline, in the same run: the naive page of 20 (one list call, then one
// messages.get per message) that the batch endpoint replaces.
import { performance } from "node:perf_hooks";
import { auth, gmail } from "@googleapis/gmail";
import { composeMessage } from "../src/mail/compose.js";
import { startGmailRig } from "../test/fakes/gmail/gmail-rig.js";
import { post, startTestServer, toolCall } from "../test/support/test-server.js";

const MESSAGES = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ADDRESS = "bench@example.com";

const rig = startGmailRig();
const settings = rig.connect(ADDRESS);
for (let index = 0; index < MESSAGES; index++) {
  const composed = await composeMessage({
    from: { name: `Sender ${index}`, address: `sender${index}@example.org` },
    to: [{ name: null, address: ADDRESS }],
    subject: `Message ${index}`,
    text: `Body of message ${index}. `.repeat(20),
    messageId: `<bench-${index}@example.org>`,
    date: new Date(Date.UTC(2026, 0, 1) + index * 60_000),
  });
  await rig.gmail.mailboxes.insert(ADDRESS, composed.raw, {
    labelIds: index % 4 === 0 ? ["INBOX", "UNREAD"] : ["INBOX"],
  });
}

const unlimited = [
  { name: "minute", seconds: 60, limit: 100_000_000 },
  { name: "hour", seconds: 3600, limit: 100_000_000 },
  { name: "day", seconds: 86400, limit: 100_000_000 },
] as const;
const server = await startTestServer({
  inboxes: [{ kind: "gmail", addresses: [ADDRESS], secret: JSON.stringify(settings) }],
  registry: { google: rig.app },
  rateWindows: unlimited,
});
const inboxId = server.extraInboxes[0]?.id ?? "";

async function tool(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await post(server, toolCall(name, { inbox_id: inboxId, ...args }), {
    key: server.keys.live,
    revision: "2025-06-18",
  });
  const result = (
    response.json as {
      result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: { text: string }[] };
    }
  ).result;
  if (result === undefined || result.isError || result.structuredContent === undefined)
    throw new Error(`${name} failed: ${response.text.slice(0, 300)}`);
  return result.structuredContent;
}

/** Gmail requests of one run of `run` (batches counted once, the calls inside them apart), and its milliseconds. */
async function measure(run: () => Promise<unknown>): Promise<{ requests: string; total: number; ms: number }> {
  rig.gmail.resetCounters();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  const counted = Object.entries(rig.gmail.requests).filter(([, count]) => count > 0);
  const inside = Object.entries(rig.gmail.batchedCalls).map(([endpoint, count]) => `${count} ${endpoint} inside`);
  return {
    requests: [...counted.map(([endpoint, count]) => `${count} ${endpoint}`), ...inside].join(", "),
    total: rig.gmail.totalRequests(),
    ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const rows: { label: string; requests: string; total: number; ms: number }[] = [];

async function row(label: string, run: (iteration: number) => Promise<unknown>, runs = RUNS): Promise<void> {
  const samples = [];
  for (let iteration = 0; iteration < runs; iteration++) samples.push(await measure(() => run(iteration)));
  // The first runs warm the JIT and the token cache; the median is of the later ones where there are enough.
  if (samples.length > 5) samples.splice(0, 3);
  const last = samples.at(-1) as { requests: string; total: number };
  rows.push({ label, requests: last.requests, total: last.total, ms: median(samples.map((sample) => sample.ms)) });
}

await tool("list_inbox", { limit: 1 }); // the first access token, and the JIT warm
const firstId = ((await tool("list_inbox", { limit: 1 })).messages as { id: string }[])[0]?.id ?? "";

await row("list_inbox limit 20", () => tool("list_inbox", { limit: 20 }));
await row("read_email", () => tool("read_email", { message_id: firstId }));
const unreadIds = ((await tool("list_inbox", { limit: RUNS, unread_only: true })).messages as { id: string }[]).map(
  (message) => message.id,
);
await row(
  "read_email mark_as_read (unread message)",
  (iteration) => tool("read_email", { message_id: unreadIds[iteration], mark_as_read: true }),
  unreadIds.length,
);
// A sequential walk: pages 1 to 9 leave their checkpoints, the 10th is measured.
const walk: number[] = [];
await row(
  "10th page of a sequential walk (limit 20)",
  async () => {
    for (let page = 0; page < 9; page++) await tool("list_inbox", { limit: 20, offset: page * 20 });
    rig.gmail.resetCounters();
    const start = performance.now();
    await tool("list_inbox", { limit: 20, offset: 180 });
    walk.push(performance.now() - start);
  },
  5,
);
await row(
  "list_inbox unread_only, a jump to offset 200",
  () => tool("list_inbox", { limit: 20, offset: 200, unread_only: true }),
  1,
);
await row('search_emails subject:"Message 9" limit 20', () =>
  tool("search_emails", { query: 'subject:"Message 9"', limit: 20 }),
);
await row(
  "send_email (small)",
  () => tool("send_email", { to: ["someone@example.org"], subject: "Bench", body: "Hello" }),
  5,
);

// Baseline: the same page of 20 without the batch endpoint, one messages.get per message.
const oauth = new auth.OAuth2({
  clientId: rig.app.clientId,
  clientSecret: rig.app.clientSecret,
  redirectUri: rig.app.redirectUri,
});
oauth.setCredentials({ refresh_token: settings.refreshToken });
const api = gmail({ version: "v1", auth: oauth });
await api.users.getProfile({ userId: "me" });
await row("baseline: list + 20 messages.get (no batch)", async () => {
  const listed =
    (await api.users.messages.list({ userId: "me", labelIds: ["INBOX"], maxResults: 20 }, { retry: false })).data
      .messages ?? [];
  await Promise.all(
    listed.map((message) =>
      api.users.messages.get({ userId: "me", id: message.id ?? "", format: "metadata" }, { retry: false }),
    ),
  );
});

const widest = Math.max(...rows.map((entry) => entry.label.length));
console.log(`Gmail inbox of ${MESSAGES} messages (fake Gmail through msw), through /mcp; ms is the median of the runs`);
for (const entry of rows) {
  const ms = entry.label.startsWith("10th page") ? median(walk) : entry.ms;
  console.log(
    `${entry.label.padEnd(widest)}  ${String(entry.total).padStart(3)} HTTP requests  ${ms.toFixed(1).padStart(7)} ms   (${entry.requests})`,
  );
}
const batched = rows.find((entry) => entry.label === "list_inbox limit 20");
const baseline = rows.find((entry) => entry.label.startsWith("baseline"));
if (batched && baseline) {
  console.log(
    `list_inbox limit 20 against the baseline: ${(baseline.total / batched.total).toFixed(1)}x fewer HTTP requests; baseline ms / list_inbox ms = ${(baseline.ms / batched.ms).toFixed(2)} (the baseline skips /mcp, auth and parsing)`,
  );
}

await server.close();
rig.close();
