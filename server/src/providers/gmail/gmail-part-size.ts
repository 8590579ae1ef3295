// The decoded size Gmail gives a part (format full: body.size, "number of bytes for the message part
// data (encoding notwithstanding)") for the MIME part number read_email made its attachment_id.
// Gmail numbers a multipart's children from 0 under a root "" ("0", "1.0"); MIME part numbers, as
// IMAP and the parser write them, from 1 ("1", "2.1"). Only a leaf answers: anything else (a part
// Gmail numbers otherwise, a single-part message) is left to the check after the download.
import type { gmail_v1 } from "@googleapis/gmail";

export function partSize(payload: gmail_v1.Schema$MessagePart, attachmentId: string): number | undefined {
  if (!/^[1-9]\d{0,5}(?:\.[1-9]\d{0,5})*$/u.test(attachmentId)) return undefined;
  const gmailId = attachmentId
    .split(".")
    .map((number) => String(Number(number) - 1))
    .join(".");
  const found = findPart(payload, gmailId);
  if (found === undefined || (found.parts ?? []).length > 0) return undefined;
  return found.body?.size ?? undefined;
}

function findPart(part: gmail_v1.Schema$MessagePart, partId: string): gmail_v1.Schema$MessagePart | undefined {
  if (part.partId === partId) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, partId);
    if (found !== undefined) return found;
  }
  return undefined;
}
