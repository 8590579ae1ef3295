// The risk of a received message, from what any provider gives the same way (addresses, subject,
// text, HTML), so that every provider flags the same message the same way. Pure, synchronous and
// bounded: each input is read only up to a fixed length, and nothing here throws.
import { addressDomain, registrableDomain } from "./domain-names.js";
import { otherDomainInName } from "./display-name.js";
import { htmlLinks } from "./html-links.js";
import { markdownLinks } from "./markdown-links.js";
import { findInstructionPhrase } from "./instruction-text.js";
import { findLinkMismatch, linkTarget } from "./link-mismatch.js";
import { describeLookalike, lookalikeOf, referencesFor } from "./lookalike-domain.js";
import { otherReplyDomain } from "./reply-to.js";

export type RiskSignalKind =
  | "assistant_instructions"
  | "lookalike_domain"
  | "link_mismatch"
  | "display_name_mismatch"
  | "reply_to_mismatch"
  | "unknown_sender";

export interface RiskSignal {
  kind: RiskSignalKind;
  /** In our words, at most DETAIL_MAX_LENGTH characters; quotes at most a short phrase of the mail. */
  detail: string;
}

export interface MessageRisk {
  level: "none" | "caution" | "high";
  signals: RiskSignal[];
}

export interface MailAddress {
  name: string | null;
  address: string;
}

export interface RiskInput {
  from: MailAddress | null;
  replyTo: readonly MailAddress[];
  subject: string;
  /** The plain-text body, or for listings only the snippet. */
  text: string;
  /** The raw or sanitized HTML body; null when there is none (listings pass null): then the links of `text` as Markdown are judged. */
  html: string | null;
  /** The inbox's own addresses: their domains are imitated too. */
  ownAddresses: readonly string[];
  /** Whether the sender is a known correspondent; null when not known either way. */
  knownSender: boolean | null;
}

export const DETAIL_MAX_LENGTH = 200;
/** Link targets checked for lookalike domains, each distinct registrable domain once. */
const LINK_DOMAINS_MAX = 100;

const HIGH: ReadonlySet<RiskSignalKind> = new Set([
  "assistant_instructions",
  "lookalike_domain",
  "link_mismatch",
  "display_name_mismatch",
]);

type Detector = (input: RiskInput, context: Context) => string | null;

interface Context {
  senderDomain: string | null;
  links: ReturnType<typeof htmlLinks>;
}

// In the order signals are reported.
const DETECTORS: readonly [RiskSignalKind, Detector][] = [
  ["assistant_instructions", instructions],
  ["lookalike_domain", lookalike],
  ["link_mismatch", (_input, context) => findLinkMismatch(context.links)],
  ["display_name_mismatch", displayName],
  ["reply_to_mismatch", replyTo],
  [
    "unknown_sender",
    (input) => (input.knownSender === false ? "the sender is not among this inbox's known correspondents" : null),
  ],
];

export function assessRisk(input: RiskInput): MessageRisk {
  const context: Context = {
    senderDomain: safely(() => senderDomainOf(input), null),
    links: safely(() => (typeof input.html === "string" ? htmlLinks(input.html) : markdownLinks(input.text)), []),
  };
  const signals: RiskSignal[] = [];
  for (const [kind, detect] of DETECTORS) {
    const detail = safely(() => detect(input, context), null);
    if (detail !== null) signals.push({ kind, detail: clip(detail) });
  }
  const level = signals.some((signal) => HIGH.has(signal.kind)) ? "high" : signals.length > 0 ? "caution" : "none";
  return { level, signals };
}

// A flaw in one rule must cost that rule's signal, never the listing or the message it annotates.
function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}

function senderDomainOf(input: RiskInput): string | null {
  const domain = input.from === null ? null : addressDomain(text(input.from.address));
  return domain === null ? null : registrableDomain(domain);
}

function instructions(input: RiskInput): string | null {
  const phrase = findInstructionPhrase(text(input.subject), text(input.text));
  return phrase === null ? null : `text addressed to an AI assistant: "${phrase}"`;
}

function lookalike(input: RiskInput, context: Context): string | null {
  const references = referencesFor(input.ownAddresses.map(text));
  const candidates: [string, string | null][] = [
    ["the sender's domain", input.from === null ? null : addressDomain(text(input.from.address))],
    ...input.replyTo
      .slice(0, 50)
      .map((entry): [string, string | null] => ["the Reply-To domain", addressDomain(text(entry.address))]),
  ];
  const linkDomains = new Set<string>();
  for (const link of context.links) {
    const target = linkTarget(link.href);
    const domain = target === null ? null : registrableDomain(target.hostname);
    if (domain !== null) linkDomains.add(domain);
    if (linkDomains.size >= LINK_DOMAINS_MAX) break;
  }
  for (const domain of linkDomains) candidates.push(["a link's domain", domain]);
  for (const [where, domain] of candidates) {
    const found = domain === null ? null : lookalikeOf(domain, references);
    if (found !== null) return describeLookalike(where, found);
  }
  return null;
}

function displayName(input: RiskInput, context: Context): string | null {
  const name = input.from?.name;
  if (typeof name !== "string" || name === "") return null;
  const other = otherDomainInName(name, context.senderDomain);
  return other === null ? null : `the display name shows ${other}, not the sender's own domain`;
}

function replyTo(input: RiskInput, context: Context): string | null {
  const other = otherReplyDomain(
    context.senderDomain,
    input.replyTo.map((entry) => ({ address: text(entry.address) })),
  );
  return other === null
    ? null
    : `replies would go to ${other}, not to the sender's domain ${context.senderDomain ?? ""}`;
}

/** A string field as given; anything else (a caller's bug) as empty. */
function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function clip(detail: string): string {
  return detail.length <= DETAIL_MAX_LENGTH ? detail : `${detail.slice(0, DETAIL_MAX_LENGTH - 1)}…`;
}
