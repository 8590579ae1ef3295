// A send policy: the rules a key's sends (or, for a key without one, its workspace's) are held to
// (decision send-policy). Kept as plain data in the store; parseSendPolicy is the one way in, from
// the CLI, the admin API and the dashboard alike, so that a stored policy is always well formed.
import { domainToASCII } from "node:url";
import { isValidAddrSpec, addressKey } from "../mail/addresses.js";

export interface SendPolicy {
  /** Recipients allowed (addresses, or domains with their subdomains); empty: anyone not blocked. */
  allowRecipients: string[];
  /** Recipients refused, addresses or domains with their subdomains; checked before the allow list. */
  blockRecipients: string[];
  /** Every recipient must be in one of the inbox's own domains (or their subdomains). */
  ownDomainsOnly: boolean;
  /** At most this many distinct recipients (To, Cc and Bcc together) per message; null: the spec's bounds only. */
  maxRecipients: number | null;
  /** At most this many sends per key per clock hour (UTC); null: no such limit. */
  sendsPerHour: number | null;
  noAttachments: boolean;
  /** No link (in the text or the HTML, href, src or plain URL) to a host outside the inbox's own domains. */
  noExternalLinks: boolean;
  /** Phrases refused in the subject or body, compared case-insensitively with whitespace collapsed. */
  blockedPhrases: string[];
  /** Sends that pass the other rules are held for a person to approve (decision send-approval). */
  requireApproval: boolean;
  /** Seconds a send waits, cancellable, before it goes out (decision undo-window); null: none. Approval takes precedence. */
  undoSeconds: number | null;
}

export const SEND_POLICY_BOUNDS = {
  recipientEntries: 1_000,
  entryLength: 254,
  phrases: 100,
  phraseLength: 200,
  maxRecipients: 150,
  sendsPerHour: 100_000,
  undoSeconds: 600,
} as const;

export const OPEN_POLICY: SendPolicy = {
  allowRecipients: [],
  blockRecipients: [],
  ownDomainsOnly: false,
  maxRecipients: null,
  sendsPerHour: null,
  noAttachments: false,
  noExternalLinks: false,
  blockedPhrases: [],
  requireApproval: false,
  undoSeconds: null,
};

export type SendPolicyParse = { ok: true; policy: SendPolicy } | { ok: false; problem: string };

/**
 * The policy a send is held to: the key's own when it has one, else its workspace's, else none;
 * from an inbox that requires approval, that policy (or an open one) with approval required.
 */
export function policyInForce(
  keyPolicy: SendPolicy | null,
  workspacePolicy: SendPolicy | null,
  inbox: { requireApproval?: boolean },
): SendPolicy | null {
  const policy = keyPolicy ?? workspacePolicy;
  return inbox.requireApproval === true ? { ...(policy ?? OPEN_POLICY), requireApproval: true } : policy;
}

/** A policy as the store kept it: one stored before a field existed gets that field's open value. */
export function storedSendPolicy(json: string): SendPolicy {
  return { ...OPEN_POLICY, ...(JSON.parse(json) as Partial<SendPolicy>) };
}

/**
 * How the policy holds sends instead of sending them at once: for a person's approval, which stands
 * in for the undo window when both are set (decision undo-window), for the undo window, or not at all.
 */
export function holdKind(policy: SendPolicy): "approval" | { undoSeconds: number } | null {
  if (policy.requireApproval) return "approval";
  return policy.undoSeconds === null ? null : { undoSeconds: policy.undoSeconds };
}

/**
 * A policy from untrusted JSON (fields as in SendPolicy, any left out taken from OPEN_POLICY):
 * entries lower-cased, domains in ASCII ("@example.com" and "example.com" alike), phrases trimmed.
 * The problem names the field and the entry at fault.
 */
