// The names the schemas and tools draw on: formats, folders and search syntaxes and terms.
import type { SpecDocument } from "../spec/model.js";
import { breakingChange, compatibleChange, type SpecChange } from "./change.js";
import { byName, diffKeyed, diffText, diffValue } from "./compare.js";

// A format is compared here, once, rather than under every schema that uses it: a changed pattern
// cannot be ordered, so it breaks inputs and outputs alike. Schemas that switch to another format
// are reported where they do.
export function diffFormats(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return diffKeyed(before.formats, after.formats, {
    removed: (name) => [compatibleChange(`formats.${name}`, "format removed")],
    added: (name) => [compatibleChange(`formats.${name}`, "new format")],
    kept: (name, b, a) => [
      // Moving a check between the schema (-32602) and the server (an execution error) changes the error clients get.
      ...diffValue(`formats.${name}.checked_by`, b.checked_by, a.checked_by, true),
      ...diffValue(`formats.${name}.json_schema_format`, b.json_schema_format, a.json_schema_format, true),
      ...diffValue(`formats.${name}.pattern`, b.pattern, a.pattern, true),
      ...diffText(`formats.${name}.description`, b.description, a.description),
    ],
  });
}

export function diffFolders(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return diffKeyed(before.folders, after.folders, {
    removed: (folder) => [breakingChange(`folders.${folder}`, "folder removed")],
    added: (folder) => [compatibleChange(`folders.${folder}`, "new folder")],
    kept: (folder, b, a) => diffText(`folders.${folder}.description`, b.description, a.description),
  });
}

export function diffSearch(before: SpecDocument, after: SpecDocument): SpecChange[] {
  return [
    ...diffKeyed(before.search.syntaxes, after.search.syntaxes, {
      removed: (syntax) => [breakingChange(`search.syntaxes.${syntax}`, "search syntax removed")],
      added: (syntax) => [compatibleChange(`search.syntaxes.${syntax}`, "new search syntax")],
      kept: (syntax, b, a) => diffText(`search.syntaxes.${syntax}`, b, a),
    }),
    // How portable terms combine (AND, OR, negation, quoting) decides which messages a query
    // matches. It is a sentence, and a rewording cannot be told from a new meaning, so any change
    // is reported as breaking for a person to confirm, as the quota wording is.
    ...diffValue(
      "search.combining",
      before.search.combining,
      after.search.combining,
      true,
      "how portable terms combine changed",
    ),
    ...diffKeyed(
      byName(before.search.portable_terms, (t) => t.form),
      byName(after.search.portable_terms, (t) => t.form),
      {
        removed: (form) => [breakingChange("search.portable_terms", `portable term removed: ${form}`)],
        added: (form) => [compatibleChange("search.portable_terms", `portable term added: ${form}`)],
        kept: (form, b, a) => diffText(`search.portable_terms[${form}].matches`, b.matches, a.matches),
      },
    ),
  ];
}
