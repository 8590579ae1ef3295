// Domains built to be mistaken for another: the same letters in other scripts, digits or letter
// pairs standing for letters (paypa1, rnicrosoft), a known name with words around it
// (paypal-secure), one character off (gooogle), or a digit inside a word (examp1e).
import { domainToUnicode } from "node:url";
import { boundedEditDistance } from "./edit-distance.js";
import { addressDomain, registrableParts } from "./domain-names.js";
import { EVERYDAY_WORD_DOMAINS, IMPERSONATED_DOMAINS } from "./impersonated-domains.js";
import { skeleton } from "./skeleton.js";

export interface Reference {
  /** Registrable domain, lower-case ASCII. */
  domain: string;
  label: string;
  /** The label's shape (shapeOf). */
  shape: string;
  /** The skeleton of the whole domain as it reads. */
  skeleton: string;
  /** Compared by its characters only (an everyday word, or too short to be told apart from words). */
  charactersOnly: boolean;
}

export type LookalikeKind = "unicode" | "characters" | "name" | "one_character" | "digit";

export interface Lookalike {
  domain: string;
  kind: LookalikeKind;
  /** The reference imitated; for "digit", the word the label reads as. */
  imitated: string;
}

/** Names shorter than this are compared whole only: a hyphenated part of 2 letters is no imitation. */
const NAME_PART_MIN_LENGTH = 3;
/** One character off only counts against names at least this long (shorter ones are too alike). */
const ONE_CHARACTER_MIN_LENGTH = 5;
/** Letters a word needs before a digit inside it reads as a letter. */
const DIGIT_WORD_MIN_LETTERS = 4;
const DIGIT_LETTERS: Readonly<Record<string, string>> = { "0": "o", "1": "l", "3": "e", "5": "s" };

/** What a label looks like: its skeleton, with the letter pairs that pass for one letter folded. */
export function shapeOf(label: string): string {
  return skeleton(label).replace(/rn/g, "m").replace(/vv/g, "w");
}

/** A character of a candidate label passing for one of a reference: itself, or a digit imitating it. */
function looksSame(candidate: string, reference: string): boolean {
  if (candidate === reference) return true;
  if (candidate === "1") return reference === "l" || reference === "i";
  return DIGIT_LETTERS[candidate] === reference;
}

function referenceOf(domain: string): Reference | null {
  const parts = registrableParts(domain);
  if (parts === null) return null;
  return {
    domain: parts.domain,
    label: parts.label,
    shape: shapeOf(domainToUnicode(parts.label) || parts.label),
    skeleton: skeleton(domainToUnicode(parts.domain) || parts.domain),
    charactersOnly: EVERYDAY_WORD_DOMAINS.has(parts.domain) || parts.label.length < NAME_PART_MIN_LENGTH,
  };
}

const BUILT_IN: readonly Reference[] = IMPERSONATED_DOMAINS.map(referenceOf).filter(
  (reference): reference is Reference => reference !== null,
);

/**
 * Senders and inboxes repeat from call to call, and judging a domain compares it with every
 * reference: the references of each set of own addresses, and each domain's judgment against them,
 * are kept (up to a bound, then started afresh).
 */
const KEPT_MAX = 10_000;
const referencesKept = new Map<string, Reference[]>();
const judgmentsKept = new WeakMap<readonly Reference[], Map<string, Lookalike | null>>();

function kept<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined || map.has(key)) return found as V;
  const made = make();
  if (map.size >= KEPT_MAX) map.clear();
  map.set(key, made);
  return made;
}

/** The built-in references, then the inbox's own domains, each once. */
export function referencesFor(ownAddresses: readonly string[]): Reference[] {
  return kept(referencesKept, ownAddresses.slice(0, 100).join("\n"), () => buildReferences(ownAddresses));
}

