// Tenancy as a property, through real HTTP: over random workspaces (plans), API keys (mode, scopes)
// and inboxes (mode), any key calling any tool on any inbox gets exactly what the spec says:
//   - scope_denied when the key lacks the tool's scope (decided first, revealing nothing of the inbox);
//   - else inbox_not_found when the inbox is of another workspace or the other mode (live/test);
//   - else the tool's answer.
// And no call that was refused changed anything: every inbox's SENT folder holds exactly the sends
// that were allowed through it. Live-mode inboxes here are sandbox inboxes stored with mode "live",
// so that the property needs no real mailbox; tenancy is decided before any provider is asked.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyMode, PlanId, Scope, ToolName } from "@mcpemails/generated";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { parseMessage } from "../../src/mail/parse.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { readSandboxEntry } from "../../src/providers/sandbox/sandbox-message.js";
import { createSandboxProvider } from "../../src/providers/sandbox/sandbox-provider.js";
import { seedSandboxInbox } from "../../src/providers/sandbox/seed.js";
import { openRedisStore } from "../../src/store/redis/redis-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { InboxRecord, Store } from "../../src/store/store.js";
import { startInstance, UNLIMITED_RATE, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool } from "./support/mcp-http.js";
import { deleteKeysWithPrefix } from "../support/redis-data.js";
import { redisUrl } from "./support/redis-env.js";

const RUNS = 15;
const CALLS_PER_WORLD = 30;
const TOOLS: ToolName[] = [
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
];
/** Tools given an existing draft, written afresh for each call. */
const DRAFT_TOOLS: ReadonlySet<ToolName> = new Set(["update_draft", "delete_draft", "send_draft"]);
const SCOPE_OF: Record<ToolName, Scope> = {
  list_inbox: "read:email",
  read_email: "read:email",
  search_emails: "read:email",
  send_email: "send:email",
  reply_to_email: "send:email",
  list_folders: "read:email",
  get_thread: "read:email",
  get_attachment: "read:email",
  create_draft: "draft:email",
  update_draft: "draft:email",
  delete_draft: "draft:email",
  get_send_status: "send:email",
  send_draft: "send:email",
};

const standalone = redisUrl("REDIS_URL", "Tenancy property on the Redis store");
const stores = [
  { kind: "sqlite" as const },
  ...(standalone === undefined ? [] : [{ kind: "redis" as const, url: standalone }]),
];

interface WorldSpec {
  workspaces: { plan: PlanId; keys: { mode: KeyMode; scopes: Scope[] }[]; inboxes: KeyMode[] }[];
  calls: { key: number; inbox: number; tool: ToolName }[];
}

