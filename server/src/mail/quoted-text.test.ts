// strip_quoted on a plain-text body: the quoted earlier message goes, the reply's own words stay.
import { describe, expect, it } from "vitest";
import { withoutQuotedText } from "./quoted-text.js";

describe("withoutQuotedText", () => {
  it("drops the trailing quoted block and the attribution line before it", () => {
    const text =
      "Sounds good, see you then.\n\nOn Mon, 5 Oct 2026 at 10:00, Alice <a@x.test> wrote:\n> Lunch on Friday?\n>\n> Alice\n";
    expect(withoutQuotedText(text)).toBe("Sounds good, see you then.");
  });

  it("knows the attribution lines of other languages", () => {
    expect(withoutQuotedText("Ja.\n\nAm 5. Okt. 2026 schrieb Alice:\n> Mittag?")).toBe("Ja.");
    expect(withoutQuotedText("Oui.\n\nLe 5 oct. 2026, Alice a écrit :\n> Déjeuner ?")).toBe("Oui.");
  });

  it("drops Outlook's Original Message separator and its header block with everything after them", () => {
    expect(withoutQuotedText("Done.\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\n\nPlease do it.")).toBe(
      "Done.",
    );
    expect(
      withoutQuotedText("Done.\n\n________________________________\nFrom: Bob <b@x.test>\nSent: Monday\nPlease."),
    ).toBe("Done.");
  });

  it("keeps quotes interleaved with the reply's own text: they are part of what it says", () => {
    const text = "> Can you make Friday?\nYes, at noon.\n> And the report?\nAttached.";
    expect(withoutQuotedText(text)).toBe(text);
  });

  it("keeps a message that is all quote whole, and one without a quote as it is", () => {
    expect(withoutQuotedText("> only a quote\n> nothing else")).toBe("> only a quote\n> nothing else");
    expect(withoutQuotedText("Just text.\n")).toBe("Just text.\n");
  });

  it("keeps a line that merely ends in wrote: when no quote follows it", () => {
    expect(withoutQuotedText("This is what she wrote:\nthe plan is fine.")).toBe(
      "This is what she wrote:\nthe plan is fine.",
    );
  });
});
