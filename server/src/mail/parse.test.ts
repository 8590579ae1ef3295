import { describe, expect, it } from "vitest";
import { outputValidators } from "@mcpemails/generated";
import { composeMessage, type ComposeInput } from "./compose.js";
import {
  BODY_HTML_MAX_LENGTH,
  BODY_TEXT_MAX_LENGTH,
  parseMessage,
  snippetOf,
  truncateCodePoints,
  truncateHtml,
  type ParsedMessage,
} from "./parse.js";

const metadataOnly = { includeHtml: false, includeAttachments: false };
const everything = { includeHtml: true, includeAttachments: true };

const quarterlyReport: ComposeInput = {
  from: { name: "Alice Martin", address: "alice@example.com" },
  to: [{ name: null, address: "agent@example.org" }],
  cc: [{ name: "Carol", address: "carol@example.net" }],
  replyTo: { name: null, address: "finance@example.com" },
  subject: "Re: Quarterly report",
  text: "Hi,\n\nthe Q3 figures are attached.   Could you check the totals by Friday?\n\nAlice\n",
  html: '<p>Hi,</p><p>the Q3 figures are attached.</p><img src="cid:chart@example.com"><img src="https://track.example.net/open.gif" width="1" height="1"><script>steal()</script>',
  attachments: [
    {
      filename: "chart.png",
      contentType: "image/png",
      content: Buffer.from("PNG-BYTES"),
      contentId: "chart@example.com",
    },
    { filename: "q3.pdf", contentType: "application/pdf", content: Buffer.from("%PDF-1.4 q3 figures") },
  ],
  messageId: "<q3-2@mail.example.com>",
  date: new Date("2026-11-20T09:14:03.000Z"),
  inReplyTo: "<q3-1@example.org>",
  references: ["<q3-0@mail.example.com>", "<q3-1@example.org>"],
};

async function parsedReport(options = metadataOnly): Promise<ParsedMessage> {
  return parseMessage((await composeMessage(quarterlyReport)).raw, options);
}

/** A parsed message with what the provider adds, checked against read_email's output schema. */
function expectValidReadOutput(parsed: ParsedMessage): void {
  const output = {
    ...parsed,
    id: "m1",
    thread_id: "t1",
    folder: "INBOX",
    unread: true,
    date: parsed.date ?? "2026-01-01T00:00:00.000Z",
  };
  const check = outputValidators.read_email(output);
  expect(check.ok ? "valid" : check.problem).toBe("valid");
}

describe("parseMessage: headers", () => {
  it("gives addresses as {name, address}, the threading headers and the date", async () => {
    const parsed = await parsedReport();
    expect(parsed).toMatchObject({
      rfc822_message_id: "<q3-2@mail.example.com>",
      from: { name: "Alice Martin", address: "alice@example.com" },
      to: [{ name: null, address: "agent@example.org" }],
      cc: [{ name: "Carol", address: "carol@example.net" }],
      bcc: [],
      reply_to: [{ name: null, address: "finance@example.com" }],
      subject: "Re: Quarterly report",
      date: "2026-11-20T09:14:03.000Z",
      in_reply_to: "<q3-1@example.org>",
      references: ["<q3-0@mail.example.com>", "<q3-1@example.org>"],
    });
    expectValidReadOutput(parsed);
  });

  it("flattens address groups and copes with missing headers", async () => {
    const raw =
      'To: Team: a@example.com, "D, E" <d@example.com>;\r\nCc: undisclosed-recipients:;\r\nReferences: <only@x>\r\n\r\nhello\r\n';
    const parsed = await parseMessage(raw, metadataOnly);
    expect(parsed).toMatchObject({
      from: null,
      to: [
        { name: null, address: "a@example.com" },
        { name: "D, E", address: "d@example.com" },
      ],
      cc: [],
      subject: "",
      date: null,
      rfc822_message_id: null,
      in_reply_to: null,
      references: ["<only@x>"],
      body_text: "hello\n",
      size_bytes: raw.length,
    });
  });

  it("shows Bcc where the source has it (the sender's own copy)", async () => {
    const { rawWithBcc } = await composeMessage({
      ...quarterlyReport,
      bcc: [{ name: null, address: "boss@example.com" }],
    });
    expect((await parseMessage(rawWithBcc, metadataOnly)).bcc).toEqual([{ name: null, address: "boss@example.com" }]);
  });
});

