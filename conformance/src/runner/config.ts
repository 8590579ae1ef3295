// The command line, checked before any request is sent: a mistake here is exit 2, not a failure
// of the server under test.
import { FORMATS } from "@mcpemails/generated";

export interface RunnerConfig {
  url: string;
  token: string;
  inbox: string;
  readOnlyToken?: string;
  revokedToken?: string;
  sendOnlyToken?: string;
  /** An inbox of another workspace, which --token must not see. */
  foreignInbox?: string;
  allowSend: boolean;
  sendTo?: string;
  /** The inbox --send-to delivers to, when --token can read it: the recipient's side of a send. */
  sendToInbox?: string;
  seed: number;
  runs: number;
  only: string[];
  skip: string[];
  slow: boolean;
  baseline?: string;
  reports: { json?: string; junit?: string; html?: string };
  quiet: boolean;
}

export class ConfigError extends Error {}

export const USAGE = `usage: mcpemails-conformance --url URL --token KEY --inbox UUID
  [--read-only-token KEY]       a key with read:email only, for the scope checks
  [--revoked-token KEY]         a revoked key, for the auth checks
  [--send-only-token KEY]       a key with send:email only, for the scope checks
  [--foreign-inbox UUID]        an inbox of another workspace, which --token must not see
  [--allow-send --send-to ADDR] run checks that send mail, only ever to ADDR
  [--send-to-inbox UUID]        the inbox ADDR delivers to, if --token can read it
  [--seed N] [--runs N]         fast-check seed and property runs per tool (default 100)
  [--only ids] [--skip ids]     comma-separated check ids or prefixes (protocol, inputs.case, ...)
  [--slow]                      also run checks that take minutes (rate-limit windows)
  [--baseline FILE]             check ids expected to fail (JSON list, or one per line)
  [--report json=FILE junit=FILE html=FILE]
  [--quiet]                     print only the verdict line, and no progress line (which is also
                                left out when CI is set or stderr is not a terminal)`;

const VALUE_OPTIONS = new Set([
  "--url",
  "--token",
  "--inbox",
  "--read-only-token",
  "--revoked-token",
  "--send-only-token",
  "--foreign-inbox",
  "--send-to",
  "--send-to-inbox",
  "--seed",
  "--runs",
  "--only",
  "--skip",
  "--baseline",
  "--report",
]);
const FLAGS = new Set(["--allow-send", "--quiet", "--slow"]);
const REPORT_KINDS = ["json", "junit", "html"] as const;
const UUID = new RegExp(FORMATS.uuid.pattern);

export function parseArguments(
  argv: readonly string[],
  randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 31),
): RunnerConfig {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const reportSpecs: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] ?? "";
    const [name = "", inline] =
      raw.startsWith("--") && raw.includes("=") && !raw.startsWith("--report")
        ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
        : [raw, undefined];
    if (FLAGS.has(name)) {
      flags.add(name);
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new ConfigError(`unknown option ${raw}`);
    if (name === "--report") {
      // --report takes one or more kind=FILE words.
      while (argv[index + 1]?.includes("=") && !argv[index + 1]?.startsWith("--"))
        reportSpecs.push(argv[++index] ?? "");
      if (reportSpecs.length === 0) throw new ConfigError("--report needs json=FILE, junit=FILE and/or html=FILE");
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined || value.startsWith("--")) throw new ConfigError(`${name} needs a value`);
    values.set(name, value);
  }

  const url = required(values, "--url");
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError(`--url ${url} is not an http(s) URL`);
  }
  const inbox = required(values, "--inbox");
  if (!UUID.test(inbox)) throw new ConfigError(`--inbox ${inbox} is not a UUID`);
  const allowSend = flags.has("--allow-send");
  const sendTo = values.get("--send-to");
  if (allowSend && sendTo === undefined)
    throw new ConfigError("--allow-send needs --send-to ADDRESS: the runner sends only to an address you name");
  if (sendTo !== undefined && !allowSend) throw new ConfigError("--send-to is only used with --allow-send");
  if (sendTo !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(sendTo))
    throw new ConfigError(`--send-to ${sendTo} is not a plain address such as you@example.com`);

  const sendToInbox = values.get("--send-to-inbox");
  if (sendToInbox !== undefined && sendTo === undefined)
    throw new ConfigError("--send-to-inbox names the inbox of --send-to: give --allow-send --send-to ADDRESS too");
  for (const name of ["--send-to-inbox", "--foreign-inbox"]) {
    const value = values.get(name);
    if (value !== undefined && !UUID.test(value)) throw new ConfigError(`${name} ${value} is not a UUID`);
  }

  const reports: RunnerConfig["reports"] = {};
  for (const spec of reportSpecs) {
    const [kind, file] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
    if (!(REPORT_KINDS as readonly string[]).includes(kind) || file === "")
      throw new ConfigError(`--report ${spec}: expected json=FILE, junit=FILE or html=FILE`);
    reports[kind as (typeof REPORT_KINDS)[number]] = file;
  }

  return {
    url,
    token: required(values, "--token"),
    inbox,
    ...optional("readOnlyToken", values.get("--read-only-token")),
    ...optional("revokedToken", values.get("--revoked-token")),
    ...optional("sendOnlyToken", values.get("--send-only-token")),
    ...optional("foreignInbox", values.get("--foreign-inbox")),
    allowSend,
    ...optional("sendTo", sendTo),
    ...optional("sendToInbox", sendToInbox),
    seed: integer(values, "--seed", 0) ?? randomSeed(),
    runs: integer(values, "--runs", 1) ?? 100,
    only: list(values.get("--only")),
    skip: list(values.get("--skip")),
    slow: flags.has("--slow"),
    ...optional("baseline", values.get("--baseline")),
    reports,
    quiet: flags.has("--quiet"),
  };
}

function required(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (value === undefined || value === "") throw new ConfigError(`${name} is required`);
  return value;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function integer(values: Map<string, string>, name: string, minimum: number): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum || !Number.isSafeInteger(Number(raw)))
    throw new ConfigError(`${name} ${raw} is not an integer of at least ${minimum}`);
  return Number(raw);
}

function list(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}
