// The unit every comparison produces, and the two ways of making one.

/** One difference between two versions of the spec, classified for clients and implementers. */
export interface SpecChange {
  /** Where the change is, for example tools.send_email.input.attachments[].filename.max_length */
  path: string;
  breaking: boolean;
  /** What changed, in a few words, for example "input bound tightened". */
  summary: string;
  /** The old value, when the change has one worth showing; undefined means there was none. */
  before?: unknown;
  /** The new value, when the change has one worth showing; undefined means there is none. */
  after?: unknown;
}

export interface ChangedValues {
  before: unknown;
  after: unknown;
}

export function breakingChange(path: string, summary: string, values?: ChangedValues): SpecChange {
  return makeChange(path, true, summary, values);
}

export function compatibleChange(path: string, summary: string, values?: ChangedValues): SpecChange {
  return makeChange(path, false, summary, values);
}

export function makeChange(path: string, breaking: boolean, summary: string, values?: ChangedValues): SpecChange {
  return values === undefined
    ? { path, breaking, summary }
    : { path, breaking, summary, before: values.before, after: values.after };
}

/** True when the change carries an old -> new pair to show. */
export function hasValues(change: SpecChange): boolean {
  return "before" in change || "after" in change;
}