describe("parseMessage: bodies", () => {
  it("takes body_text from the text part, and a whitespace-collapsed snippet from it", async () => {
    const parsed = await parsedReport();
    expect(parsed.body_text).toBe(quarterlyReport.text);
    expect(parsed.body_truncated).toBe(false);
    expect(parsed.snippet).toBe("Hi, the Q3 figures are attached. Could you check the totals by Friday? Alice");
  });

  it("derives body_text from the HTML when there is no text part", async () => {
    const raw =
      "From: news@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<h1>Weekly digest</h1><p>Three <b>new</b> articles.</p>\r\n";
    const parsed = await parseMessage(raw, { includeHtml: true, includeAttachments: false });
    expect(parsed.body_text).toContain("Three new articles.");
    expect(parsed.body_text).toMatch(/weekly digest/iu);
    expect(parsed.body_html).toBe("<h1>Weekly digest</h1><p>Three <b>new</b> articles.</p>\n");
  });

  it("gives body_text as Markdown of the sanitized HTML with bodyFormat markdown, the snippet still from the text", async () => {
    const raw =
      "From: news@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<h1>Weekly digest</h1><p>Three <b>new</b> articles.<script>x()</script></p>\r\n";
    const parsed = await parseMessage(raw, { ...metadataOnly, bodyFormat: "markdown" });
    expect(parsed.body_text).toBe("# Weekly digest\n\nThree **new** articles.");
    expect(parsed.snippet).toMatch(/^WEEKLY DIGEST Three new articles\.$/iu);
  });

  it("leaves the quoted earlier message out of body_text with stripQuoted, in a text part and in derived text", async () => {
    const textPart =
      "From: bob@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYes.\r\n\r\nOn Mon, Alice wrote:\r\n> Lunch?\r\n";
    expect((await parseMessage(textPart, { ...metadataOnly, stripQuoted: true })).body_text).toBe("Yes.");
    const htmlOnly =
      'From: bob@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Yes.</p><blockquote type="cite">Lunch?</blockquote>\r\n';
    const stripped = await parseMessage(htmlOnly, { ...metadataOnly, stripQuoted: true });
    expect(stripped.body_text.trim()).toBe("Yes.");
    expect(stripped.snippet).toBe("Yes. > Lunch?");
  });

  it("derives body_text from the HTML of an HTML-only message with embedded images too", async () => {
    const { raw } = await composeMessage({
      ...quarterlyReport,
      text: undefined,
      attachments: quarterlyReport.attachments?.slice(0, 1),
    });
    expect(raw).toMatch(/multipart\/related/u);
    const parsed = await parseMessage(raw, metadataOnly);
    expect(parsed.body_text).toContain("the Q3 figures are attached.");
    expect(parsed.body_text).not.toContain("steal()");
    expect(parsed.snippet).toMatch(/^Hi, the Q3 figures are attached\./u);
  });

  it("leaves out body_html unless asked, and gives it sanitized when asked", async () => {
    const withoutHtml = await parsedReport();
    expect(withoutHtml).not.toHaveProperty("body_html");
    expect(withoutHtml).not.toHaveProperty("body_html_truncated");
    const withHtml = await parsedReport(everything);
    expect(withHtml.body_html).toBe('<p>Hi,</p><p>the Q3 figures are attached.</p><img src="cid:chart@example.com" />');
    expect(withHtml.body_html_truncated).toBe(false);
  });

  it("gives body_html null when the message has no HTML part", async () => {
    const { raw } = await composeMessage({ ...quarterlyReport, html: undefined, attachments: [] });
    expect(await parseMessage(raw, everything)).toMatchObject({ body_html: null, body_html_truncated: false });
  });

  it("cuts body_text at the schema's length in code points, and says so", async () => {
    const text = `${"a".repeat(BODY_TEXT_MAX_LENGTH - 1)}😀😀 tail`;
    const { raw } = await composeMessage({ ...quarterlyReport, text, html: undefined, attachments: [] });
    const parsed = await parseMessage(raw, metadataOnly);
    expect(parsed.body_truncated).toBe(true);
    expect(parsed.body_text).toBe(`${"a".repeat(BODY_TEXT_MAX_LENGTH - 1)}😀`);
    expect(parsed.snippet).toHaveLength(200);
    expectValidReadOutput(parsed);
  });

  it("cuts body_html at the schema's length, never inside a tag", async () => {
    const html = `<p>${"x".repeat(BODY_HTML_MAX_LENGTH - 10)}<a href="https://example.com/a-long-link">link</a></p>`;
    const { raw } = await composeMessage({ ...quarterlyReport, html, attachments: [] });
    const parsed = await parseMessage(raw, { includeHtml: true, includeAttachments: false });
    expect(parsed.body_html_truncated).toBe(true);
    expect(parsed.body_html).toBe(`<p>${"x".repeat(BODY_HTML_MAX_LENGTH - 10)}`);
    expectValidReadOutput(parsed);
  });
});

