import type { MessageStructureObject } from "imapflow";
import { describe, expect, it } from "vitest";
import { hasAttachments, sentDate, textPartOf, undoTransferEncoding } from "./imap-summary.js";

const leaf = (type: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({
  type,
  ...extra,
});
const multipart = (type: string, childNodes: MessageStructureObject[]): MessageStructureObject => ({
  type,
  childNodes,
});

describe("the text part a snippet comes from", () => {
  it("is part 1 of a message that is not multipart", () => {
    expect(
      textPartOf(leaf("text/plain", { parameters: { charset: "iso-8859-1" }, encoding: "quoted-printable" })),
    ).toEqual({ part: "1", html: false, charset: "iso-8859-1", encoding: "quoted-printable" });
  });

  it("is the text/plain of an alternative inside a mixed message, else its HTML, never an attached text file", () => {
    const mixed = multipart("multipart/mixed", [
      multipart("multipart/alternative", [leaf("text/plain", { part: "1.1" }), leaf("text/html", { part: "1.2" })]),
      leaf("text/plain", { part: "2", disposition: "attachment" }),
    ]);
    expect(textPartOf(mixed)?.part).toBe("1.1");
    const htmlOnly = multipart("multipart/mixed", [
      leaf("text/plain", { part: "1", disposition: "attachment" }),
      leaf("text/html", { part: "2" }),
    ]);
    expect(textPartOf(htmlOnly)).toMatchObject({ part: "2", html: true });
    expect(textPartOf(multipart("multipart/mixed", [leaf("image/png", { part: "1" })]))).toBeUndefined();
  });
});

describe("has_attachments from BODYSTRUCTURE", () => {
  it("counts parts marked attachment and non-text parts, not images of a multipart/related or inline parts with a Content-ID", () => {
    expect(hasAttachments(leaf("text/plain"))).toBe(false);
    expect(
      hasAttachments(
        multipart("multipart/mixed", [leaf("text/plain"), leaf("application/pdf", { disposition: "attachment" })]),
      ),
    ).toBe(true);
    expect(
      hasAttachments(
        multipart("multipart/mixed", [leaf("text/plain"), leaf("text/plain", { disposition: "attachment" })]),
      ),
    ).toBe(true);
    expect(hasAttachments(multipart("multipart/mixed", [leaf("text/plain"), leaf("message/rfc822")]))).toBe(true);
    expect(
      hasAttachments(multipart("multipart/related", [leaf("text/html"), leaf("image/png", { id: "<logo>" })])),
    ).toBe(false);
    expect(
      hasAttachments(
        multipart("multipart/mixed", [leaf("text/html"), leaf("image/png", { id: "<logo>", disposition: "inline" })]),
      ),
    ).toBe(false);
  });
});

describe("transfer decoding of a cut part (servers without BINARY)", () => {
  it("decodes base64 up to the last whole quantum", () => {
    const encoded = Buffer.from("Hello, wörld! A longer text.").toString("base64");
    expect(
      undoTransferEncoding(Buffer.from(`${encoded.slice(0, 10)}\r\n${encoded.slice(10, 17)}`), "base64").toString(
        "utf8",
      ),
    ).toBe("Hello, wörl");
  });

  it("decodes quoted-printable, soft line breaks and a cut escape included", () => {
    // The last "=C3" is whole but half a UTF-8 character: decoding shows U+FFFD, which the snippet drops.
    expect(
      undoTransferEncoding(Buffer.from("Caf=C3=A9 cr=\r\n=C3=A8me =C3"), "quoted-printable").toString("utf8"),
    ).toBe("Café crème \uFFFD");
    expect(undoTransferEncoding(Buffer.from("a=3Db=C"), "quoted-printable").toString("utf8")).toBe("a=b");
  });

  it("leaves 7bit and 8bit as they are", () => {
    expect(undoTransferEncoding(Buffer.from("plain"), "8bit").toString()).toBe("plain");
  });
});

describe("the date of a summary", () => {
  it("is the Date header, else the time received", () => {
    expect(sentDate(new Date("2026-01-05T09:00:00Z"), new Date("2026-01-06T00:00:00Z"))).toBe(
      "2026-01-05T09:00:00.000Z",
    );
    expect(sentDate("not a date", new Date("2026-01-06T00:00:00Z"))).toBe("2026-01-06T00:00:00.000Z");
  });
});
