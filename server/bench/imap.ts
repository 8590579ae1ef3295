// pnpm bench imap: the IMAP provider on a 100,000-message INBOX of the Dovecot rig, beside the same
// IMAP commands sent directly with imapflow on a connection of its own, in one run: list_inbox
// (limit 20) at offset 0 and 50,000 and with unread_only, read_email, and search_emails by sender;
// each also through /mcp of a real server. Medians of BENCH_RUNS runs (15), in ms. The /mcp client is
// node:http on one kept-alive socket: fetch (undici) in this same process would add about 1 ms of its
// own to every call. read_email also gets a baseline that parses what it fetched (mailparser's
// simpleParser, as the provider does), since a raw FETCH alone is not yet a message an agent can read.
import { execFileSync } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { ImapFlow, type FetchQueryObject } from "imapflow";
import { simpleParser } from "mailparser";
import { RATE_LIMITS, type ListInboxOutput } from "@mcpemails/generated";
import { dovecotRig, imapSettingsFor, LOOPBACK_MAIL_NETWORK } from "../test/support/dovecot-rig.js";
import { seedBulkMailbox } from "../test/support/imap-corpus.js";
import { startTestServer, toolCall } from "../test/support/test-server.js";
import { createImapProvider } from "../src/providers/imap/imap-provider.js";
import { SNIPPET_PART_BYTES, SUMMARY_FETCH } from "../src/providers/imap/imap-summary.js";
import { lastOfSet } from "../src/providers/imap/sequence-set.js";
import type { InboxRecord } from "../src/store/store.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const COUNT = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SENDER = "billing@bulk.example";

// The rig: started (or found running) by its script, whose NAME=value lines become the environment.
for (const line of execFileSync("bash", [`${root}scripts/dovecot.sh`, "start"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
}).split("\n")) {
  const match = /^([A-Z_]+)=(.*)$/.exec(line);
  if (match?.[1]) process.env[match[1]] = match[2];
}
const rig = dovecotRig();
if (rig === undefined) throw new Error("scripts/dovecot.sh start printed no DOVECOT_IMAP_PORT");
const user = { address: "bench@rig.test", password: rig.password };
const settings = imapSettingsFor(rig, user, 1); // nothing is sent

