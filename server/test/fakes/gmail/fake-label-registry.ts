// The user labels of the fake's mailboxes (fake-gmail-labels.ts serves them), kept apart so that the
// query matcher can read them without importing the API.
import type { FakeMessage, Mailbox } from "./fake-mailbox.js";

/** User label id -> name, for every mailbox (Gmail's ids are unique within a mailbox; the fake's everywhere). */
const userLabelNames = new Map<string, string>();
const labelsOf = new WeakMap<Mailbox, Set<string>>();
let nextLabel = 0;

/** Gives the mailbox a user label (as labels.create would) and answers its id. */
export function addUserLabel(mailbox: Mailbox, name: string): string {
  const id = `Label_${++nextLabel}`;
  userLabelNames.set(id, name);
  let labels = labelsOf.get(mailbox);
  if (labels === undefined) labelsOf.set(mailbox, (labels = new Set()));
  labels.add(id);
  return id;
}

export function userLabels(mailbox: Mailbox): string[] {
  return [...(labelsOf.get(mailbox) ?? [])];
}

/** Whether the message has the label the search operator label:<value> names (by name, or a system label's id). */
export function hasLabelNamed(message: FakeMessage, value: string): boolean {
  const wanted = value.toLowerCase();
  return [...message.labelIds].some(
    (id) => id.toLowerCase() === wanted || searchName(userLabelNames.get(id) ?? "") === wanted,
  );
}

function searchName(name: string): string {
  return name.toLowerCase().replace(/[\s/]+/gu, "-");
}

export function userLabelName(id: string): string | undefined {
  return userLabelNames.get(id);
}
