import { describe, expect, it } from "vitest";
import { decodeMessageId, encodeMessageId, threadIdOf, threadRootStart } from "./imap-message-id.js";

describe("IMAP message ids", () => {
  it("encode folder, UIDVALIDITY and UID into one opaque token that decodes back", () => {
    const ref = { path: "Archive/2026 Ünïcode", uidValidity: 1795471456n, uid: 4294967295 };
    const id = encodeMessageId(ref);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeMessageId(id)).toEqual(ref);
  });

  it("are stable: the same message always gets the same id", () => {
    expect(encodeMessageId({ path: "INBOX", uidValidity: 7n, uid: 42 })).toBe(
      encodeMessageId({ path: "INBOX", uidValidity: 7n, uid: 42 }),
    );
  });

  it.each([
    "",
    "not an id!",
    "18c2f0a1b2c3d4e5",
    Buffer.from("1\n0\n5\nINBOX").toString("base64url"),
    Buffer.from("1\n7\n0\nINBOX").toString("base64url"),
    Buffer.from("2\n7\n5\nINBOX").toString("base64url"),
    Buffer.from("1\n7\n5\n").toString("base64url"),
    Buffer.from("1\n7\n99999999999\nINBOX").toString("base64url"),
  ])("refuse %j, which this provider never made", (id) => {
    expect(decodeMessageId(id)).toBeUndefined();
  });
});

describe("IMAP thread ids", () => {
  const root = "<root@example.com>";
  it("are the same for a thread's root, a reply and a reply to the reply", () => {
    const start = threadIdOf({ references: [], inReplyTo: null, messageId: root });
    const reply = threadIdOf({ references: [root], inReplyTo: root, messageId: "<r1@example.com>" });
    const answer = threadIdOf({
      references: [root, "<r1@example.com>"],
      inReplyTo: "<r1@example.com>",
      messageId: "<r2@example.com>",
    });
    expect(start).not.toBeNull();
    expect(reply).toBe(start);
    expect(answer).toBe(start);
  });

  it("fall back to In-Reply-To when a reply has no References", () => {
    expect(threadIdOf({ references: [], inReplyTo: root, messageId: "<r1@example.com>" })).toBe(
      threadIdOf({ references: [], inReplyTo: null, messageId: root }),
    );
  });

  it("differ between conversations and are null for a message without any Message-ID", () => {
    expect(threadIdOf({ references: [], inReplyTo: null, messageId: "<a@x>" })).not.toBe(
      threadIdOf({ references: [], inReplyTo: null, messageId: "<b@x>" }),
    );
    expect(threadIdOf({ references: [], inReplyTo: null, messageId: null })).toBeNull();
  });

  it("carry the start of their root (lowercased, at most 128 characters) for get_thread to search for", () => {
    const id = threadIdOf({ references: ["<Root@Example.COM>"], inReplyTo: null, messageId: "<r1@example.com>" })!;
    expect(id).toMatch(/^t[A-Za-z0-9_-]+$/u);
    expect(threadRootStart(id)).toBe(root);
    const long = `<${"x".repeat(300)}@example.com>`;
    const longId = threadIdOf({ references: [], inReplyTo: null, messageId: long })!;
    expect(threadRootStart(longId)).toBe(long.slice(0, 128));
    expect(longId).not.toBe(threadIdOf({ references: [], inReplyTo: null, messageId: `${long.slice(0, -1)}y>` }));
  });

  it("give no root for an id made before 1.1 (the hash alone) or anything this provider never made", () => {
    const id = threadIdOf({ references: [], inReplyTo: null, messageId: root })!;
    for (const other of [id.slice(0, 23), "not/a thread%", "", `x${id.slice(1)}`])
      expect(threadRootStart(other), other).toBeUndefined();
  });
});
