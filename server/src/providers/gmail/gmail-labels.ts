// Gmail's labels as the inbox's folders: the four standard ones by their system labels (DRAFT is
// DRAFTS), SPAM, and the owner's own labels (ids like Label_12). The other system labels (UNREAD,
// STARRED, IMPORTANT, the CATEGORY_* tabs, CHAT) mark messages across folders and are no folder to
// the owner, so they are left out. A folder parameter names a standard folder or one of these ids.
import type { Folder } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";
import type { GmailContext } from "./gmail-context.js";
import { FOLDER_LABELS } from "./gmail-query.js";

export interface MailLabel {
  id: string;
  name: string;
  /** The standard folder it is, if any. */
  folder: Folder | undefined;
}

const STANDARD = Object.entries(FOLDER_LABELS) as [Folder, string][];

export async function mailLabels(context: GmailContext, signal: AbortSignal): Promise<MailLabel[]> {
  const { calls } = context;
  const listed =
    (await calls.call((options) => calls.api.users.labels.list({ userId: "me" }, options), signal, true)).data.labels ??
    [];
  return listed.flatMap((label): MailLabel[] => {
    const id = label.id ?? "";
    const folder = STANDARD.find(([, labelId]) => labelId === id)?.[0];
    if (folder !== undefined || id === "SPAM" || (label.type === "user" && id !== ""))
      return [{ id, name: label.name ?? id, folder }];
    return [];
  });
}

/** The label a folder parameter names; -32602 (rule enum) for one the mailbox does not have. */
export async function labelOfFolder(
  context: GmailContext,
  folder: string,
  parameter: string,
  signal: AbortSignal,
): Promise<MailLabel> {
  const standard = STANDARD.find(([name]) => name === folder);
  if (standard !== undefined) return { id: standard[1], name: standard[0], folder: standard[0] };
  const labels = await mailLabels(context, signal);
  const found = labels.find((label) => label.folder === undefined && label.id === folder);
  if (found !== undefined) return found;
  const ids = [...STANDARD.map(([name]) => name), ...labels.filter((l) => l.folder === undefined).map((l) => l.id)];
  throw new ParameterError(
    parameter,
    "enum",
    `${parameter}: "${folder}" is not a folder of this inbox; use one of list_folders' ids: ${ids.join(", ")}.`,
  );
}

/** The search operator for messages under the label: in: for the system ones, label:<name> for the owner's. */
export function labelOperator(label: MailLabel): string {
  if (label.folder !== undefined || label.id === "SPAM") return `in:${label.id.toLowerCase()}`;
  return `label:${label.name.toLowerCase().replace(/[\s/]+/gu, "-")}`;
}

/** The id a list_folders entry, list_inbox's folder and message_summary.folder give the label. */
export function folderIdOf(label: MailLabel): string {
  return label.folder ?? label.id;
}
