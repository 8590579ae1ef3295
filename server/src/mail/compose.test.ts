import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { attachmentsFromInput, composeMessage, type ComposeInput } from "./compose.js";

const base: ComposeInput = {
  from: { name: "Agent", address: "sandbox+1234abcd@sandbox.mcpemails.test" },
  to: [{ name: "Alice Martin", address: "alice@example.com" }],
  subject: "Totals checked",
  text: "Hi Alice,\n\nthe Q3 totals add up.\n",
  messageId: "<0f1e2d3c.4b5a@sandbox.mcpemails.test>",
  date: new Date("2026-11-20T09:14:03.000Z"),
};

/** The header block of a raw message, unfolded, one "name: value" per entry. */
function headerLines(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
  return head.replace(/\r\n[ \t]+/gu, " ").split("\r\n");
}

function headerNames(raw: string): string[] {
  return headerLines(raw).map((line) => line.slice(0, line.indexOf(":")).toLowerCase());
}

describe("composeMessage", () => {
  it("writes the headers a plain message needs, and no others", async () => {
    const { raw, messageId } = await composeMessage(base);
    expect(messageId).toBe("<0f1e2d3c.4b5a@sandbox.mcpemails.test>");
    expect(headerNames(raw).sort()).toEqual([
      "content-transfer-encoding",
      "content-type",
      "date",
      "from",
      "message-id",
      "mime-version",
      "subject",
      "to",
    ]);
    expect(headerLines(raw)).toContain("Date: Fri, 20 Nov 2026 09:14:03 +0000");
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe("Hi Alice,\n\nthe Q3 totals add up.\n");
    expect(parsed.html).toBe(false);
  });

  it("sends an HTML body as a multipart/alternative beside the text", async () => {
    const { raw } = await composeMessage({ ...base, html: "<p>Hi <b>Alice</b></p>" });
    expect(raw).toMatch(/Content-Type: multipart\/alternative/u);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(base.text);
    expect(parsed.html).toBe("<p>Hi <b>Alice</b></p>");
  });

  it("encodes non-ASCII names and subjects and keeps them intact", async () => {
    const { raw } = await composeMessage({
      ...base,
      from: { name: "Zoë Dupré", address: "zoe@example.fr" },
      to: [{ name: "田中 太郎", address: "tanaka@example.jp" }],
      subject: "Réunion 日本語 🎉",
      text: "Grüße 👋",
    });
    expect(raw).toMatch(/^\p{ASCII}*$/u);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe("Réunion 日本語 🎉");
    expect(parsed.from?.value).toEqual([{ name: "Zoë Dupré", address: "zoe@example.fr" }]);
    expect(parsed.text?.trim()).toBe("Grüße 👋");
  });

  it("keeps Bcc out of what recipients get, and in the sender's own copy", async () => {
    const composed = await composeMessage({
      ...base,
      cc: [{ name: null, address: "carol@example.net" }],
      bcc: [{ name: null, address: "boss@example.com" }],
    });
    expect(headerNames(composed.raw)).not.toContain("bcc");
    expect(composed.raw).not.toContain("boss@example.com");
    expect(headerLines(composed.rawWithBcc)).toContain("Bcc: boss@example.com");
    expect(headerLines(composed.raw)).toContain("Cc: carol@example.net");
  });

  it("sets Reply-To, In-Reply-To and References", async () => {
    const { raw } = await composeMessage({
      ...base,
      replyTo: { name: null, address: "replies@example.com" },
      inReplyTo: "<c@x>",
      references: ["<a@x>", "b@x", "<c@x>"],
    });
    const lines = headerLines(raw);
    expect(lines).toContain("Reply-To: replies@example.com");
    expect(lines).toContain("In-Reply-To: <c@x>");
    expect(lines).toContain("References: <a@x> <b@x> <c@x>");
  });

  it("attaches files from base64, inline images with a Content-ID, and keeps only the last path segment of names", async () => {
    const { raw } = await composeMessage({
      ...base,
      html: '<p><img src="cid:logo@example.com"></p>',
      attachments: [
        ...attachmentsFromInput([{ filename: "../../etc/passwd", mime_type: "text/plain", data: "aGVsbG8=" }]),
        { filename: "C:\\Users\\alice\\q3.pdf", contentType: "application/pdf", content: Buffer.from("%PDF-1.4") },
        {
          filename: "logo.png",
          contentType: "image/png",
          content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
          contentId: "logo@example.com",
        },
      ],
    });
    const parsed = await simpleParser(raw, { keepCidLinks: true });
    expect(
      parsed.attachments.map((a) => [
        a.filename,
        a.contentType,
        a.content.toString("latin1"),
        a.cid ?? null,
        a.related === true,
      ]),
    ).toEqual([
      ["logo.png", "image/png", "\x89PNG", "logo@example.com", true],
      ["passwd", "text/plain", "hello", null, false],
      ["q3.pdf", "application/pdf", "%PDF-1.4", null, false],
    ]);
  });

  it("refuses a Message-ID that is not one", async () => {
    await expect(composeMessage({ ...base, messageId: "two words" })).rejects.toThrow(/cannot be a Message-ID/u);
  });
});

describe("composeMessage: no header value can add a header", () => {
  const injection = "\r\nBcc: eve@evil.example\r\nX-Injected: yes";

  it("neutralizes line breaks in the subject, display names, file names and threading ids", async () => {
    const composed = await composeMessage({
      ...base,
      subject: `Hello${injection}`,
      from: { name: `Agent${injection}`, address: base.from.address },
      to: [{ name: `Alice${injection}`, address: "alice@example.com" }],
      replyTo: { name: `Replies${injection}`, address: "replies@example.com" },
      inReplyTo: `<c@x>${injection}`,
      references: [`<a@x>${injection}`],
      attachments: [{ filename: `notes${injection}.txt`, contentType: "text/plain", content: Buffer.from("x") }],
    });
    for (const raw of [composed.raw, composed.rawWithBcc]) {
      expect(headerNames(raw)).not.toContain("x-injected");
      expect(headerNames(raw)).not.toContain("bcc");
      const parsed = await simpleParser(raw);
      expect(parsed.headers.has("x-injected")).toBe(false);
      expect(parsed.bcc).toBeUndefined();
      expect(parsed.subject).toBe("Hello Bcc: eve@evil.example X-Injected: yes");
      expect([parsed.to ?? []].flat().flatMap((field) => field.value)).toEqual([
        { name: "Alice Bcc: eve@evil.example X-Injected: yes", address: "alice@example.com" },
      ]);
    }
  });
});
