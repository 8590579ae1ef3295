import { describe, expect, it } from "vitest";
import { LIMITS } from "@mcpemails/generated";
import { checkAttachmentSize, decodedBase64Length, totalAttachmentBytes } from "./attachments.js";

function base64OfBytes(count: number): string {
  return Buffer.alloc(count, 0xab).toString("base64");
}

describe("decodedBase64Length", () => {
  it("agrees with Buffer for every length and both paddings", () => {
    for (let bytes = 0; bytes < 64; bytes++) {
      const padded = base64OfBytes(bytes);
      const unpadded = padded.replace(/=+$/u, "");
      expect(decodedBase64Length(padded), padded).toBe(bytes);
      expect(decodedBase64Length(unpadded), unpadded).toBe(bytes);
      expect(decodedBase64Length(padded)).toBe(Buffer.from(padded, "base64").length);
    }
  });
});

describe("checkAttachmentSize", () => {
  const limit = LIMITS.attachments_max_total_bytes;

  it("sums the decoded sizes of all attachments", () => {
    expect(totalAttachmentBytes([{ data: "aGk=" }, { data: base64OfBytes(1000) }])).toBe(1002);
  });

  it("lets exactly the limit through", () => {
    expect(checkAttachmentSize([{ data: base64OfBytes(limit - 1) }, { data: "AA==" }])).toBeUndefined();
  });

  it("refuses one byte more with attachment_too_large, giving both numbers", () => {
    const refused = checkAttachmentSize([{ data: base64OfBytes(limit - 1) }, { data: "AAA=" }]);
    expect(refused).toMatchObject({
      isError: true,
      errorCode: "attachment_too_large",
      totalBytes: limit + 1,
      limitBytes: limit,
    });
    expect(refused?.content[0].text).toBe(
      `Attachments total ${limit + 1} bytes; the limit is ${limit} bytes. Nothing was sent.`,
    );
  });

  it("takes another limit when given one", () => {
    expect(checkAttachmentSize([{ data: "aGVsbG8=" }], 4)).toMatchObject({ totalBytes: 5, limitBytes: 4 });
  });
});
