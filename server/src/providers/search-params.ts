// The search_emails parameters that pass the schema but that a provider must still refuse with
// -32602: a query outside the portable subset, and a folder name the provider does not have.
import { FOLDERS, type Folder } from "@mcpemails/generated";
import { parseSearchQuery, type QueryNode } from "@mcpemails/generated";
import { ParameterError } from "./provider.js";

/** The parsed query; a term outside the portable subset is a ParameterError naming it (rule query_term). */
export function parsePortableQuery(query: string): QueryNode {
  const parsed = parseSearchQuery(query);
  if (!parsed.ok) throw new ParameterError("query", "query_term", `query: ${parsed.error.message}`);
  return parsed.query;
}

const STANDARD_FOLDERS = Object.keys(FOLDERS) as Folder[];

/** include_folders for a provider with only the four standard folders: all of them when absent. */
export function standardFolders(includeFolders: readonly string[] | undefined): Folder[] {
  if (includeFolders === undefined) return STANDARD_FOLDERS;
  return includeFolders.map((name, index) => {
    if ((STANDARD_FOLDERS as string[]).includes(name)) return name as Folder;
    throw new ParameterError(
      `include_folders[${index}]`,
      "enum",
      `include_folders[${index}]: "${name}" is not a folder of this inbox; use ${STANDARD_FOLDERS.join(", ")}.`,
    );
  });
}