const worldSpec: fc.Arbitrary<WorldSpec> = fc
  .array(
    fc.record({
      plan: fc.constantFrom<PlanId>("free", "pro", "enterprise"),
      keys: fc.array(
        fc.record({
          mode: fc.constantFrom<KeyMode>("test", "live"),
          scopes: fc.subarray<Scope>(["read:email", "send:email", "draft:email"], { minLength: 1 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      inboxes: fc.array(fc.constantFrom<KeyMode>("test", "live"), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 2, maxLength: 3 },
  )
  .chain((workspaces) => {
    const keys = workspaces.reduce((n, w) => n + w.keys.length, 0);
    const inboxes = workspaces.reduce((n, w) => n + w.inboxes.length, 0);
    const call = fc.record({
      key: fc.nat({ max: keys - 1 }),
      inbox: fc.nat({ max: inboxes - 1 }),
      tool: fc.constantFrom(...TOOLS),
    });
    return fc.record({
      workspaces: fc.constant(workspaces),
      calls: fc.array(call, { minLength: CALLS_PER_WORLD, maxLength: CALLS_PER_WORLD }),
    });
  });

describe.each(stores)("tenancy on the $kind store", (target) => {
  const watch = new LeakWatch();
  const keyPrefix = `mcpe-rel-tenancy-${randomUUID()}:`;
  let dataDir: string;
  let store: Store;
  let instance: Instance;
  const tally = { calls: 0, allowed: 0, scopeDenied: 0, inboxNotFound: 0, worlds: 0 };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mcpemails-tenancy-"));
    store =
      target.kind === "redis"
        ? await openRedisStore({ url: target.url, keyPrefix, secretKey: randomBytes(32) })
        : await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
    instance = await startInstance({ store, rateWindows: UNLIMITED_RATE, logger: watch.logger(), ownsStore: false });
  });

  afterAll(async () => {
    await instance.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (target.kind === "redis") await deleteKeysWithPrefix(target.url, keyPrefix);
  });

  it(`no key reaches an inbox outside its workspace and mode (${RUNS} random worlds x ${CALLS_PER_WORLD} calls)`, async () => {
    await fc.assert(
      fc.asyncProperty(worldSpec, async (spec) => {
        tally.worlds++;
        const keys: { key: string; workspaceId: string; mode: KeyMode; scopes: Scope[] }[] = [];
        const inboxes: {
          record: InboxRecord;
          messageId: string;
          attached: { messageId: string; threadId: string; attachmentId: string };
          sentBefore: number;
        }[] = [];
        const now = new Date();
        for (const w of spec.workspaces) {
          const workspace = await createWorkspace(store, {
            name: "Tenant",
            plan: w.plan,
            sendsPerDay: w.plan === "enterprise" ? 1000 : null,
          });
          for (const k of w.keys) {
            const created = await createApiKey(store, { workspaceId: workspace.id, scopes: k.scopes, mode: k.mode });
            watch.secret(created.key);
            keys.push({ key: created.key, workspaceId: workspace.id, mode: k.mode, scopes: k.scopes });
          }
          for (const mode of w.inboxes) {
            const id = randomUUID();
            const record = await store.createInbox({
              id,
              workspaceId: workspace.id,
              mode,
              kind: "sandbox",
              addresses: [sandboxAddress(id)],
              secret: null,
            });
            await seedSandboxInbox(store, record, now);
            const messageId = (await store.listSandboxSummaries(id, "INBOX"))[0]?.id ?? "";
            inboxes.push({
              record,
              messageId,
              ...(await attachedFile(store, id)),
              sentBefore: (await store.listSandboxSummaries(id, "SENT")).length,
            });
          }
        }

        const allowedSends = new Map<string, number>();
        for (const call of spec.calls) {
          const key = keys[call.key]!;
          const { record, messageId, attached } = inboxes[call.inbox]!;
          const draftId = DRAFT_TOOLS.has(call.tool) ? await freshDraft(store, record) : "";
          const args: Record<ToolName, Record<string, unknown>> = {
            list_inbox: { inbox_id: record.id },
            read_email: { inbox_id: record.id, message_id: messageId },
            search_emails: { inbox_id: record.id, query: "the" },
            send_email: { inbox_id: record.id, to: ["someone@example.com"], subject: "tenancy", body: "x" },
            reply_to_email: { inbox_id: record.id, message_id: messageId, body: "x" },
            list_folders: { inbox_id: record.id },
            get_thread: { inbox_id: record.id, thread_id: attached.threadId },
            get_attachment: {
              inbox_id: record.id,
              message_id: attached.messageId,
              attachment_id: attached.attachmentId,
            },
            create_draft: { inbox_id: record.id, to: ["someone@example.com"], subject: "tenancy", body: "x" },
            update_draft: { inbox_id: record.id, draft_id: draftId, subject: "tenancy 2" },
            delete_draft: { inbox_id: record.id, draft_id: draftId },
            send_draft: { inbox_id: record.id, draft_id: draftId },
            // No hold exists in these worlds: the tool's own answer is send_hold_not_found.
            get_send_status: { inbox_id: record.id, hold_id: "h-none" },
          };
          const outcome = await callTool(instance.mcpUrl, key.key, call.tool, args[call.tool], 1, watch);
          tally.calls++;
          const context = `${call.tool} by a ${key.mode} key [${key.scopes.join(",")}] of workspace ${key.workspaceId.slice(0, 8)} on a ${record.mode} inbox of workspace ${record.workspaceId.slice(0, 8)}`;
          if (!key.scopes.includes(SCOPE_OF[call.tool])) {
            expect(outcome, context).toMatchObject({
              isError: true,
              errorCode: "scope_denied",
              requiredScope: SCOPE_OF[call.tool],
            });
            tally.scopeDenied++;
          } else if (record.workspaceId !== key.workspaceId || record.mode !== key.mode) {
            expect(outcome, context).toMatchObject({ isError: true, errorCode: "inbox_not_found" });
            expect(JSON.stringify(outcome), context).not.toContain(record.workspaceId);
            tally.inboxNotFound++;
          } else if (call.tool === "get_send_status") {
            expect(outcome, context).toMatchObject({ isError: true, errorCode: "send_hold_not_found" });
            tally.allowed++;
          } else {
            expect(outcome.isError, `${context}: ${JSON.stringify(outcome).slice(0, 200)}`).toBeUndefined();
            expect(outcome.httpStatus, context).toBeUndefined();
            tally.allowed++;
            if (call.tool === "send_email" || call.tool === "reply_to_email" || call.tool === "send_draft")
              allowedSends.set(record.id, (allowedSends.get(record.id) ?? 0) + 1);
          }
        }
        // Nothing a refused call asked for happened: SENT holds the allowed sends and nothing else.
        for (const { record, sentBefore } of inboxes) {
          const sent = (await store.listSandboxSummaries(record.id, "SENT")).length - sentBefore;
          expect(sent, `new messages in SENT of inbox ${record.id}`).toBe(allowedSends.get(record.id) ?? 0);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261123), endOnFailure: true },
    );
    console.log(
      `tenancy (${target.kind}): ${tally.worlds} worlds, ${tally.calls} calls: ${tally.allowed} allowed, ${tally.scopeDenied} scope_denied, ${tally.inboxNotFound} inbox_not_found`,
    );
    // The property is only worth something if every branch was exercised.
    expect(tally.allowed).toBeGreaterThan(0);
    expect(tally.scopeDenied).toBeGreaterThan(0);
    expect(tally.inboxNotFound).toBeGreaterThan(0);
    expect(watch.leaks()).toEqual([]);
  });
});

/** A seeded message with an attachment: its id, thread and first attachment's id. */
async function attachedFile(
  store: Store,
  inboxId: string,
): Promise<{ attached: { messageId: string; threadId: string; attachmentId: string } }> {
  for (const summary of await store.listSandboxSummaries(inboxId, "INBOX")) {
    const entry = readSandboxEntry((await store.getSandboxMessage(inboxId, summary.id))!);
    if (entry === undefined || !entry.data.has_attachments) continue;
    const parsed = await parseMessage(entry.data.raw, { includeHtml: false, includeAttachments: false });
    return {
      attached: {
        messageId: summary.id,
        threadId: entry.data.thread_id,
        attachmentId: parsed.attachments[0]!.attachment_id,
      },
    };
  }
  throw new Error(`the seeded sandbox inbox ${inboxId} has no message with an attachment`);
}

/** A draft of the inbox, written straight into the store, that a draft tool may change, delete or send. */
async function freshDraft(store: Store, inbox: InboxRecord): Promise<string> {
  const provider = createSandboxProvider({ inbox, mailbox: store, deliverTo: async () => undefined });
  const draft = await provider.create_draft(
    { inbox_id: inbox.id, to: ["someone@example.com"], cc: [], bcc: [], attachments: [], reply_all: false, body: "x" },
    new AbortController().signal,
  );
  if ("isError" in draft) throw new Error(`could not write a draft: ${draft.content[0].text}`);
  return draft.draft_id;
}
