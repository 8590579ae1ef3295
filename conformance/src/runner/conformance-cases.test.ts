// Making the generated cases safe to send: ids filled in, mail only ever to --send-to, and an
// idempotency key of each case's own.
import { describe, expect, it } from "vitest";
import { expandLargeValues } from "@mcpemails/generated";
import {
  conformanceCases,
  redirectRecipients,
  substitutePlaceholders,
  uniqueIdempotencyKey,
} from "./conformance-cases.js";

const SEND_TO = "me@example.org";

describe("substitutePlaceholders", () => {
  const readCase = conformanceCases.find(
    (c) => c.placeholders.message_id === "message" && c.placeholders.inbox_id === undefined,
  );
  const bothCase = conformanceCases.find(
    (c) => c.tool === "read_email" && c.placeholders.message_id === "message" && c.placeholders.inbox_id === "inbox",
  );

  it("puts the inbox and a real message id where the case has placeholders", () => {
    expect(bothCase).toBeDefined();
    const filled = substitutePlaceholders(bothCase!, { inbox: "11111111-1111-1111-1111-111111111111", message: "m-1" });
    expect(filled).toEqual({
      arguments: expect.objectContaining({ inbox_id: "11111111-1111-1111-1111-111111111111", message_id: "m-1" }),
    });
  });

  it("names the id it lacks instead of sending a made-up one", () => {
    expect(readCase).toBeDefined();
    expect(substitutePlaceholders(readCase!, { inbox: "11111111-1111-1111-1111-111111111111" })).toEqual({
      missing: "message",
    });
  });
});

describe("redirectRecipients", () => {
  it("sends every plain address in to, cc and bcc to --send-to, and leaves reply_to and non-addresses alone", () => {
    const args = {
      to: ["alice@example.com", "bob at example dot com"],
      cc: ["carol@example.com"],
      bcc: [42],
      reply_to: "dave@example.com",
    };
    expect(redirectRecipients(args, SEND_TO)).toEqual({
      to: [SEND_TO, "bob at example dot com"],
      cc: [SEND_TO],
      bcc: [42],
      reply_to: "dave@example.com",
    });
  });

  it("keeps a named address's length in code points, since the case may be probing max_length", () => {
    const long = `${"abcdefghi ".repeat(90)}<alice@example.com>`;
    const [redirected] = redirectRecipients({ to: [long] }, SEND_TO).to as string[];
    expect(redirected).toMatch(new RegExp(`<${SEND_TO}>$`));
    expect([...(redirected ?? "")].length).toBe([...long].length);
  });

  it("leaves no generated case with a recipient other than --send-to", () => {
    for (const testCase of conformanceCases.filter((c) => c.effects === "send")) {
      const args = redirectRecipients(expandLargeValues(testCase.arguments) as Record<string, unknown>, SEND_TO);
      for (const list of ["to", "cc", "bcc"]) {
        const value = args[list];
        if (!Array.isArray(value)) continue;
        for (const item of value)
          if (typeof item === "string" && item.includes("@") && !item.endsWith("@"))
            expect(item, testCase.id).toContain(SEND_TO);
      }
    }
  });
});

describe("uniqueIdempotencyKey", () => {
  it("gives different arguments different keys of the original length, and the same arguments the same key", () => {
    const a = uniqueIdempotencyKey({ subject: "a", idempotency_key: "q3-totals-reply-1" }, "case-a");
    const b = uniqueIdempotencyKey({ subject: "b", idempotency_key: "q3-totals-reply-1" }, "case-b");
    expect(a.idempotency_key).not.toBe(b.idempotency_key);
    expect(String(a.idempotency_key)).toHaveLength("q3-totals-reply-1".length);
    expect(uniqueIdempotencyKey({ subject: "a", idempotency_key: "q3-totals-reply-1" }, "case-a")).toEqual(a);
    expect(String(uniqueIdempotencyKey({ idempotency_key: "k".repeat(255) }, "case-c").idempotency_key)).toMatch(
      /^[\x21-\x7E]{255}$/,
    );
  });
});

it("expands a large-value descriptor into base64 of that many bytes", () => {
  expect(expandLargeValues({ data: { $base64OfBytes: 3 }, list: [{ $base64OfBytes: 1 }] })).toEqual({
    data: "YWFh",
    list: ["YQ=="],
  });
});
