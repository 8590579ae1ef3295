// Parts of the spec that only document: its version, its title and summary, and the decisions log.
import type { SpecDocument } from "../spec/model.js";
import { compatibleChange, type SpecChange } from "./change.js";
import { diffKeyed, diffText } from "./compare.js";

export function diffIdentity(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return [
    ...(before.spec_version === after.spec_version
      ? []
      : [
          compatibleChange("spec_version", "version changed", {
            before: before.spec_version,
            after: after.spec_version,
          }),
        ]),
    ...diffText("info.title", before.info.title, after.info.title),
    ...diffText("info.summary", before.info.summary, after.info.summary),
  ];
}

export function diffDecisions(before: SpecDocument, after: SpecDocument): SpecChange[] {
  const byId = (doc: SpecDocument) => Object.fromEntries(doc.decisions.map((d) => [d.id, d]));
  return diffKeyed(byId(before), byId(after), {
    removed: (id) => [compatibleChange(`decisions.${id}`, "decision removed")],
    added: (id) => [compatibleChange(`decisions.${id}`, "new decision")],
    kept: (id, b, a) => [
      ...diffText(`decisions.${id}.topic`, b.topic, a.topic),
      ...diffText(`decisions.${id}.seed`, b.seed, a.seed),
      ...diffText(`decisions.${id}.decision`, b.decision, a.decision),
    ],
  });
}
