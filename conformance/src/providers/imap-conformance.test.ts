// The conformance runner against the reference server with an IMAP/SMTP inbox: a user of the real
// Dovecot of scripts/dovecot.sh holding the realistic corpus (several folders, read and unread,
// attachments, a thread) and a few dozen plain messages, sending through the rig's SMTP relay to a
// second rig user whose inbox --token can read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createApiKey,
  createRigUser,
  dovecotRig,
  imapSettingsFor,
  seedBulkMailbox,
  seedRealisticCorpus,
  startSmtpRelay,
  type SmtpRelay,
  startTestServer,
  type TestServer,
} from "@mcpemails/server/testing";
import { blockPolicyAddress, POLICY_BLOCKED_TO } from "../runner/test-support/policy-blocked-address.js";
import { runRunner, type RunnerOutcome } from "../runner/test-support/run-runner.js";
import { withoutMadeUpDraftSkips } from "../runner/test-support/made-up-draft-skip.js";

// dovecotRig() throws when CI is set and the rig is missing, so CI fails instead of skipping.
const rig = dovecotRig();
const describeWithRig = rig === undefined ? describe.skip : describe;
if (rig === undefined)
  console.warn(
    "imap-conformance.test.ts skipped: no Dovecot rig (run `bash scripts/dovecot.sh start` and export its lines, or run through scripts/test.sh)",
  );

// The runner would wait out 100 calls a minute; the test has no minute to spare.
const UNLIMITED = [
  { name: "minute", seconds: 60, limit: 1_000_000 },
  { name: "hour", seconds: 3600, limit: 1_000_000 },
  { name: "day", seconds: 86400, limit: 1_000_000 },
] as const;

/**
 * Checks the run reports as skipped (sorted): the one that takes minutes (--slow) and the approval
 * and undo-window checks (they need --approval-token, --undo-token), which cli.test.ts runs against
 * the same server code.
 */
const REPORTED_SKIPPED = [
  "behaviour.rate-limit",
  "behaviour.send-approval",
  "behaviour.send-approval.reply",
  "behaviour.undo-window",
];

let server: TestServer;
let relay: SmtpRelay;
let underTest: string;
let recipient: { id: string; address: string };
let keys: { readOnly: string; sendOnly: string; revoked: string };

describeWithRig("the conformance runner against an IMAP/SMTP inbox (Dovecot)", () => {
  beforeAll(async () => {
    if (rig === undefined) return;
    relay = await startSmtpRelay({ rig });
    const owner = await createRigUser(rig, "conformance-owner");
    const peer = await createRigUser(rig, "conformance-peer");
    await seedRealisticCorpus(rig, owner.address);
    // After the corpus in both arrival and Date, so that newest first means the same by either.
    await seedBulkMailbox(rig, owner.address, 30, { unreadEvery: 4, startAt: new Date(Date.UTC(2026, 0, 6)) });
    server = await startTestServer({
      rateWindows: UNLIMITED as never,
      inboxes: [
        { kind: "imap", addresses: [owner.address], secret: JSON.stringify(imapSettingsFor(rig, owner, relay.port)) },
        { kind: "imap", addresses: [peer.address], secret: JSON.stringify(imapSettingsFor(rig, peer, relay.port)) },
      ],
      registry: { imapPool: { maxConnectionsPerInbox: 2, idleCloseMs: 30_000 } },
    });
    const [ownerInbox, peerInbox] = server.extraInboxes;
    underTest = ownerInbox?.id ?? "";
    recipient = { id: peerInbox?.id ?? "", address: peer.address };
    // IMAP inboxes are live: the scope and revocation checks need live keys to reach them.
    const liveKey = (scopes: ("read:email" | "send:email")[]) =>
      createApiKey(server.store, { workspaceId: server.workspaceId, scopes, mode: "live" });
    const revoked = await liveKey(["read:email"]);
    await server.store.revokeApiKey(revoked.record.id);
    keys = {
      readOnly: (await liveKey(["read:email"])).key,
      sendOnly: (await liveKey(["send:email"])).key,
      revoked: revoked.key,
    };
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });

  it("passes every check, sends included, with only the listed checks left out or skipped", async () => {
    const started = Date.now();
    await blockPolicyAddress(server);
    const run: RunnerOutcome = await runRunner([
      "--url",
      server.url,
      "--token",
      server.keys.live,
      "--inbox",
      underTest,
      "--read-only-token",
      keys.readOnly,
      "--send-only-token",
      keys.sendOnly,
      "--revoked-token",
      keys.revoked,
      "--foreign-inbox",
      server.otherWorkspaceInbox.id,
      "--allow-send",
      "--send-to",
      recipient.address,
      "--send-to-inbox",
      recipient.id,
      "--policy-blocked-to",
      POLICY_BLOCKED_TO,
      "--runs",
      "20",
      "--seed",
      "42",
    ]);
    console.info(
      `imap conformance: ${run.json?.counts.passed} passed, ${run.json?.counts.failed} failed, ${run.json?.counts.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const id of run.failedIds) console.info(id, run.check(id)?.details?.message);
    expect(run.failedIds).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(withoutMadeUpDraftSkips(run.json?.checks.filter((c) => c.status === "skipped") ?? []).sort()).toEqual(
      REPORTED_SKIPPED,
    );
    // The case's native query is Gmail's dialect; on IMAP, native means IMAP SEARCH criteria, so the
    // provider refuses it with -32602 naming the query, which the runner accepts for native cases.
    expect(run.check("inputs.case.search_emails.syntax.enum.native")?.status).toBe("passed");
    // The checks that only a real send, a real read state and a real search can pass.
    for (const id of [
      "behaviour.send.appears-in-sent",
      "behaviour.send.recipient-reads",
      "behaviour.send.reply-threads",
      "behaviour.send.idempotent-replay",
      "behaviour.mark-as-read",
      "behaviour.unread-only",
      "behaviour.search.body-word",
      "behaviour.search.has-attachment",
      "auth.revoked-key",
      "auth.scope.send_email",
      "auth.foreign-inbox.list_inbox",
    ]) {
      expect(run.check(id)?.status, id).toBe("passed");
    }
    // Every portable query is honoured, has:attachment inside OR included: none refused as a term IMAP cannot answer.
    expect(JSON.stringify(run.check("inputs.positive.search_emails")?.details)).not.toContain("refused");
    expect(run.json?.counts.passed).toBeGreaterThan(250);
  }, 180_000);
});
