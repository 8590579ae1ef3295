import { describe, expect, it } from "vitest";
import { normalizeMessageId, replyRecipients, replyReferences, replySubject } from "./threading.js";

describe("replySubject", () => {
  it.each([
    ["Lunch on Friday?", "Re: Lunch on Friday?"],
    ["Re: Lunch on Friday?", "Re: Lunch on Friday?"],
    ["RE: re: Re:Lunch", "Re: Lunch"],
    ["Re [2]: Lunch", "Re: Lunch"],
    ["  re :  Lunch", "Re: Lunch"],
    ["Fwd: Lunch", "Re: Fwd: Lunch"],
    ["Réunion de lundi", "Re: Réunion de lundi"],
    ["Regarding lunch", "Re: Regarding lunch"],
    ["", "Re: "],
  ])("%j -> %j", (subject, reply) => {
    expect(replySubject(subject)).toBe(reply);
  });
});

describe("replyReferences", () => {
  it("appends the original's Message-ID to its References, oldest first", () => {
    expect(replyReferences({ references: ["<a@x>", "<b@x>"], messageId: "<c@x>" })).toEqual([
      "<a@x>",
      "<b@x>",
      "<c@x>",
    ]);
  });

  it("starts a chain from the Message-ID alone when there are no References", () => {
    expect(replyReferences({ references: [], messageId: "<c@x>" })).toEqual(["<c@x>"]);
  });

  it("deduplicates, adds missing angle brackets and drops what cannot be a Message-ID", () => {
    expect(
      replyReferences({ references: ["<a@x>", "a@x", "<b@x>", "<c@x>", "", "<bad id>"], messageId: "c@x" }),
    ).toEqual(["<a@x>", "<b@x>", "<c@x>"]);
  });

  it("keeps the References when the original has no Message-ID", () => {
    expect(replyReferences({ references: ["<a@x>"], messageId: null })).toEqual(["<a@x>"]);
  });

  it("normalizeMessageId refuses anything that could break the header", () => {
    expect(normalizeMessageId("<a@x>\r\nBcc: eve@evil.example")).toBeNull();
    expect(normalizeMessageId(" <a@x> ")).toBe("<a@x>");
  });
});

describe("replyRecipients", () => {
  const me = "sandbox+1234abcd@sandbox.mcpemails.test";
  const alice = { name: "Alice", address: "alice@example.com" };
  const bob = { name: "Bob", address: "bob@example.net" };
  const carol = { name: "Carol", address: "carol@example.net" };
  const self = { name: null, address: me };

  it("replies to the From address", () => {
    expect(replyRecipients({ from: alice, replyTo: [], to: [self, bob], cc: [carol] }, [me], false)).toEqual({
      to: [alice],
      cc: [],
    });
  });

  it("replies to Reply-To instead of From when there is one", () => {
    const list = { name: "Team list", address: "team@example.com" };
    expect(replyRecipients({ from: alice, replyTo: [list], to: [self], cc: [] }, [me], false)).toEqual({
      to: [list],
      cc: [],
    });
  });

  it("reply-all copies the original To and Cc, without the inbox itself, deduplicated case-insensitively", () => {
    const original = {
      from: alice,
      replyTo: [],
      to: [{ name: null, address: me.toUpperCase() }, bob],
      cc: [carol, { name: null, address: "BOB@example.net" }, alice],
    };
    expect(replyRecipients(original, [me], true)).toEqual({ to: [alice], cc: [bob, carol] });
  });

  it("reply-all with Reply-To keeps the author in Cc when they were a recipient", () => {
    const list = { name: null, address: "team@example.com" };
    expect(replyRecipients({ from: alice, replyTo: [list], to: [self, alice], cc: [] }, [me], true)).toEqual({
      to: [list],
      cc: [alice],
    });
  });

  it("a reply to a message the inbox sent goes to that message's recipients", () => {
    expect(replyRecipients({ from: self, replyTo: [], to: [bob, carol], cc: [alice] }, [me], false)).toEqual({
      to: [bob, carol],
      cc: [],
    });
    expect(replyRecipients({ from: self, replyTo: [], to: [bob], cc: [alice, self] }, [me], true)).toEqual({
      to: [bob],
      cc: [alice],
    });
  });

  it("a note to self stays a note to self", () => {
    expect(replyRecipients({ from: self, replyTo: [], to: [self], cc: [] }, [me], true)).toEqual({
      to: [self],
      cc: [],
    });
  });

  it("gives no recipient when the original has neither From nor Reply-To", () => {
    expect(replyRecipients({ from: null, replyTo: [], to: [self], cc: [] }, [me], false)).toEqual({ to: [], cc: [] });
  });
});
