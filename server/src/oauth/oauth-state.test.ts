import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOAuthStateSigner, OAUTH_STATE_TTL_MS } from "./oauth-state.js";

describe("the OAuth state of a connect flow", () => {
  const key = randomBytes(32);
  const start = new Date("2026-11-23T12:00:00.000Z");

  it("carries the workspace and the kind back to the callback", () => {
    const signer = createOAuthStateSigner(key, () => start);
    expect(signer.verify(signer.sign({ workspaceId: "w1", kind: "gmail" }), "gmail")).toEqual({
      ok: true,
      claims: { workspaceId: "w1", kind: "gmail" },
    });
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