export function parseSendPolicy(input: unknown): SendPolicyParse {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, problem: "a send policy must be a JSON object" };
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).find((name) => !(name in OPEN_POLICY));
  if (unknown !== undefined)
    return {
      ok: false,
      problem: `${unknown} is not a send policy field (fields: ${Object.keys(OPEN_POLICY).join(", ")})`,
    };
  try {
    return {
      ok: true,
      policy: {
        allowRecipients: recipientEntries(fields, "allowRecipients"),
        blockRecipients: recipientEntries(fields, "blockRecipients"),
        ownDomainsOnly: flag(fields, "ownDomainsOnly"),
        maxRecipients: limit(fields, "maxRecipients", SEND_POLICY_BOUNDS.maxRecipients),
        sendsPerHour: limit(fields, "sendsPerHour", SEND_POLICY_BOUNDS.sendsPerHour),
        noAttachments: flag(fields, "noAttachments"),
        noExternalLinks: flag(fields, "noExternalLinks"),
        blockedPhrases: phrases(fields),
        requireApproval: flag(fields, "requireApproval"),
        undoSeconds: limit(fields, "undoSeconds", SEND_POLICY_BOUNDS.undoSeconds),
      },
    };
  } catch (error) {
    if (error instanceof PolicyProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

/** A recipient entry as it is stored and compared: an address (lower case) or a bare ASCII domain. */
export function normalizeRecipientEntry(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed.includes("@") && !trimmed.startsWith("@"))
    return isValidAddrSpec(trimmed) ? addressKey(trimmed) : undefined;
  const domain = domainToASCII(trimmed.replace(/^@/u, "").replace(/\.$/u, ""));
  return domain !== "" && domain.includes(".") && /^[a-z0-9.-]+$/u.test(domain) ? domain : undefined;
}

class PolicyProblem extends Error {}

function recipientEntries(fields: Record<string, unknown>, name: string): string[] {
  const value = fields[name] ?? [];
  if (!Array.isArray(value)) throw new PolicyProblem(`${name} must be a list of addresses or domains`);
  if (value.length > SEND_POLICY_BOUNDS.recipientEntries)
    throw new PolicyProblem(`${name} has ${value.length} entries; at most ${SEND_POLICY_BOUNDS.recipientEntries}`);
  const entries = value.map((entry, index) => {
    if (typeof entry !== "string" || entry.length > SEND_POLICY_BOUNDS.entryLength)
      throw new PolicyProblem(
        `${name}[${index}] must be an address or a domain of at most ${SEND_POLICY_BOUNDS.entryLength} characters`,
      );
    const normalized = normalizeRecipientEntry(entry);
    if (normalized === undefined)
      throw new PolicyProblem(`${name}[${index}]: ${JSON.stringify(entry)} is neither an email address nor a domain`);
    return normalized;
  });
  return [...new Set(entries)];
}

function flag(fields: Record<string, unknown>, name: string): boolean {
  const value = fields[name] ?? false;
  if (typeof value !== "boolean") throw new PolicyProblem(`${name} must be true or false`);
  return value;
}

function limit(fields: Record<string, unknown>, name: string, maximum: number): number | null {
  const value = fields[name] ?? null;
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > maximum)
    throw new PolicyProblem(`${name} must be a whole number from 1 to ${maximum}, or null for no limit`);
  return value;
}

function phrases(fields: Record<string, unknown>): string[] {
  const value = fields.blockedPhrases ?? [];
  if (!Array.isArray(value)) throw new PolicyProblem("blockedPhrases must be a list of phrases");
  if (value.length > SEND_POLICY_BOUNDS.phrases)
    throw new PolicyProblem(`blockedPhrases has ${value.length} entries; at most ${SEND_POLICY_BOUNDS.phrases}`);
  return value.map((entry, index) => {
    const phrase = typeof entry === "string" ? entry.trim() : "";
    if (phrase === "" || phrase.length > SEND_POLICY_BOUNDS.phraseLength)
      throw new PolicyProblem(
        `blockedPhrases[${index}] must be a phrase of 1 to ${SEND_POLICY_BOUNDS.phraseLength} characters`,
      );
    return phrase;
  });
}
