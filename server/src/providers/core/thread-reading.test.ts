import { LIMITS, messageNotFound, providerError, type ReadEmailArgs, type ReadEmailOutput } from "@mcpemails/generated";
import { describe, expect, it } from "vitest";
import { ProviderFailure } from "./provider-failure.js";
import { readThread, type ThreadMember } from "./thread-reading.js";

const ARGS = {
  inbox_id: "3f7a8b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c",
  thread_id: "t1",
  body_format: "text",
  strip_quoted: false,
} as const;

function message(id: string, bodyChars = 10): ReadEmailOutput {
  return {
    id,
    thread_id: "t1",
    rfc822_message_id: `<${id}@example.org>`,
    folder: "INBOX",
    from: null,
    to: [],
    cc: [],
    subject: id,
    snippet: "",
    date: "2026-11-20T09:14:03.000Z",
    unread: false,
    has_attachments: false,
    size_bytes: 1,
    reply_to: [],
    bcc: [],
    in_reply_to: null,
    references: [],
    body_text: "x".repeat(bodyChars),
    body_truncated: false,
    attachments: [],
  };
}

const members = (count: number): ThreadMember[] =>
  Array.from({ length: count }, (_, index) => ({ id: `m${String(index).padStart(3, "0")}`, dateMs: index * 1000 }));

describe("readThread: a thread as read_email reads each message", () => {
  it("answers oldest first whatever order the provider found them in, reading each without marking it read", async () => {
    const asked: ReadEmailArgs[] = [];
    const result = await readThread(
      { ...ARGS, body_format: "markdown", strip_quoted: true },
      members(3).reverse(),
      async (args) => (asked.push(args), message(args.message_id)),
    );
    expect(result).toMatchObject({ thread_id: "t1", message_count: 3, truncated: false });
    expect("messages" in result && result.messages.map((m) => m.id)).toEqual(["m000", "m001", "m002"]);
    expect(asked.every((args) => !args.mark_as_read && !args.include_attachments && !args.include_html)).toBe(true);
    expect(asked.every((args) => args.body_format === "markdown" && args.strip_quoted)).toBe(true);
  });

  it(`keeps the newest ${LIMITS.get_thread_max_messages} of a longer thread, and says so`, async () => {
    const result = await readThread(ARGS, members(60), async (args) => message(args.message_id));
    expect(result).toMatchObject({ message_count: 60, truncated: true });
    const ids = "messages" in result ? result.messages.map((m) => m.id) : [];
    expect(ids).toHaveLength(LIMITS.get_thread_max_messages);
    expect(ids[0]).toBe("m010");
    expect(ids.at(-1)).toBe("m059");
  });

  it(`stops before the body text passes ${LIMITS.get_thread_max_body_chars} characters, newest kept`, async () => {
    const result = await readThread(ARGS, members(8), async (args) => message(args.message_id, 100_000));
    expect(result).toMatchObject({ message_count: 8, truncated: true });
    expect("messages" in result && result.messages.map((m) => m.id)).toEqual(["m003", "m004", "m005", "m006", "m007"]);
  });

  it("leaves out a message deleted meanwhile, answered or thrown as not found, and counts it no more", async () => {
    const result = await readThread(ARGS, members(3), async (args) => {
      if (args.message_id === "m000") return messageNotFound({ message_id: "m000", inbox_id: ARGS.inbox_id });
      if (args.message_id === "m001") throw new ProviderFailure("not_found", "gone");
      return message(args.message_id);
    });
    expect(result).toMatchObject({ message_count: 1, truncated: false });
  });

  it("answers thread_not_found for a thread without messages, or whose messages are all gone", async () => {
    expect(await readThread(ARGS, [], async () => message("never"))).toMatchObject({ errorCode: "thread_not_found" });
    const allGone = await readThread(ARGS, members(2), async () => {
      throw new ProviderFailure("not_found", "gone");
    });
    expect(allGone).toMatchObject({ errorCode: "thread_not_found" });
  });

  it("passes on the service's failure, and rethrows anything else", async () => {
    const failed = providerError({ detail: "Gmail answered 500" });
    expect(await readThread(ARGS, members(2), async () => failed)).toBe(failed);
    await expect(
      readThread(ARGS, members(2), async () => {
        throw new ProviderFailure("unavailable", "dropped");
      }),
    ).rejects.toThrow("dropped");
  });
});
