import { describe, expect, it } from "vitest";
import { retryAfterSeconds } from "./retry-after.js";

const now = new Date("1994-11-06T08:49:00.400Z");

describe("Retry-After (RFC 9110 §10.2.3)", () => {
  it("reads delay-seconds as they are", () => {
    expect(retryAfterSeconds("0", now)).toBe(0);
    expect(retryAfterSeconds("120", now)).toBe(120);
    expect(retryAfterSeconds(" 7 ", now)).toBe(7);
  });

  it("reads an HTTP-date in each of its three forms as the whole seconds from now until then", () => {
    for (const date of ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
      expect(retryAfterSeconds(date, now), date).toBe(37);
    expect(retryAfterSeconds("Thu, 01 Dec 1994 16:00:00 GMT", now)).toBe(2_185_860);
  });

  it("waits nothing for a date already past", () => {
    expect(retryAfterSeconds("Sun, 06 Nov 1994 08:00:00 GMT", now)).toBe(0);
  });

  it("takes a two-digit year more than 50 years ahead as the last century's", () => {
    const in2026 = new Date("2026-01-01T00:00:00Z");
    expect(retryAfterSeconds("Thursday, 01-Jan-26 00:01:00 GMT", in2026)).toBe(60);
    expect(retryAfterSeconds("Sunday, 01-Jan-77 00:00:00 GMT", in2026)).toBe(0);
  });

  it("counts a leap second as the second after it", () => {
    expect(retryAfterSeconds("Sat, 31 Dec 2016 23:59:60 GMT", new Date("2016-12-31T23:59:50Z"))).toBe(10);
  });

  it("gives undefined for a value that is neither form, so that the caller's default applies", () => {
    for (const value of [
      null,
      undefined,
      "",
      "-5",
      "1.5",
      "soon",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "2026-11-02T10:00:00Z",
    ])
      expect(retryAfterSeconds(value, now), String(value)).toBeUndefined();
  });
});
