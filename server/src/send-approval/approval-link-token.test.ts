import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { APPROVAL_LINK_LIFETIME_MS, openApprovalLink, signApprovalLink } from "./approval-link-token.js";

const secret = randomBytes(32);
const now = Date.UTC(2026, 11, 5, 12);
const claim = { workspaceId: "ws_1", holdId: "hold_abc", expiresAtMs: now + APPROVAL_LINK_LIFETIME_MS };

describe("approval link token", () => {
  it("opens to the workspace, hold and expiry it was signed for, and is URL-safe", () => {
    const token = signApprovalLink(secret, claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(openApprovalLink(secret, token, now)).toEqual({ ok: true, claim });
  });

  it("refuses a token whose payload was changed as tampered", () => {
    const [, signature] = signApprovalLink(secret, claim).split(".");
    const other = Buffer.from(JSON.stringify(["ws_1", "hold_other", claim.expiresAtMs])).toString("base64url");
    expect(openApprovalLink(secret, `${other}.${signature}`, now)).toEqual({ ok: false, problem: "tampered" });
  });

  it("refuses a token signed under another secret as tampered", () => {
    const token = signApprovalLink(randomBytes(32), claim);
    expect(openApprovalLink(secret, token, now)).toEqual({ ok: false, problem: "tampered" });
  });

  it("refuses a token past its expiry as expired", () => {
    const token = signApprovalLink(secret, claim);
    expect(openApprovalLink(secret, token, claim.expiresAtMs)).toEqual({ ok: false, problem: "expired" });
  });

  it.each([undefined, "", "abc", "a.b.c", "not base64!.x"])("refuses %j as malformed", (token) => {
    expect(openApprovalLink(secret, token, now)).toEqual({ ok: false, problem: "malformed" });
  });
});
