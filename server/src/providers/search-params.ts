// The search_emails and list_inbox parameters that pass the schema but that a provider must still
// refuse with -32602: a query outside the portable subset, and a folder the provider does not have.
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

/** A folder parameter (list_inbox's folder) for a provider with only the four standard folders. */
export function standardFolder(name: string, parameter = "folder"): Folder {
  if ((STANDARD_FOLDERS as string[]).includes(name)) return name as Folder;
  throw new ParameterError(
    parameter,
    "enum",
    `${parameter}: "${name}" is not a folder of this inbox; use ${STANDARD_FOLDERS.join(", ")}.`,
  );
}

/** include_folders for a provider with only the four standard folders: all of them when absent. */
export function standardFolders(includeFolders: readonly string[] | undefined): Folder[] {
  if (includeFolders === undefined) return STANDARD_FOLDERS;
  return includeFolders.map((name, index) => standardFolder(name, `include_folders[${index}]`));
}