describe("parseMessage: attachments", () => {
  it("always describes attachments, without data unless asked", async () => {
    const parsed = await parsedReport();
    expect(parsed.attachments).toEqual([
      {
        attachment_id: "1.2.2",
        filename: "chart.png",
        mime_type: "image/png",
        size_bytes: 9,
        inline: true,
        content_id: "chart@example.com",
      },
      {
        attachment_id: "2",
        filename: "q3.pdf",
        mime_type: "application/pdf",
        size_bytes: 19,
        inline: false,
        content_id: null,
      },
    ]);
    expect(parsed.has_attachments).toBe(true);
  });

  it("gives the data in base64 when asked", async () => {
    const parsed = await parsedReport(everything);
    expect(parsed.attachments.map((attachment) => attachment.data)).toEqual([
      Buffer.from("PNG-BYTES").toString("base64"),
      Buffer.from("%PDF-1.4 q3 figures").toString("base64"),
    ]);
    expectValidReadOutput(parsed);
  });

  it("stops giving data at the read cap: that attachment and every later one get data null", async () => {
    const { raw } = await composeMessage({
      ...quarterlyReport,
      attachments: [10, 20, 5].map((size, index) => ({
        filename: `f${index}.bin`,
        contentType: "application/octet-stream",
        content: Buffer.alloc(size),
      })),
    });
    const parsed = await parseMessage(raw, { ...everything, attachmentDataCapBytes: 25 });
    expect(
      parsed.attachments.map((attachment) => [attachment.size_bytes, attachment.data === null ? null : "data"]),
    ).toEqual([
      [10, "data"],
      [20, null],
      [5, null],
    ]);
  });

  it("gives a stranger's file names made safe to save: no path, no bidi override, never ..", async () => {
    const part = (name: string) =>
      [
        "--b",
        `Content-Type: application/octet-stream; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        "Content-Transfer-Encoding: base64",
        "",
        "aGk=",
      ].join("\r\n");
    const raw = [
      "From: stranger@example.net",
      "Subject: files",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain",
      "",
      "see attached",
      part("../../.ssh/authorized_keys"),
      // A quoted-string: each backslash is written as a quoted pair.
      part("C:\\\\Windows\\\\evil.dll"),
      part("invoice\u202efdp.exe"),
      part(".."),
      "--b--",
      "",
    ].join("\r\n");
    const parsed = await parseMessage(raw, metadataOnly);
    expect(parsed.attachments.map((attachment) => attachment.filename)).toEqual([
      "authorized_keys",
      "evil.dll",
      "invoicefdp.exe",
      "attachment",
    ]);
  });

  it("has_attachments is false when the only attachments are inline images", async () => {
    const { raw } = await composeMessage({ ...quarterlyReport, attachments: quarterlyReport.attachments?.slice(0, 1) });
    expect((await parseMessage(raw, metadataOnly)).has_attachments).toBe(false);
  });
});

describe("truncation helpers", () => {
  it("truncateCodePoints never splits a surrogate pair", () => {
    expect(truncateCodePoints("ab😀c", 3)).toEqual({ text: "ab😀", truncated: true });
    expect(truncateCodePoints("😀😀", 2)).toEqual({ text: "😀😀", truncated: false });
    expect(truncateCodePoints("abc", 3)).toEqual({ text: "abc", truncated: false });
  });

  it("truncateHtml drops a half tag or half a character reference at the end", () => {
    expect(truncateHtml("<p>ab<b>cd</b></p>", 7)).toEqual({ text: "<p>ab", truncated: true });
    expect(truncateHtml("<p>a &amp; b</p>", 7)).toEqual({ text: "<p>a ", truncated: true });
    expect(truncateHtml("<p>a &amp; b</p>", 11)).toEqual({ text: "<p>a &amp; ", truncated: true });
  });

  it("snippetOf collapses whitespace and keeps at most 200 code points", () => {
    expect(snippetOf("  Hello\n\n  world\t!  ")).toBe("Hello world !");
    expect([...snippetOf("é".repeat(300))]).toHaveLength(200);
  });
});
