// The store failing at each step of a send, one step at a time (any adapter: here SQLite behind a
// wrapper that makes the chosen method reject, as Redis does when it stops answering). Defined
// outcome at every step: the call gets an error that says what the caller may assume, and nothing
// is sent twice:
//   - the API key or rate-limit check fails: -32603 "the store did not answer ... nothing was done";
//   - a later step fails: -32603 "the message may have been sent ... retry only with the same
//     idempotency_key", and that retry never sends a second copy;
//   - the provider's own delivery fails after it handed the message over: provider_error with
//     deliveryStatus unknown (the one answer every provider gives), the key kept.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSandboxInbox, createApiKey, createWorkspace } from "../../src/admin/operations.js";
import { sandboxAddress } from "../../src/providers/sandbox/address.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { InboxRecord, Store } from "../../src/store/store.js";
import { startInstance, type Instance } from "./support/instances.js";
import { LeakWatch } from "./support/leak-watch.js";
import { callTool, mcpPost, toolCallBody } from "./support/mcp-http.js";

type StoreMethod = keyof Store;

const watch = new LeakWatch();
let failing: StoreMethod | undefined;
let dataDir: string;
let store: Store;
let instance: Instance;
let key: string;
let sender: InboxRecord;
let recipient: InboxRecord;

let coldReads = 0;

/**
 * The store, except that the method named in `failing` rejects as a store that stopped answering would.
 * While a method fails, every call also finds a configuration version never seen before, so that the
 * instance's copies of keys and inboxes are dropped and each step really reaches the store.
 */
function failingOnDemand(real: Store): Store {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === failing) return Promise.reject(new Error("Command timed out"));
        if (property === "configVersion" && failing !== undefined) return Promise.resolve(-++coldReads);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "mcpemails-store-faults-"));
  store = await openSqliteStore({ dataDir, secretKey: randomBytes(32) });
  const workspace = await createWorkspace(store, { name: "Store faults", plan: "pro" });
  sender = await addSandboxInbox(store, { workspaceId: workspace.id });
  recipient = await addSandboxInbox(store, { workspaceId: workspace.id });
  key = (await createApiKey(store, { workspaceId: workspace.id, scopes: ["read:email", "send:email"], mode: "test" }))
    .key;
  watch.secret(key);
  instance = await startInstance({ store: failingOnDemand(store), logger: watch.logger(), ownsStore: false });
});

afterAll(async () => {
  await instance.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect(watch.leaks()).toEqual([]);
});

const delivered = async (subject: string) =>
  (await store.listSandboxSummaries(recipient.id, "INBOX")).filter(
    (m) => (m.data as { subject?: string }).subject === subject,
  ).length;
const sendArgs = (subject: string, idempotencyKey: string) => ({
  inbox_id: sender.id,
  to: [sandboxAddress(recipient.id)],
  subject,
  body: "store fault",
  idempotency_key: idempotencyKey,
});

describe("the store failing at one step of a send", () => {
  it.each<[StoreMethod, string]>([
    ["configVersion", "the API key could not be checked"],
    ["findApiKeyByHash", "the API key could not be checked"],
    ["admitCall", "the rate limits could not be checked"],
  ])("%s: -32603, nothing was done, and the same call succeeds once the store answers", async (method, what) => {
    const subject = `fault ${method} ${randomUUID()}`;
    const args = sendArgs(subject, `k-${randomUUID()}`);
    failing = method;
    const answer = await mcpPost(instance.mcpUrl, toolCallBody("send_email", args), {
      key,
      revision: "2025-06-18",
      watch,
    });
    failing = undefined;
    expect(answer.json).toMatchObject({ error: { code: -32603 } });
    expect((answer.json as { error: { message: string } }).error.message).toContain(
      `the store did not answer, so ${what}; nothing was done`,
    );
    expect(await delivered(subject)).toBe(0);
    expect(await callTool(instance.mcpUrl, key, "send_email", args, 2, watch)).toMatchObject({
      delivery_status: "accepted",
      idempotent_replay: false,
    });
    expect(await delivered(subject)).toBe(1);
  });

  it("putSandboxMessages: the provider failed as it delivered, so the outcome is unknown (provider_error, deliveryStatus unknown); the key stays taken and the retry sends nothing", async () => {
    const subject = `fault putSandboxMessages ${randomUUID()}`;
    const args = sendArgs(subject, `k-${randomUUID()}`);
    failing = "putSandboxMessages";
    const answer = await callTool(instance.mcpUrl, key, "send_email", args, 1, watch);
    failing = undefined;
    expect(answer).toMatchObject({ isError: true, errorCode: "provider_error", deliveryStatus: "unknown" });
    expect(await delivered(subject)).toBe(0);
    expect(await callTool(instance.mcpUrl, key, "send_email", args, 2, watch)).toMatchObject({
      isError: true,
      errorCode: "idempotency_key_in_use",
    });
    expect(await delivered(subject)).toBe(0);
  });

  // [failing step, copies delivered by the failed call, what the retry with the same key answers, copies after it]
  it.each<[StoreMethod, number, Record<string, unknown>, number]>([
    // Before the send started: the retry sends, once.
    ["getInbox", 0, { delivery_status: "accepted", idempotent_replay: false }, 1],
    ["beginIdempotent", 0, { delivery_status: "accepted", idempotent_replay: false }, 1],
    // The quota could not be taken: nothing was sent, and the key is given back, so the retry sends.
    ["consumeQuota", 0, { delivery_status: "accepted", idempotent_replay: false }, 1],
    // Sent, but not recorded: the key stays taken, and the retry does not send again.
    ["completeIdempotent", 1, { isError: true, errorCode: "idempotency_key_in_use" }, 1],
  ])(
    "%s: -32603 saying the message may have been sent; %i copies, and the retry never sends a second",
    async (method, copiesAfterFailure, retryAnswer, copiesAfterRetry) => {
      const subject = `fault ${method} ${randomUUID()}`;
      const args = sendArgs(subject, `k-${randomUUID()}`);
      failing = method;
      const answer = await mcpPost(instance.mcpUrl, toolCallBody("send_email", args), {
        key,
        revision: "2025-06-18",
        watch,
      });
      failing = undefined;
      expect(answer.json).toMatchObject({ error: { code: -32603 } });
      expect((answer.json as { error: { message: string } }).error.message).toMatch(
        /may have been sent\. Retry only with the same idempotency_key/,
      );
      expect(await delivered(subject)).toBe(copiesAfterFailure);
      expect(await callTool(instance.mcpUrl, key, "send_email", args, 2, watch)).toMatchObject(retryAnswer);
      expect(await delivered(subject)).toBe(copiesAfterRetry);
    },
  );
});
