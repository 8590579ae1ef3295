import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOAuthStateSigner, OAUTH_STATE_TTL_MS } from "./oauth-state.js";

describe("the OAuth state of a connect flow", () => {
  const key = randomBytes(32);
  const start = new Date("2026-11-23T12:00:00.000Z");

  it("carries the workspace and the kind back to the callback, with its nonce and expiry", () => {
    const signer = createOAuthStateSigner(key, () => start);
    expect(signer.verify(signer.sign({ workspaceId: "w1", kind: "gmail" }), "gmail")).toEqual({
      ok: true,
      claims: {
        workspaceId: "w1",
        kind: "gmail",
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/u),
        expiresAtMs: start.getTime() + OAUTH_STATE_TTL_MS,
        fromDashboard: false,
      },
    });
  });

  it("remembers that a flow began in the dashboard, so that its callback goes back there", () => {
    const signer = createOAuthStateSigner(key, () => start);
    const verified = signer.verify(signer.sign({ workspaceId: "w1", kind: "outlook", fromDashboard: true }), "outlook");
    expect(verified.ok && verified.claims.fromDashboard).toBe(true);
  });

  it("derives a PKCE pair (S256) and a browser binding per nonce, from the key: the same on every instance", () => {
    const signer = createOAuthStateSigner(key, () => start);
    const twin = createOAuthStateSigner(key, () => start);
    const { verifier, challenge } = signer.pkce("nonce-1");
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/u);
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    expect(twin.pkce("nonce-1")).toEqual({ verifier, challenge });
    expect(signer.pkce("nonce-2").verifier).not.toBe(verifier);
    expect(signer.browserBinding("nonce-1")).toBe(twin.browserBinding("nonce-1"));
    expect(signer.browserBinding("nonce-1")).not.toBe(signer.browserBinding("nonce-2"));
    expect(createOAuthStateSigner(randomBytes(32)).pkce("nonce-1").verifier).not.toBe(verifier);
  });

  it("is different every time, so two consents never share a state", () => {
    const signer = createOAuthStateSigner(key, () => start);
    expect(signer.sign({ workspaceId: "w1", kind: "gmail" })).not.toBe(
      signer.sign({ workspaceId: "w1", kind: "gmail" }),
    );
  });

  it("refuses a state altered in the browser, one signed under another key, and one for the other provider", () => {
    const signer = createOAuthStateSigner(key, () => start);
    const state = signer.sign({ workspaceId: "w1", kind: "gmail" });
    const [payload, signature] = state.split(".") as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), w: "w2" }),
    ).toString("base64url");
    expect(signer.verify(`${forged}.${signature}`, "gmail")).toEqual({
      ok: false,
      reason: "the state parameter was not issued by this server",
    });
    expect(createOAuthStateSigner(randomBytes(32), () => start).verify(state, "gmail")).toEqual({
      ok: false,
      reason: "the state parameter was not issued by this server",
    });
    expect(signer.verify(state, "outlook")).toEqual({
      ok: false,
      reason: "the state parameter is for a gmail connection, not outlook",
    });
    expect(signer.verify("not-a-state", "gmail")).toEqual({ ok: false, reason: "the state parameter is malformed" });
  });

  it(`expires ${OAUTH_STATE_TTL_MS / 60_000} minutes after it was issued`, () => {
    let now = start;
    const signer = createOAuthStateSigner(key, () => now);
    const state = signer.sign({ workspaceId: "w1", kind: "outlook" });
    now = new Date(start.getTime() + OAUTH_STATE_TTL_MS);
    expect(signer.verify(state, "outlook").ok).toBe(true);
    now = new Date(start.getTime() + OAUTH_STATE_TTL_MS + 1);
    expect(signer.verify(state, "outlook")).toEqual({
      ok: false,
      reason: "the consent link has expired; start the connection again",
    });
  });
});
