// Comparing a Bearer credential with an operator's token: digests of both, so that neither the
// token's length nor a matching prefix shows in the time the comparison takes.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether two secrets are equal, compared as digests in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function bearerMatches(expected: string, authorization: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)$/iu.exec(authorization ?? "")?.[1];
  return given !== undefined && sameSecret(given, expected);
}
