// The token in the approval link emailed to a workspace's owners: it names the workspace, the hold and
// an expiry, signed (HMAC-SHA256 under a key derived from the server's secret) so that the link page
// needs no session and nobody can point it at another hold. Once-only comes from decideSendHold.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export interface ApprovalLinkClaim {
  workspaceId: string;
  holdId: string;
  expiresAtMs: number;
}

export type ApprovalLinkProblem = "malformed" | "tampered" | "expired";

export type OpenedApprovalLink = { ok: true; claim: ApprovalLinkClaim } | { ok: false; problem: ApprovalLinkProblem };

/** Time enough for an owner to read the mail and decide. */
export const APPROVAL_LINK_LIFETIME_MS = 72 * 60 * 60 * 1000;

const signingKey = (secretKey: Buffer) =>
  Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "mcpemails send approval link v1", 32));

const mac = (secretKey: Buffer, payload: string) =>
  createHmac("sha256", signingKey(secretKey)).update(payload).digest();

export function signApprovalLink(secretKey: Buffer, claim: ApprovalLinkClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.workspaceId, claim.holdId, claim.expiresAtMs])).toString(
    "base64url",
  );
  return `${payload}.${mac(secretKey, payload).toString("base64url")}`;
}

const isClaimTuple = (value: unknown): value is [string, string, number] =>
  Array.isArray(value) &&
  value.length === 3 &&
  typeof value[0] === "string" &&
  typeof value[1] === "string" &&
  typeof value[2] === "number";

export function openApprovalLink(secretKey: Buffer, token: unknown, nowMs: number): OpenedApprovalLink {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    return { ok: false, problem: "malformed" };
  const [payload = "", signature = ""] = token.split(".");
  const expected = mac(secretKey, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: "tampered" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, problem: "malformed" };
  }
  if (!isClaimTuple(decoded)) return { ok: false, problem: "malformed" };
  const [workspaceId, holdId, expiresAtMs] = decoded;
  if (expiresAtMs <= nowMs) return { ok: false, problem: "expired" };
  return { ok: true, claim: { workspaceId, holdId, expiresAtMs } };
}