const direct = new ImapFlow({
  host: rig.host,
  port: rig.imapPort,
  secure: false,
  auth: { user: user.address, pass: user.password },
  logger: false,
  disableAutoIdle: true,
});
await direct.connect();
let exists = (await direct.mailboxOpen("INBOX")).exists;
if (exists === 0) {
  const started = Date.now();
  await seedBulkMailbox(rig, user.address, COUNT);
  console.log(`seeded ${COUNT} messages as maildir files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await direct.mailboxClose();
  const indexed = Date.now();
  exists = (await direct.mailboxOpen("INBOX")).exists;
  console.log(`Dovecot indexed them on the first SELECT in ${((Date.now() - indexed) / 1000).toFixed(1)} s`);
}
if (exists !== COUNT)
  throw new Error(
    `bench@rig.test holds ${exists} messages, not ${COUNT}: run \`bash scripts/dovecot.sh stop\` to start from a fresh rig`,
  );

const inbox = {
  id: "0b5e1c2a-3d4f-4a6b-8c7d-9e0f1a2b3c4d",
  workspaceId: "bench",
  mode: "live",
  kind: "imap",
  addresses: [user.address],
  secret: null,
} as unknown as InboxRecord;
const pool = { maxConnectionsPerInbox: 2, idleCloseMs: 60_000 };
const provider = createImapProvider({ inbox, settings, pool, network: LOOPBACK_MAIL_NETWORK });
// The key's rate windows are opened wide: the bench makes more calls a minute than the plan allows, and rate limiting is not what it measures.
const server = await startTestServer({
  inboxes: [{ kind: "imap", addresses: [user.address], secret: JSON.stringify(settings) }],
  registry: { imapPool: pool, mailNetwork: LOOPBACK_MAIL_NETWORK },
  rateWindows: RATE_LIMITS.windows.map((window) => ({ ...window, limit: 1_000_000 })),
});
const mcpInbox = server.extraInboxes[0]?.id ?? "";
const signal = new AbortController().signal;

const mcpUrl = new URL(server.url);
const mcpAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One JSON-RPC POST to /mcp on the kept-alive socket; the answer's text. */
function postToMcp(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: mcpUrl.hostname,
        port: mcpUrl.port,
        path: mcpUrl.pathname,
        method: "POST",
        agent: mcpAgent,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${server.keys.live}`,
          "mcp-protocol-version": "2025-06-18",
        },
      },
      (incoming) => {
        let text = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => (text += chunk));
        incoming.on("end", () => resolve(text));
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function viaMcp(name: string, args: Record<string, unknown>): Promise<void> {
  const text = await postToMcp(JSON.stringify(toolCall(name, { inbox_id: mcpInbox, ...args })));
  const result = (JSON.parse(text) as { result?: { isError?: boolean } }).result;
  if (result === undefined || result.isError) throw new Error(`${name} through /mcp failed: ${text.slice(0, 300)}`);
}

async function viaProvider<T>(promise: Promise<T>): Promise<T> {
  const result = await promise;
  if (typeof result === "object" && result !== null && "isError" in result)
    throw new Error(`the provider failed: ${JSON.stringify(result).slice(0, 300)}`);
  return result;
}

/** Medians of the three ways, measured in turns (direct, provider, /mcp in each round) so that server caches and machine load weigh on all three alike. */
async function medians(ways: ReadonlyArray<() => Promise<unknown>>): Promise<number[]> {
  for (let i = 0; i < 3; i++) for (const way of ways) await way(); // warm-up
  const times: number[][] = ways.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    // Each round starts with another way, so that none is always the first after a switch.
    for (let turn = 0; turn < ways.length; turn++) {
      const index = (i + turn) % ways.length;
      const start = performance.now();
      await ways[index]?.();
      times[index]?.push(performance.now() - start);
    }
  }
  return times.map((each) => each.sort((a, b) => a - b)[Math.floor(each.length / 2)] ?? NaN);
}

// The direct client does what the provider asks of the server on its pooled connection: NOOP on the
// selected folder (news of arrivals), then the same FETCH or SEARCH commands; it only skips turning
// the answers into tool output (ids, addresses, snippets, threads). The bulk messages are
// single-part, so their text is part 1.
async function directSummaries(range: string | number[], byUid: boolean): Promise<void> {
  const messages = await direct.fetchAll(range, SUMMARY_FETCH, { uid: byUid });
  await direct.fetchAll(
    messages.map((m) => m.uid),
    { uid: true, bodyParts: [{ key: "1", start: 0, maxLength: SNIPPET_PART_BYTES }] },
    { uid: true, binary: true },
  );
}
/** SELECT only when another folder is selected, as the pool's connections do. */
async function select(folder: string): Promise<void> {
  if (direct.mailbox && direct.mailbox.path === folder) await direct.noop();
  else await direct.mailboxOpen(folder);
}
async function directPage(offset: number): Promise<void> {
  await select("INBOX");
  const last = (direct.mailbox ? direct.mailbox.exists : 0) - offset;
  await directSummaries(`${Math.max(1, last - 19)}:${last}`, false);
}
async function directUnread(): Promise<void> {
  await select("INBOX");
  const found = await direct.search({ seen: false }, { uid: true, returnOptions: ["ALL", "COUNT"] });
  const set = Array.isArray(found) ? found.join(",") : found ? (found.all ?? "") : "";
  await directSummaries(lastOfSet(set, 0, 20), true);
}
const READ_FETCH: FetchQueryObject = { uid: true, flags: true, internalDate: true, size: true, source: true };
async function directRead(uid: number): Promise<void> {
  await select("INBOX");
  await direct.fetchOne(String(uid), READ_FETCH, { uid: true });
}
/** The direct read, then its source parsed into a message (text, HTML, addresses, attachments). */
async function directReadParsed(uid: number): Promise<void> {
  await select("INBOX");
  const fetched = await direct.fetchOne(String(uid), READ_FETCH, { uid: true });
  if (fetched === false || fetched.source === undefined) throw new Error(`UID ${uid} was not fetched`);
  await simpleParser(fetched.source);
}
async function directSearch(folders: readonly string[]): Promise<void> {
  let newest: number[] = [];
  for (const folder of folders) {
    await select(folder);
    const found = await direct.search({ from: SENDER }, { uid: true });
    if (folder === "INBOX" && Array.isArray(found)) newest = found.slice(-20);
  }
  await select("INBOX");
  await directSummaries(newest.reverse(), true);
}

const listArgs = { inbox_id: inbox.id, limit: 20, offset: 0, folder: "INBOX", unread_only: false } as const;
const first = (await viaProvider(provider.list_inbox(listArgs, signal))) as ListInboxOutput;
const target = first.messages[7];
if (target === undefined) throw new Error("nothing listed");
const targetUid = Number(Buffer.from(target.id, "base64url").toString("utf8").split("\n")[2]);
const folders = (await direct.list()).filter((entry) => !entry.flags.has("\\Noselect")).map((entry) => entry.path);

interface Row {
  label: string;
  direct: () => Promise<unknown>;
  provider: () => Promise<unknown>;
  mcp: () => Promise<unknown>;
}
/** read_email by the provider and through /mcp, beside two baselines: the raw FETCH, and the FETCH parsed. */
const readEmail: Pick<Row, "provider" | "mcp"> = {
  provider: () =>
    viaProvider(
      provider.read_email(
        {
          inbox_id: inbox.id,
          message_id: target.id,
          include_html: false,
          include_attachments: false,
          mark_as_read: false,
          body_format: "text",
          strip_quoted: false,
        },
        signal,
      ),
    ),
  mcp: () => viaMcp("read_email", { message_id: target.id }),
};
const rows: Row[] = [
  {
    label: "list_inbox limit 20, offset 0",
    direct: () => directPage(0),
    provider: () => viaProvider(provider.list_inbox(listArgs, signal)),
    mcp: () => viaMcp("list_inbox", { limit: 20 }),
  },
  {
    label: "list_inbox limit 20, offset 50,000",
    direct: () => directPage(50_000),
    provider: () => viaProvider(provider.list_inbox({ ...listArgs, offset: 50_000 }, signal)),
    // The spec caps offset at 10,000, so /mcp pages at its deepest offset instead.
    mcp: () => viaMcp("list_inbox", { limit: 20, offset: 10_000 }),
  },
  {
    label: "list_inbox limit 20, unread_only",
    direct: directUnread,
    provider: () => viaProvider(provider.list_inbox({ ...listArgs, unread_only: true }, signal)),
    mcp: () => viaMcp("list_inbox", { limit: 20, unread_only: true }),
  },
  {
    label: "read_email",
    direct: () => directRead(targetUid),
    ...readEmail,
  },
  {
    label: "read_email, baseline fetch + simpleParser",
    direct: () => directReadParsed(targetUid),
    ...readEmail,
  },
  {
    label: `search_emails from:${SENDER}, INBOX`,
    direct: () => directSearch(["INBOX"]),
    provider: () =>
      viaProvider(
        provider.search_emails(
          {
            inbox_id: inbox.id,
            query: `from:${SENDER}`,
            syntax: "portable",
            limit: 20,
            offset: 0,
            include_folders: ["INBOX"],
          },
          signal,
        ),
      ),
    mcp: () => viaMcp("search_emails", { query: `from:${SENDER}`, include_folders: ["INBOX"] }),
  },
  {
    label: `search_emails from:${SENDER}, all ${folders.length} folders`,
    direct: () => directSearch(folders),
    provider: () =>
      viaProvider(
        provider.search_emails(
          { inbox_id: inbox.id, query: `from:${SENDER}`, syntax: "portable", limit: 20, offset: 0 },
          signal,
        ),
      ),
    mcp: () => viaMcp("search_emails", { query: `from:${SENDER}` }),
  },
];

try {
  console.log(
    `INBOX of ${COUNT} messages, Dovecot on loopback; median of ${RUNS} runs (the three ways in turn, rotating who goes first) after 3 warm-up runs, ms`,
  );
  console.log(
    `${"".padEnd(52)} ${"direct".padStart(8)} ${"provider".padStart(9)} ${"ratio".padStart(6)} ${"/mcp".padStart(8)} ${"ratio".padStart(6)}`,
  );
  const measured = new Map<string, number>();
  for (const row of rows) {
    const [d = NaN, p = NaN, m = NaN] = await medians([row.direct, row.provider, row.mcp]);
    measured.set(row.label, p);
    console.log(
      `${row.label.padEnd(52)} ${d.toFixed(2).padStart(8)} ${p.toFixed(2).padStart(9)} ${(p / d).toFixed(2).padStart(6)} ${m.toFixed(2).padStart(8)} ${(m / d).toFixed(2).padStart(6)}`,
    );
  }
  const atZero = measured.get(rows[0]?.label ?? "") ?? NaN;
  const atFifty = measured.get(rows[1]?.label ?? "") ?? NaN;
  console.log("(/mcp column of the offset 50,000 row: offset 10,000, the spec's maximum offset)");
  console.log(
    `provider list_inbox offset 50,000 / offset 0: ${(atFifty / atZero).toFixed(2)} (goal <= 2); provider / direct goal <= 1.5`,
  );
} finally {
  await provider.close();
  mcpAgent.destroy();
  await server.close();
  await direct.logout();
}
