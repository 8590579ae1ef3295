// The conformance runner against an Outlook inbox of the reference server: Microsoft Graph and the
// Microsoft identity platform are the stateful fake (msw, in this process), so the runner's HTTP
// calls reach the loopback server, whose Outlook provider reaches the fake. Nothing here needs a
// live service, so the test runs wherever the suite runs, CI included.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createApiKey,
  FAKE_MICROSOFT_APP,
  startGraphFake,
  type GraphFakeSession,
  type WellKnownFolder,
  startTestServer,
  type TestServer,
} from "@mcpemails/server/testing";
import { blockPolicyAddress, POLICY_BLOCKED_TO } from "../runner/test-support/policy-blocked-address.js";
import { runRunner } from "../runner/test-support/run-runner.js";
import { withoutMadeUpDraftSkips } from "../runner/test-support/made-up-draft-skip.js";

// The runner would wait out 100 calls a minute; the test has no minute to spare.
const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

const ADA = "ada@contoso.test";
const BOB = "bob@contoso.test";

let session: GraphFakeSession;
let server: TestServer;
let keys: { full: string; readOnly: string; sendOnly: string; revoked: string };

interface Seed {
  from: string;
  to?: string;
  cc?: string;
  subject: string;
  body: string;
  /** Days before 2026-11-20 it arrived. */
  daysAgo: number;
  folder?: WellKnownFolder;
  isRead?: boolean;
  attachment?: { filename: string; contentType: string; content: string };
  messageId: string;
  inReplyTo?: string;
}

