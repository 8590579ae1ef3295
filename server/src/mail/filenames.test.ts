import { describe, expect, it } from "vitest";
import { safeFilename } from "./filenames.js";

describe("a file name made safe to save", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["Übersicht 日本語.pdf", "Übersicht 日本語.pdf"],
    ["../../.bashrc", ".bashrc"],
    ["/etc/passwd", "passwd"],
    ["C:\\Windows\\System32\\evil.dll", "evil.dll"],
    ["a/b\\c.txt", "c.txt"],
    ["x\r\n.txt", "x.txt"],
    ["nul\u0000byte.txt", "nulbyte.txt"],
    ["invoice\u202efdp.exe", "invoicefdp.exe"],
    ["\u2067isolate\u2069.pdf", "isolate.pdf"],
    ["zero\u200bwidth\ufeff.txt", "zerowidth.txt"],
    ["..", "attachment"],
    ["../..", "attachment"],
    [".", "attachment"],
    ["///", "attachment"],
    ["\u202e", "attachment"],
    ["  spaced.txt  ", "spaced.txt"],
  ])("%j -> %j", (given, safe) => {
    expect(safeFilename(given)).toBe(safe);
  });
});
