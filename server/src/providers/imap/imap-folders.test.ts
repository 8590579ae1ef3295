import { describe, expect, it } from "vitest";
import type { ListResponse } from "imapflow";
import { folderMap } from "./imap-folders.js";

function listed(path: string, flags: string[] = [], specialUse?: string): ListResponse {
  return {
    path,
    pathAsListed: path,
    name: path,
    delimiter: ".",
    flags: new Set(flags),
    listed: true,
    ...(specialUse === undefined ? {} : { specialUse, specialUseSource: "extension" }),
  } as unknown as ListResponse;
}

describe("folderMap", () => {
  it("takes the folder the server marks with SPECIAL-USE over any name", () => {
    const map = folderMap([listed("INBOX"), listed("Sent"), listed("Outbox copies", ["\\Sent"], "\\Sent")]);
    expect(map.pathOf("SENT")).toBe("Outbox copies");
  });

  it("finds the usual names under the personal namespace's prefix on a server without SPECIAL-USE", () => {
    const map = folderMap([listed("INBOX.Sent Items"), listed("INBOX.Deleted Messages"), listed("INBOX.Drafts")], {
      prefix: "INBOX.",
    });
    expect([map.pathOf("SENT"), map.pathOf("TRASH"), map.pathOf("DRAFTS")]).toEqual([
      "INBOX.Sent Items",
      "INBOX.Deleted Messages",
      "INBOX.Drafts",
    ]);
    expect(map.nameOf("INBOX.Sent Items")).toBe("SENT");
  });

  it("finds them under another prefix the server's NAMESPACE names", () => {
    const map = folderMap([listed("Mail/Sent Messages")], { prefix: "Mail/" });
    expect(map.pathOf("SENT")).toBe("Mail/Sent Messages");
  });

  it("counts INBOX among the folders when a listing under the prefix leaves it out", () => {
    const map = folderMap([listed("INBOX.Sent")], { prefix: "INBOX." });
    expect(map.selectable).toEqual(["INBOX", "INBOX.Sent"]);
    expect(map.resolve("inbox")).toBe("INBOX");
  });

  it("has no Sent folder when none is marked or named as usual", () => {
    expect(folderMap([listed("INBOX"), listed("INBOX.Receipts")], { prefix: "INBOX." }).pathOf("SENT")).toBeUndefined();
  });
});
