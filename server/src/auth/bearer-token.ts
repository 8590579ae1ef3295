// Comparing a Bearer credential with an operator's token: digests of both, so that neither the
// token's length nor a matching prefix shows in the time the comparison takes.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

export function bearerMatches(expected: string, authorization: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)$/iu.exec(authorization ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}
