import { describe, expect, it } from "vitest";
import { withCrlfLineEnds } from "./imap-crlf.js";

describe("withCrlfLineEnds", () => {
  it("turns bare LFs and bare CRs into CRLF", () => {
    expect(withCrlfLineEnds("Subject: x\n\nline one\nline two\rline three\n")).toBe(
      "Subject: x\r\n\r\nline one\r\nline two\r\nline three\r\n",
    );
  });

  it("leaves CRLF as it is, never doubling it", () => {
    const raw = "Subject: x\r\n\r\nbody\r\n\r\n";
    expect(withCrlfLineEnds(raw)).toBe(raw);
  });
});
