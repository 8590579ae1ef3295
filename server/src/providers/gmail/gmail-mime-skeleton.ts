// A message's MIME structure from Gmail's format=full payload, as a raw message again: every part's
// own headers, multipart parts joined by their boundaries, text bodies (Gmail gives their data) in
// base64, attachment bodies (Gmail leaves them behind an attachmentId) empty. Parsed by the same
// parser as read_email's raw source, it says the same about addresses, subject, dates and whether
// the message has attachments, so a listed summary and a read agree by construction.
import type { gmail_v1 } from "@googleapis/gmail";

export function mimeSkeleton(payload: gmail_v1.Schema$MessagePart): Buffer {
  return Buffer.from(partSource(payload), "utf8");
}

function partSource(part: gmail_v1.Schema$MessagePart): string {
  const headers = part.headers ?? [];
  const contentType = headers.find((header) => header.name?.toLowerCase() === "content-type")?.value ?? "";
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))/iu
    .exec(contentType)
    ?.slice(1)
    .find((value) => value !== undefined);
  const children = part.parts ?? [];
  if (boundary !== undefined && children.length > 0) {
    const head = headerBlock(headers);
    return `${head}\r\n\r\n${children.map((child) => `--${boundary}\r\n${partSource(child)}\r\n`).join("")}--${boundary}--\r\n`;
  }
  // The data Gmail gives is decoded: it goes back in base64 whatever the source's transfer encoding was.
  const kept = headers.filter((header) => header.name?.toLowerCase() !== "content-transfer-encoding");
  const data = Buffer.from(part.body?.data ?? "", "base64url").toString("base64");
  const head = headerBlock([...kept, { name: "Content-Transfer-Encoding", value: "base64" }]);
  return `${head}\r\n\r\n${data.replace(/.{1,76}/gu, "$&\r\n")}`;
}

function headerBlock(headers: readonly gmail_v1.Schema$MessagePartHeader[]): string {
  return headers.map((header) => `${header.name ?? ""}: ${header.value ?? ""}`).join("\r\n");
}
