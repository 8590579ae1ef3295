// Gmail's labels as the inbox's folders: the four standard ones by their system labels (DRAFT is
// DRAFTS), SPAM (kind other: Gmail shows it as a folder, and mail there is in no other), and the
// owner's own labels (ids like Label_12). The other system labels (UNREAD,
// STARRED, IMPORTANT, the CATEGORY_* tabs, CHAT) mark messages across folders and are no folder to
// the owner, so they are left out. A folder parameter names a standard folder or one of these ids,
// checked against the labels listed in the last minute (paging a label costs no labels.list each
// time), listed again when the id is not among them (a label made since).
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
const LABELS_FRESH_MS = 60_000;
/** Ids a refusal names, of a mailbox's up to 10,000 labels. */
const NAMED_IDS = 20;

/** The mailbox's mail labels, as labels.list gives them now. */
export async function mailLabels(context: GmailContext, signal: AbortSignal): Promise<MailLabel[]> {
  const { calls } = context;
  const atMs = context.now().getTime();
  const listed =
    (await calls.call((options) => calls.api.users.labels.list({ userId: "me" }, options), signal, true)).data.labels ??
    [];
  const labels = listed.flatMap((label): MailLabel[] => {
    const id = label.id ?? "";
    const folder = STANDARD.find(([, labelId]) => labelId === id)?.[0];
    if (folder !== undefined || id === "SPAM" || (label.type === "user" && id !== ""))
      return [{ id, name: label.name ?? id, folder }];
    return [];
  });
  context.labels.held = { labels, atMs };
  return labels;
}

function ownLabel(labels: readonly MailLabel[], id: string): MailLabel | undefined {
  return labels.find((label) => label.folder === undefined && label.id === id);
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
  const held = context.labels.held;
  const recent = held !== undefined && context.now().getTime() - held.atMs < LABELS_FRESH_MS ? held.labels : [];
  const known = ownLabel(recent, folder);
  if (known !== undefined) return known;
  const labels = await mailLabels(context, signal);
  const found = ownLabel(labels, folder);
  if (found !== undefined) return found;
  const ids = [...STANDARD.map(([name]) => name), ...labels.filter((l) => l.folder === undefined).map((l) => l.id)];
  const named = ids.length > NAMED_IDS ? `${ids.slice(0, NAMED_IDS).join(", ")}...` : ids.join(", ");
  throw new ParameterError(
    parameter,
    "enum",
    `${parameter}: "${folder}" is not a folder of this inbox; use one of list_folders' ids: ${named}.`,
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