function mime(seed: Seed, date: Date): string {
  const head = [
    `From: ${seed.from}`,
    `To: ${seed.to ?? `Ada Lovelace <${ADA}>`}`,
    ...(seed.cc ? [`Cc: ${seed.cc}`] : []),
    `Subject: ${seed.subject}`,
    `Message-ID: <${seed.messageId}@contoso.test>`,
    ...(seed.inReplyTo
      ? [`In-Reply-To: <${seed.inReplyTo}@contoso.test>`, `References: <${seed.inReplyTo}@contoso.test>`]
      : []),
    `Date: ${date.toUTCString()}`,
    "MIME-Version: 1.0",
  ];
  if (seed.attachment === undefined)
    return [...head, "Content-Type: text/plain; charset=utf-8", "", seed.body, ""].join("\r\n");
  const boundary = `b-${seed.messageId}`;
  return [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    seed.body,
    `--${boundary}`,
    `Content-Type: ${seed.attachment.contentType}; name="${seed.attachment.filename}"`,
    `Content-Disposition: attachment; filename="${seed.attachment.filename}"`,
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from(seed.attachment.content).toString("base64"),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}

const SENDERS = [
  "Bob Stone <bob@contoso.test>",
  "Carol Jones <carol@fabrikam.test>",
  "Dave Miller <dave@northwind.test>",
  "Erin Wu <erin@contoso.test>",
  "Frank <frank@adatum.test>",
];
const TOPICS = [
  "Quarterly report",
  "Lunch on Friday",
  "Invoice 4471",
  "Release planning",
  "Office move",
  "Budget review",
  "Team offsite",
  "Customer feedback",
];
const WORDS = ["spreadsheet", "calendar", "deadline", "warehouse", "prototype", "contract", "shipment", "workshop"];

/** A realistic few dozen: INBOX read and unread, some with attachments, a thread, SENT, DRAFTS and TRASH. */
function mailOfAda(): Seed[] {
  const seeds: Seed[] = [];
  for (let i = 0; i < 26; i++) {
    seeds.push({
      from: SENDERS[i % SENDERS.length] ?? "",
      ...(i % 4 === 1 ? { cc: "Erin Wu <erin@contoso.test>" } : {}),
      subject: `${TOPICS[i % TOPICS.length]} #${i}`,
      body: `Hi Ada,\r\n\r\nA note about the ${WORDS[i % WORDS.length]} for week ${i}.\r\n\r\nRegards`,
      daysAgo: 40 - i * 1.5,
      isRead: i % 3 !== 0,
      ...(i % 6 === 2
        ? { attachment: { filename: `notes-${i}.txt`, contentType: "text/plain", content: `Notes ${i}\n`.repeat(20) } }
        : {}),
      messageId: `inbox-${i}`,
    });
  }
  seeds.push(
    {
      from: SENDERS[1] ?? "",
      subject: "Contract renewal",
      body: "Can you review the renewal terms?",
      daysAgo: 6,
      messageId: "thread-1",
    },
    {
      from: `Ada Lovelace <${ADA}>`,
      to: SENDERS[1],
      subject: "Re: Contract renewal",
      body: "Looks fine, one question on clause 4.",
      daysAgo: 5.5,
      folder: "sentitems",
      isRead: true,
      messageId: "thread-2",
      inReplyTo: "thread-1",
    },
    {
      from: SENDERS[1] ?? "",
      subject: "Re: Contract renewal",
      body: "Clause 4 stays as it is.",
      daysAgo: 5,
      messageId: "thread-3",
      inReplyTo: "thread-2",
      attachment: { filename: "renewal.pdf", contentType: "application/pdf", content: "%PDF-1.4 fake renewal terms" },
    },
  );
  for (let i = 0; i < 4; i++)
    seeds.push({
      from: `Ada Lovelace <${ADA}>`,
      to: SENDERS[i],
      subject: `Follow-up ${i}`,
      body: `Following up on the ${WORDS[i]}.`,
      daysAgo: 30 - i * 5,
      folder: "sentitems",
      isRead: true,
      messageId: `sent-${i}`,
    });
  for (let i = 0; i < 2; i++)
    seeds.push({
      from: `Ada Lovelace <${ADA}>`,
      to: SENDERS[i + 2],
      subject: `Draft ${i}`,
      body: "Not finished yet.",
      daysAgo: 2 - i,
      folder: "drafts",
      isRead: true,
      messageId: `draft-${i}`,
    });
  for (let i = 0; i < 3; i++)
    seeds.push({
      from: SENDERS[(i + 3) % SENDERS.length] ?? "",
      subject: `Newsletter ${i}`,
      body: "Unsubscribe at any time.",
      daysAgo: 20 - i,
      folder: "deleteditems",
      isRead: i !== 0,
      messageId: `trash-${i}`,
    });
  return seeds;
}

beforeAll(async () => {
  session = startGraphFake();
  const ada = await session.connect(ADA, "Ada Lovelace");
  const bob = await session.connect(BOB, "Bob Stone");
  const now = Date.UTC(2026, 10, 20, 12);
  for (const seed of mailOfAda()) {
    const date = new Date(now - seed.daysAgo * 86_400_000);
    await session.fake.seed(ADA, mime(seed, date), {
      folder: seed.folder ?? "inbox",
      isRead: seed.isRead ?? false,
      receivedDateTime: date.toISOString(),
    });
  }
  server = await startTestServer({
    rateWindows: UNLIMITED as never,
    inboxes: [
      { kind: "outlook", addresses: [ADA], secret: JSON.stringify(ada) },
      { kind: "outlook", addresses: [BOB], secret: JSON.stringify(bob) },
    ],
    registry: { microsoft: FAKE_MICROSOFT_APP },
  });
  const live = async (scopes: ("read:email" | "send:email")[]) =>
    createApiKey(server.store, { workspaceId: server.workspaceId, scopes, mode: "live" });
  const revoked = await live(["read:email"]);
  await server.store.revokeApiKey(revoked.record.id);
  keys = {
    full: server.keys.live,
    readOnly: (await live(["read:email"])).key,
    sendOnly: (await live(["send:email"])).key,
    revoked: revoked.key,
  };
});
afterAll(async () => {
  await server?.close();
  session?.close();
});

it(
  "passes every check of the conformance runner against an Outlook inbox, sends included",
  { timeout: 180_000 },
  async () => {
    const [adaInbox, bobInbox] = server.extraInboxes;
    await blockPolicyAddress(server);
    const run = await runRunner([
      "--url",
      server.url,
      "--token",
      keys.full,
      "--inbox",
      adaInbox?.id ?? "",
      "--read-only-token",
      keys.readOnly,
      "--send-only-token",
      keys.sendOnly,
      "--revoked-token",
      keys.revoked,
      "--foreign-inbox",
      server.otherWorkspaceInbox.id,
      "--seed",
      "42",
      "--runs",
      "20",
      "--allow-send",
      "--send-to",
      BOB,
      "--send-to-inbox",
      bobInbox?.id ?? "",
      "--policy-blocked-to",
      POLICY_BLOCKED_TO,
    ]);
    const failed = run.json?.checks
      .filter((c) => c.status === "failed")
      .map((c) => ({ id: c.id, message: c.details?.message }));
    expect(failed).toEqual([]);
    expect(run.exitCode).toBe(0);
    // Only the --slow check lacks what it needs, and the approval and undo-window checks a key under
    // such a policy (--approval-token, --undo-token), which cli.test.ts gives the reference server.
    expect(withoutMadeUpDraftSkips(run.json?.checks.filter((c) => c.status === "skipped") ?? []).sort()).toEqual([
      "behaviour.rate-limit",
      "behaviour.send-approval",
      "behaviour.send-approval.reply",
      "behaviour.undo-window",
    ]);
    // Graph cannot answer every portable combination (is:unread in an OR with words) nor a Gmail-style
    // native query: both are -32602 naming the query, which decision search-syntax allows.
    expect(run.check("inputs.positive.search_emails")).toMatchObject({
      status: "passed",
      details: expect.stringMatching(/answered; \d+ portable queries refused with -32602 query_term/u),
    });
    expect(run.check("inputs.case.search_emails.syntax.enum.native")?.status).toBe("passed");
    for (const id of [
      "behaviour.send.appears-in-sent",
      "behaviour.send.recipient-reads",
      "behaviour.send.reply-threads",
      "behaviour.send.idempotent-replay",
      "behaviour.mark-as-read",
      "behaviour.unread-only",
      "behaviour.pages-concatenate",
      "behaviour.search.body-word",
      "behaviour.search.negated-unread",
      "inputs.positive.send_email",
      "inputs.positive.reply_to_email",
      "inputs.negative.search_emails",
      "auth.revoked-key",
      "auth.scope.send_email",
      "auth.foreign-inbox.list_inbox",
    ]) {
      expect(run.check(id)?.status, id).toBe("passed");
    }
    expect(run.json?.counts.passed).toBeGreaterThan(300);
  },
);
