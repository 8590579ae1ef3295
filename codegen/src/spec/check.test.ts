// What the checker allows `extends` to name: an object type, directly or through types that extend
// one (read_email's output extends email_message, which extends message_summary); anything else is
// refused where the extends is written.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSpecSemantics } from "./check.js";
import { loadSpecFile, type Locate } from "./load.js";
import type { SpecDocument, SpecSchema } from "./model.js";
import { pathToString } from "./problems.js";

const SPEC = loadSpecFile(fileURLToPath(new URL("../../../spec/mcpemails.yaml", import.meta.url))).document;

const locate: Locate = (path, message) => ({ file: "spec", line: 1, column: 1, path: pathToString(path), message });

function problemsWith(types: Record<string, SpecSchema>, edit?: (doc: SpecDocument) => void) {
  const doc = structuredClone(SPEC);
  doc.types = { ...doc.types, ...types };
  edit?.(doc);
  return checkSpecSemantics(doc, locate).map((p) => [p.path, p.message]);
}

const flag: SpecSchema = { properties: { flagged: { type: "boolean" } }, required: ["flagged"] };

describe("extends", () => {
  it("accepts the real spec, whose read_email output extends a type that extends an object", () => {
    expect(SPEC.tools.read_email?.output.extends).toBe("email_message");
    expect(SPEC.types.email_message?.extends).toBe("message_summary");
    expect(checkSpecSemantics(SPEC, locate)).toEqual([]);
  });

  it("accepts extending a type that itself extends an object, at any depth and through one adding nothing", () => {
    expect(
      problemsWith({
        flagged_message: { extends: "email_message", ...flag },
        message_alias: { extends: "message_summary" },
        flagged_summary: { extends: "message_alias", ...flag },
        deeper: { extends: "flagged_message", properties: { note: { type: "string" } } },
      }),
    ).toEqual([]);
  });

  it("refuses extending a type that is not an object, in a type and in a tool's output", () => {
    expect(
      problemsWith({ flagged_id: { extends: "message_id", ...flag } }, (doc) => {
        const output = doc.tools.get_attachment?.output;
        if (output) output.extends = "idempotency_key";
      }),
    ).toEqual([
      ["types.flagged_id.extends", "can only extend an object type"],
      ["tools.get_attachment.output.extends", "can only extend an object type"],
    ]);
  });

  it("refuses extending a type that extends a non-object, even without properties of its own in between", () => {
    expect(problemsWith({ id_alias: { extends: "message_id" }, flagged_id: { extends: "id_alias", ...flag } })).toEqual(
      [["types.flagged_id.extends", "can only extend an object type"]],
    );
  });
});
