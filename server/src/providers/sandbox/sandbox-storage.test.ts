import { describe, expect, it } from "vitest";
import { inputValidators, type ToolArgs } from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import { sandboxAddress } from "./address.js";
import { createInMemoryMailbox } from "../../../test/support/in-memory-mailbox.js";
import { createSandboxProvider } from "./sandbox-provider.js";
import { buildSandboxMessage } from "./sandbox-message.js";
import { pruneOldest } from "./sandbox-storage.js";

const signal = new AbortController().signal;
const inboxOf = (id: string): InboxRecord => ({
  id,
  workspaceId: "w",
  mode: "test",
  kind: "sandbox",
  addresses: [sandboxAddress(id)],
  secret: null,
  createdAt: "2026-11-01T00:00:00.000Z",
});
const sender = inboxOf("11111111-0000-4000-8000-000000000001");
const recipient = inboxOf("22222222-0000-4000-8000-000000000002");

const source = (subject: string, bytes: number) =>
  `From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\n\r\n${"x".repeat(bytes)}\r\n`;

describe("a sandbox inbox's storage", () => {
  it("drops the oldest messages once the sources pass the cap, keeping the newest", async () => {
    const mailbox = createInMemoryMailbox();
    const messages = await Promise.all(
      [1, 2, 3, 4].map((day) =>
        buildSandboxMessage({
          inboxId: recipient.id,
          id: `m${day}`,
          folder: "INBOX",
          unread: true,
          threadId: `m${day}`,
          raw: source(`day ${day}`, 1_000),
          receivedAt: new Date(`2026-11-0${day}T00:00:00.000Z`),
        }),
      ),
    );
    await mailbox.putSandboxMessages(messages);
    const size =
      (await mailbox.listSandboxSummaries(recipient.id)).map((m) => (m.data as { size_bytes: number }).size_bytes)[0] ??
      0;
    expect(await pruneOldest(mailbox, recipient.id, size * 2)).toBe(2);
    expect((await mailbox.listSandboxMessages(recipient.id)).map((m) => m.id).sort()).toEqual(["m3", "m4"]);
    expect(await pruneOldest(mailbox, recipient.id, 1)).toBe(1);
    expect((await mailbox.listSandboxMessages(recipient.id)).map((m) => m.id)).toEqual(["m4"]);
  });

  it("stays within the cap however much is sent to it, in the sender's SENT and the recipient's INBOX", async () => {
    const mailbox = createInMemoryMailbox();
    const cap = 100_000;
    const provider = createSandboxProvider({
      inbox: sender,
      mailbox,
      maxInboxBytes: cap,
      deliverTo: async (address) => (address === recipient.addresses[0] ? recipient : undefined),
    });
    for (let i = 0; i < 12; i++) {
      const checked = inputValidators.send_email({
        inbox_id: sender.id,
        to: [recipient.addresses[0]],
        subject: `bulk ${i}`,
        body: "y".repeat(30_000),
      });
      if (!checked.ok) throw new Error(checked.problem.message);
      await provider.send_email(checked.value as ToolArgs["send_email"], signal);
    }
    for (const inbox of [sender, recipient]) {
      const stored = await mailbox.listSandboxSummaries(inbox.id);
      const total = stored.reduce((sum, m) => sum + (m.data as { size_bytes: number }).size_bytes, 0);
      expect(total).toBeLessThanOrEqual(cap);
      expect(stored.map((m) => (m.data as { subject: string }).subject)).toContain("bulk 11");
      expect(stored.length).toBeLessThan(12);
    }
  });

  it("searches bodies one message at a time, never loading every source at once", async () => {
    const mailbox = createInMemoryMailbox();
    await mailbox.putSandboxMessages([
      await buildSandboxMessage({
        inboxId: recipient.id,
        id: "needle",
        folder: "INBOX",
        unread: true,
        threadId: "needle",
        raw: source("has it", 10).replace("xxxxxxxxxx", "the haystack needle"),
        receivedAt: new Date("2026-11-01T00:00:00.000Z"),
      }),
    ]);
    const provider = createSandboxProvider({
      inbox: recipient,
      mailbox: {
        ...mailbox,
        listSandboxMessages: () => Promise.reject(new Error("a search must not load every message")),
      },
      deliverTo: async () => undefined,
    });
    const checked = inputValidators.search_emails({ inbox_id: recipient.id, query: "needle" });
    if (!checked.ok) throw new Error(checked.problem.message);
    const found = await provider.search_emails(checked.value as ToolArgs["search_emails"], signal);
    expect(found).toMatchObject({ messages: [{ id: "needle" }] });
  });
});
