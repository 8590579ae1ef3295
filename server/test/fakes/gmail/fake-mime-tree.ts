// The MIME tree of a raw message as Gmail's messages.get format=full gives it (Schema$MessagePart):
// every part with its headers, multipart parts with their children, leaf bodies decoded, part ids
// "" (root), "0", "1", "0.1"... and, as Gmail does, the data of a part with a file name left behind
// an attachmentId. Hand-written: the MIME parser installed (mailparser) gives no tree, and the fake
// needs only what nodemailer and common clients write (boundaries, base64, quoted-printable).
import type { gmail_v1 } from "@googleapis/gmail";

export function mimeTree(raw: Buffer, messageId: string): gmail_v1.Schema$MessagePart {
  return part(raw, "", messageId);
}

function part(source: Buffer, partId: string, messageId: string): gmail_v1.Schema$MessagePart {
  const split =
    source.indexOf("\r\n\r\n") >= 0
      ? { at: source.indexOf("\r\n\r\n"), skip: 4 }
      : { at: source.indexOf("\n\n"), skip: 2 };
  const head = split.at < 0 ? source.toString("latin1") : source.subarray(0, split.at).toString("latin1");
  const body = split.at < 0 ? Buffer.alloc(0) : source.subarray(split.at + split.skip);
  const headers = head
    .replace(/\r?\n[ \t]+/gu, " ")
    .split(/\r?\n/u)
    .filter((line) => line.includes(":"))
    .map((line) => ({
      name: line.slice(0, line.indexOf(":")).trim(),
      value: line.slice(line.indexOf(":") + 1).trim(),
    }));
  const header = (name: string) => headers.find((entry) => entry.name.toLowerCase() === name)?.value ?? "";
  const contentType = header("content-type");
  const mimeType = (/^\s*([^;\s]+)/u.exec(contentType)?.[1] ?? "text/plain").toLowerCase();
  const filename = param(header("content-disposition"), "filename") ?? param(contentType, "name") ?? "";
  const boundary = param(contentType, "boundary");
  if (mimeType.startsWith("multipart/") && boundary !== undefined) {
    const children = splitBoundary(body, boundary).map((child, index) =>
      part(child, partId === "" ? String(index) : `${partId}.${index}`, messageId),
    );
    return { partId, mimeType, filename, headers, body: { size: 0 }, parts: children };
  }
  const data = decode(body, header("content-transfer-encoding").toLowerCase());
  const content =
    filename === ""
      ? { size: data.length, data: data.toString("base64url") }
      : { size: data.length, attachmentId: `${messageId}.${partId || "0"}` };
  return { partId, mimeType, filename, headers, body: content };
}

function param(value: string, name: string): string | undefined {
  return new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "iu")
    .exec(value)
    ?.slice(1)
    .find((entry) => entry !== undefined);
}

function splitBoundary(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString("latin1");
  const delimiter = new RegExp(
    `(?:^|\\r?\\n)--${boundary.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")}(--)?[ \\t]*(?:\\r?\\n|$)`,
    "gu",
  );
  const parts: Buffer[] = [];
  let start: number | undefined;
  for (const match of text.matchAll(delimiter)) {
    if (start !== undefined) parts.push(Buffer.from(text.slice(start, match.index), "latin1"));
    if (match[1] === "--") break;
    start = (match.index ?? 0) + match[0].length;
  }
  return parts;
}

function decode(body: Buffer, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.toString("latin1").replace(/\s+/gu, ""), "base64");
  if (encoding === "quoted-printable") {
    const text = body.toString("latin1").replace(/=\r?\n/gu, "");
    return Buffer.from(
      text.replace(/=([0-9A-F]{2})/giu, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    );
  }
  return body;
}
