// How the mail server's errors read in the failure taxonomy: imapflow marks each of its errors with a
// code or the server's response status; an error with neither is this server's own bug, left to the
// core to answer -32603 rather than blamed on the mail server.
import { describe, expect, it } from "vitest";
import { ConnectError } from "../provider-apps.js";
import { ImapAuthError } from "./imap-errors.js";
import { imapFailure } from "./imap-failure.js";

const settings = { password: "hunter2-secret" };
const kindOf = (error: unknown) => imapFailure(error, settings, "inbox-1")?.kind;
const serverError = (fields: Record<string, unknown>) => Object.assign(new Error("Command failed"), fields);

describe("imapFailure", () => {
  it("reads a refused login as auth, whether imapflow or the pool reports it", () => {
    expect(kindOf(serverError({ authenticationFailed: true }))).toBe("auth");
    expect(kindOf(new ImapAuthError("refused"))).toBe("auth");
  });

  it("reads a connection gone or a timeout as unavailable", () => {
    for (const code of ["NoConnection", "EConnectionClosed", "ECONNRESET", "ETIMEOUT", "GREETING_TIMEOUT"])
      expect(kindOf(serverError({ code }))).toBe("unavailable");
  });

  it("reads a throttle as rate_limited", () => {
    expect(kindOf(serverError({ code: "ETHROTTLE" }))).toBe("rate_limited");
  });

  it("reads a NO or BAD, an unreadable reply and a TLS failure as refused, in the server's words without the password", () => {
    const no = imapFailure(
      serverError({ responseStatus: "NO", responseText: "[OVERQUOTA] hunter2-secret over quota" }),
      settings,
      "inbox-1",
    );
    expect(no).toMatchObject({ kind: "refused" });
    expect(no?.detail).toContain("OVERQUOTA");
    expect(no?.detail).not.toContain("hunter2-secret");
    expect(kindOf(serverError({ code: "ParserError11" }))).toBe("refused");
    expect(kindOf(serverError({ code: "ERR_TLS_CERT_ALTNAME_INVALID" }))).toBe("refused");
  });

  it("reads this server's refusal to dial as refused, naming the inbox", () => {
    expect(imapFailure(new ConnectError("127.0.0.2 is not allowed"), settings, "inbox-1")).toMatchObject({
      kind: "refused",
      detail: "inbox inbox-1: 127.0.0.2 is not allowed",
    });
  });

  it("claims no error of this server's own (a TypeError, a plain Error)", () => {
    expect(imapFailure(new TypeError("cannot read properties of undefined"), settings, "inbox-1")).toBeUndefined();
    expect(imapFailure(new Error("a bug"), settings, "inbox-1")).toBeUndefined();
  });
});
