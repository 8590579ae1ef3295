// The command line, checked before any request is sent: a mistake here is exit 2, not a failure
// of the server under test.
import { FORMATS } from "@mcpemails/generated";

export interface RunnerConfig {
  url: string;
  token: string;
  inbox: string;
  readOnlyToken?: string;
  revokedToken?: string;
  allowSend: boolean;
  sendTo?: string;
  seed: number;
  runs: number;
  only: string[];
  skip: string[];
  reports: { json?: string; junit?: string };
  quiet: boolean;
}

export class ConfigError extends Error {}

export const USAGE = `usage: mcpemails-conformance --url URL --token KEY --inbox UUID
  [--read-only-token KEY]       a key with read:email only, for the scope checks
  [--revoked-token KEY]         a revoked key, for the auth checks
  [--allow-send --send-to ADDR] run checks that send mail, only ever to ADDR
  [--seed N] [--runs N]         fast-check seed and property runs per tool (default 100)
  [--only ids] [--skip ids]     comma-separated check ids or prefixes (protocol, inputs.case, ...)
  [--report json=FILE junit=FILE]
  [--quiet]                     print only the summary line`;

const VALUE_OPTIONS = new Set(["--url", "--token", "--inbox", "--read-only-token", "--revoked-token", "--send-to", "--seed", "--runs", "--only", "--skip", "--report"]);
const FLAGS = new Set(["--allow-send", "--quiet"]);
const UUID = new RegExp(FORMATS.uuid.pattern);

export function parseArguments(argv: readonly string[], randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 31)): RunnerConfig {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const reportSpecs: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] ?? "";
    const [name = "", inline] = raw.startsWith("--") && raw.includes("=") && !raw.startsWith("--report") ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)] : [raw, undefined];
    if (FLAGS.has(name)) {
      flags.add(name);
      continue;
    }
    if (!VALUE_OPTIONS.has(name)) throw new ConfigError(`unknown option ${raw}`);
    if (name === "--report") {
      // --report takes one or more kind=FILE words.
      while (argv[index + 1]?.includes("=") && !argv[index + 1]?.startsWith("--")) reportSpecs.push(argv[++index] ?? "");
      if (reportSpecs.length === 0) throw new ConfigError("--report needs json=FILE and/or junit=FILE");
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
  if (allowSend && sendTo === undefined) throw new ConfigError("--allow-send needs --send-to ADDRESS: the runner sends only to an address you name");
  if (sendTo !== undefined && !allowSend) throw new ConfigError("--send-to is only used with --allow-send");
  if (sendTo !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(sendTo)) throw new ConfigError(`--send-to ${sendTo} is not a plain address such as you@example.com`);

  const reports: RunnerConfig["reports"] = {};
  for (const spec of reportSpecs) {
    const [kind, file] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
    if ((kind !== "json" && kind !== "junit") || file === "") throw new ConfigError(`--report ${spec}: expected json=FILE or junit=FILE`);
    reports[kind] = file;
  }

  return {
    url,
    token: required(values, "--token"),
    inbox,
    ...optional("readOnlyToken", values.get("--read-only-token")),
    ...optional("revokedToken", values.get("--revoked-token")),
    allowSend,
    ...optional("sendTo", sendTo),
    seed: integer(values, "--seed", 0) ?? randomSeed(),
    runs: integer(values, "--runs", 1) ?? 100,
    only: list(values.get("--only")),
    skip: list(values.get("--skip")),
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
  if (!/^\d+$/.test(raw) || Number(raw) < minimum || !Number.isSafeInteger(Number(raw))) throw new ConfigError(`${name} ${raw} is not an integer of at least ${minimum}`);
  return Number(raw);
}

function list(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}
