// One rule for the Message-ID of a message this server composes (RFC 5322 §3.6.4): a random left
// part, the sending address's domain on the right, so that it is unique and says where it came from;
// a service may still replace it (Exchange does), and the providers read the stored one back.
import { randomUUID } from "node:crypto";

export function newMessageId(fromAddress: string, fallbackDomain: string): string {
  const at = fromAddress.lastIndexOf("@");
  const domain = at >= 0 && at < fromAddress.length - 1 ? fromAddress.slice(at + 1) : fallbackDomain;
  return `<${randomUUID()}@${domain.toLowerCase()}>`;
}