function buildReferences(ownAddresses: readonly string[]): Reference[] {
  const references = [...BUILT_IN];
  const seen = new Set(references.map((reference) => reference.domain));
  for (const address of ownAddresses.slice(0, 100)) {
    const domain = addressDomain(address);
    const reference = domain === null ? null : referenceOf(domain);
    if (reference === null || seen.has(reference.domain)) continue;
    seen.add(reference.domain);
    references.push(reference);
  }
  return references;
}

/** How a host's registrable domain imitates a reference, or null when it does not. */
export function lookalikeOf(host: string, references: readonly Reference[]): Lookalike | null {
  let judgments = judgmentsKept.get(references);
  if (judgments === undefined) judgmentsKept.set(references, (judgments = new Map()));
  return kept(judgments, host, () => judgeLookalike(host, references));
}

function judgeLookalike(host: string, references: readonly Reference[]): Lookalike | null {
  const parts = registrableParts(host);
  if (parts === null || references.some((reference) => reference.domain === parts.domain)) return null;
  const readable = domainToUnicode(parts.domain) || parts.domain;
  const unicode = parts.domain.includes("xn--") || /[^\x20-\x7e]/.test(readable);
  const shape = shapeOf(domainToUnicode(parts.label) || parts.label);
  const domain = parts.domain;
  const readableSkeleton = unicode ? skeleton(readable) : domain;
  for (const reference of references) {
    const same = boundedEditDistance(shape, reference.shape, 0, looksSame) === 0;
    if (unicode && (same || readableSkeleton === reference.skeleton))
      return { domain, kind: "unicode", imitated: reference.domain };
    // The same name under another suffix (google.de, example.net) is usually the same owner.
    if (same && parts.label !== reference.label) return { domain, kind: "characters", imitated: reference.domain };
    if (reference.charactersOnly) continue;
    if (
      shape.includes("-") &&
      shape.split("-").some((part) => boundedEditDistance(part, reference.shape, 0, looksSame) === 0)
    )
      return { domain, kind: "name", imitated: reference.domain };
    if (
      reference.label.length >= ONE_CHARACTER_MIN_LENGTH &&
      boundedEditDistance(shape, reference.shape, 1, looksSame) === 1
    )
      return { domain, kind: "one_character", imitated: reference.domain };
  }
  return unicode ? null : digitWordOf(domain, parts.label);
}

/** A word of the label with a digit inside it that reads as a letter: "examp1e" for "example". */
function digitWordOf(domain: string, label: string): Lookalike | null {
  for (const part of label.split("-")) {
    if (!/^[a-z0135]+$/.test(part) || !/[a-z][0135]+[a-z]/.test(part)) continue;
    if (part.replace(/[0135]/g, "").length < DIGIT_WORD_MIN_LETTERS) continue;
    return { domain, kind: "digit", imitated: part.replace(/[0135]/g, (digit) => DIGIT_LETTERS[digit] ?? digit) };
  }
  return null;
}

const DOMAIN_SHOWN_MAX_LENGTH = 60;

/** The signal's detail: where the domain was seen ("the sender's domain") and what it imitates. */
export function describeLookalike(where: string, lookalike: Lookalike): string {
  const shown =
    lookalike.domain.length <= DOMAIN_SHOWN_MAX_LENGTH ? lookalike.domain : `${lookalike.domain.slice(0, 59)}…`;
  const subject = `${where} "${shown}"`;
  switch (lookalike.kind) {
    case "unicode":
      return `${subject} imitates ${lookalike.imitated} with look-alike Unicode characters`;
    case "characters":
      return `${subject} imitates ${lookalike.imitated} with look-alike characters (such as 1 for l or rn for m)`;
    case "name":
      return `${subject} borrows the name of ${lookalike.imitated}`;
    case "one_character":
      return `${subject} is one character away from ${lookalike.imitated}`;
    case "digit":
      return `${subject} has a digit imitating a letter (it reads as "${lookalike.imitated}")`;
  }
}
