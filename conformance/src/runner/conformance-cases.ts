// The generated boundary cases (generated/conformance/cases.json), made ready to send: large-value
// descriptors expanded, placeholder ids replaced by the inbox's own, recipients redirected to
// --send-to, and idempotency keys made unique to the case.
import { createHash } from "node:crypto";
import { expandLargeValues, type ConformanceCase, type ConformanceCaseFile } from "@mcpemails/generated";
import caseFile from "@mcpemails/generated/conformance-cases" with { type: "json" };

export type { ConformanceCase };

export const conformanceCases = (caseFile as ConformanceCaseFile).cases;

export interface CaseIds {
  inbox: string;
  message?: string;
}

/** The case's arguments with its placeholders filled, or the name of the id it lacks. */
export function substitutePlaceholders(
  testCase: ConformanceCase,
  ids: CaseIds,
): { arguments: Record<string, unknown> } | { missing: string } {
  const args = expandLargeValues(testCase.arguments) as Record<string, unknown>;
  for (const [parameter, placeholder] of Object.entries(testCase.placeholders)) {
    const id = placeholder === "inbox" ? ids.inbox : placeholder === "message" ? ids.message : undefined;
    if (id === undefined) return { missing: placeholder };
    args[parameter] = id;
  }
  return { arguments: args };
}

const RECIPIENT_LISTS = ["to", "cc", "bcc"] as const;
const PLAIN_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const NAMED_ADDRESS = /^(.*)<[^<>]+@[^<>]+>$/s;

/**
 * Sends go to --send-to and nowhere else. Every recipient that is an address becomes that address;
 * one with a display name keeps its length in code points (the case may be probing max_length) by
 * padding or trimming the name. Values that are not addresses are left for the server to refuse.
 */
export function redirectRecipients(args: Record<string, unknown>, sendTo: string): Record<string, unknown> {
  const out = { ...args };
  for (const list of RECIPIENT_LISTS) {
    const value = out[list];
    if (!Array.isArray(value)) continue;
    out[list] = value.map((item) => (typeof item === "string" ? redirectAddress(item, sendTo) : item));
  }
  return out;
}

function redirectAddress(text: string, sendTo: string): string {
  if (PLAIN_ADDRESS.test(text)) return sendTo;
  const named = NAMED_ADDRESS.exec(text);
  if (named === null) return text;
  const length = [...text].length;
  const nameLength = length - [...sendTo].length - 3;
  if (nameLength < 1) return sendTo;
  const name = "x".repeat(nameLength).replace(/(.{9})x/g, "$1 ");
  return `${name} <${sendTo}>`;
}

/**
 * The cases share one example idempotency_key across different arguments, which a conforming
 * server must refuse as idempotency_key_reused. Each case gets its own key, of the same length,
 * derived from its arguments: a rerun within 24 hours is then an idempotent replay, not a second send.
 */
export function uniqueIdempotencyKey(args: Record<string, unknown>, caseId: string): Record<string, unknown> {
  const key = args.idempotency_key;
  if (typeof key !== "string") return args;
  const { idempotency_key: _key, ...rest } = args;
  const digest = createHash("sha256").update(caseId).update(JSON.stringify(rest)).digest("base64url");
  const length = [...key].length;
  const unique = length <= digest.length ? digest.slice(0, length) : digest.padEnd(length, "k");
  return { ...args, idempotency_key: unique };
}
