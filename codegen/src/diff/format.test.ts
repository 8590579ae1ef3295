// How changes are printed: one line each, BREAKING or ok in a fixed-width column, then a count.
import { describe, expect, it } from "vitest";
import { breakingChange, compatibleChange } from "./change.js";
import { formatChangesAsJson, formatChangesAsText } from "./format.js";

const changes = [
  breakingChange("tools.send_email.input.attachments[].filename.max_length", "input bound tightened", {
    before: 255,
    after: 100,
  }),
  breakingChange("tools.search_emails", "tool removed"),
  compatibleChange("tools.list_inbox.input.has_attachments", "new optional input parameter"),
  compatibleChange("tools.send_email.input.body.max_length", "input bound loosened", {
    before: 1000,
    after: undefined,
  }),
  compatibleChange("tools.read_email.description", "text changed", {
    before: "Fetch the full content of one email by id: headers, plain-text body and more",
    after: "Fetch one email.",
  }),
];

describe("text output", () => {
  it("prints one line per change, old -> new where there is a value, and a summary line", () => {
    expect(formatChangesAsText(changes, "origin/main")).toBe(
      [
        "BREAKING  tools.send_email.input.attachments[].filename.max_length: input bound tightened, 255 -> 100",
        "BREAKING  tools.search_emails: tool removed",
        "ok        tools.list_inbox.input.has_attachments: new optional input parameter",
        "ok        tools.send_email.input.body.max_length: input bound loosened, 1000 -> (none)",
        'ok        tools.read_email.description: text changed, "Fetch the full content of one email by id: headers, plain-… -> "Fetch one email."',
        "2 breaking, 3 non-breaking changes against origin/main",
        "",
      ].join("\n"),
    );
  });

  it("still prints the summary when nothing changed", () => {
    expect(formatChangesAsText([], "v1.0.0")).toBe("0 breaking, 0 non-breaking changes against v1.0.0\n");
  });
});

describe("JSON output", () => {
  it("gives the counts and every change with its values", () => {
    const parsed: unknown = JSON.parse(formatChangesAsJson(changes.slice(0, 3), "HEAD~1"));
    expect(parsed).toEqual({
      against: "HEAD~1",
      breaking: 2,
      nonBreaking: 1,
      changes: [
        {
          path: "tools.send_email.input.attachments[].filename.max_length",
          breaking: true,
          summary: "input bound tightened",
          before: 255,
          after: 100,
        },
        { path: "tools.search_emails", breaking: true, summary: "tool removed" },
        { path: "tools.list_inbox.input.has_attachments", breaking: false, summary: "new optional input parameter" },
      ],
    });
  });
});
