// The run's configuration, from the command line or from runConformance's options, checked before
// any request is sent: a mistake here is exit 2 (ConfigError), not a failure of the server under test.
import { FORMATS } from "@mcpemails/generated";
import { Command, CommanderError, Option } from "commander";
import { readBaseline } from "./baseline.js";
import { ConfigError } from "./config-error.js";

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
  /** An address the send policy of --token's key refuses (decision send-policy), to check send_policy_refused. */
  policyBlockedTo?: string;
  /** A key whose send policy holds its sends for a person's approval (decision send-approval). */
  approvalToken?: string;
  /** A key whose send policy gives its sends an undo window (decision undo-window). */
  undoToken?: string;
  seed: number;
  runs: number;
  /** The most tools/call the run may make; checks that would need more are skipped, saying so. */
  maxCalls?: number;
  /** How long the run plans to take when the server limits it: optional work past it is cut (run-plan.ts). */
  timeBudgetSeconds: number;
  only: string[];
  skip: string[];
  slow: boolean;
  /** The checks a baseline file expects to fail (read while the configuration is checked). */
  baseline?: ReadonlySet<string>;
  reports: { json?: string; junit?: string; html?: string };
  quiet: boolean;
}

export { ConfigError };

/** Thrown by parseArguments for `--help`/`-h`: the caller prints helpText() and exits 0. */
export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}

/** What a run is given: the CLI's options as values (runConformance takes this object). */
export interface ConformanceOptions {
  url: string;
  token: string;
  inbox: string;
  readOnlyToken?: string;
  revokedToken?: string;
  sendOnlyToken?: string;
  foreignInbox?: string;
  allowSend?: boolean;
  sendTo?: string;
  sendToInbox?: string;
  policyBlockedTo?: string;
  approvalToken?: string;
  undoToken?: string;
  /** fast-check's seed; random when left out (the report says which). */
  seed?: number;
  /** Property runs per tool (100). */
  runs?: number;
  /** The most tools/call the run may make (no limit when left out). */
  maxCalls?: number;
  /** Seconds the run plans to take against a rate-limited server (110, so that the spec's limits allow two minutes' calls). */
  timeBudget?: number;
  only?: readonly string[];
  skip?: readonly string[];
  slow?: boolean;
  /** A baseline file: check ids expected to fail. */
  baseline?: string;
}

const REPORT_KINDS = ["json", "junit", "html"] as const;
// The spec's windows (100 a minute) let a key make 200 calls in 110 s, and a third minute's worth not before 120 s.
const DEFAULT_TIME_BUDGET_SECONDS = 110;
const UUID = new RegExp(FORMATS.uuid.pattern);
const randomSeed = () => Math.floor(Math.random() * 2 ** 31);

/** Checks the options before any request is sent, naming the option at fault. */
export function resolveConfig(options: ConformanceOptions, seedWhenUnset: () => number = randomSeed): RunnerConfig {
  const { url, inbox, sendTo, sendToInbox } = options;
  for (const [name, value] of [
    ["--url", url],
    ["--token", options.token],
    ["--inbox", inbox],
  ] as const)
    if (typeof value !== "string" || value === "") throw new ConfigError(`${name} is required`);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError(`--url ${url} is not an http(s) URL`);
  }
  if (!UUID.test(inbox)) throw new ConfigError(`--inbox ${inbox} is not a UUID`);
  const allowSend = options.allowSend === true;
  if (allowSend && sendTo === undefined)
    throw new ConfigError("--allow-send needs --send-to ADDRESS: the runner sends only to an address you name");
  if (sendTo !== undefined && !allowSend) throw new ConfigError("--send-to is only used with --allow-send");
  if (sendTo !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(sendTo))
    throw new ConfigError(`--send-to ${sendTo} is not a plain address such as you@example.com`);
  if (sendToInbox !== undefined && sendTo === undefined)
    throw new ConfigError("--send-to-inbox names the inbox of --send-to: give --allow-send --send-to ADDRESS too");
  const { policyBlockedTo } = options;
  if (policyBlockedTo !== undefined && !allowSend)
    throw new ConfigError(
      "--policy-blocked-to is only used with --allow-send: the check tries a send the policy must refuse",
    );
  if (policyBlockedTo !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(policyBlockedTo))
    throw new ConfigError(`--policy-blocked-to ${policyBlockedTo} is not a plain address such as blocked@example.com`);
  if (options.approvalToken !== undefined && !allowSend)
    throw new ConfigError(
      "--approval-token is only used with --allow-send: the check sends with it, and the send must be held",
    );
  if (options.undoToken !== undefined && !allowSend)
    throw new ConfigError(
      "--undo-token is only used with --allow-send: the check sends with it, and the send goes out after its undo window",
    );
  for (const [name, value] of [
    ["--send-to-inbox", sendToInbox],
    ["--foreign-inbox", options.foreignInbox],
  ] as const)
    if (value !== undefined && !UUID.test(value)) throw new ConfigError(`${name} ${value} is not a UUID`);
  for (const [name, value, minimum] of [
    ["--seed", options.seed, 0],
    ["--runs", options.runs, 1],
    ["--max-calls", options.maxCalls, 1],
    ["--time-budget", options.timeBudget, 1],
  ] as const)
    if (value !== undefined && (!Number.isSafeInteger(value) || value < minimum))
      throw new ConfigError(`${name} ${value} is not an integer of at least ${minimum}`);

  return {
    url,
    token: options.token,
    inbox,
    ...optional("readOnlyToken", options.readOnlyToken),
    ...optional("revokedToken", options.revokedToken),
    ...optional("sendOnlyToken", options.sendOnlyToken),
    ...optional("foreignInbox", options.foreignInbox),
    allowSend,
    ...optional("sendTo", sendTo),
    ...optional("sendToInbox", sendToInbox),
    ...optional("policyBlockedTo", policyBlockedTo),
    ...optional("approvalToken", options.approvalToken),
    ...optional("undoToken", options.undoToken),
    seed: options.seed ?? seedWhenUnset(),
    runs: options.runs ?? 100,
    ...(options.maxCalls === undefined ? {} : { maxCalls: options.maxCalls }),
    timeBudgetSeconds: options.timeBudget ?? DEFAULT_TIME_BUDGET_SECONDS,
    only: [...(options.only ?? [])],
    skip: [...(options.skip ?? [])],
    slow: options.slow === true,
    ...(options.baseline === undefined ? {} : { baseline: readBaseline(options.baseline) }),
    reports: {},
    quiet: false,
  };
}

/** The command line: commander reads it, resolveConfig checks it. `--help` throws HelpRequested. */
export function parseArguments(argv: readonly string[], seedWhenUnset: () => number = randomSeed): RunnerConfig {
  const command = conformanceCommand().exitOverride();
  command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    // `pnpm conformance -- --url ...` passes the "--" on.
    command.parse(argv[0] === "--" ? argv.slice(1) : [...argv], { from: "user" });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof CommanderError && error.code === "commander.helpDisplayed") throw new HelpRequested();
    throw new ConfigError(commanderMessage(error));
  }
  const [unexpected] = command.args;
  if (unexpected !== undefined) throw new ConfigError(`unexpected argument ${unexpected}`);
  const raw = command.opts<Record<string, string | boolean | string[] | undefined>>();
  const text = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : undefined);
  const reports: RunnerConfig["reports"] = {};
  for (const spec of (raw.report as string[] | undefined) ?? []) {
    const [kind, file] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
    if (!(REPORT_KINDS as readonly string[]).includes(kind) || file === "")
      throw new ConfigError(`--report ${spec}: expected json=FILE, junit=FILE or html=FILE`);
    reports[kind as (typeof REPORT_KINDS)[number]] = file;
  }
  const config = resolveConfig(
    {
      url: text("url") ?? "",
      token: text("token") ?? "",
      inbox: text("inbox") ?? "",
      ...optional("readOnlyToken", text("readOnlyToken")),
      ...optional("revokedToken", text("revokedToken")),
      ...optional("sendOnlyToken", text("sendOnlyToken")),
      ...optional("foreignInbox", text("foreignInbox")),
      allowSend: raw.allowSend === true,
      ...optional("sendTo", text("sendTo")),
      ...optional("sendToInbox", text("sendToInbox")),
      ...optional("policyBlockedTo", text("policyBlockedTo")),
      ...optional("approvalToken", text("approvalToken")),
      ...optional("undoToken", text("undoToken")),
      ...integer("--seed", text("seed"), 0, "seed"),
      ...integer("--runs", text("runs"), 1, "runs"),
      ...integer("--max-calls", text("maxCalls"), 1, "maxCalls"),
      ...integer("--time-budget", text("timeBudget"), 1, "timeBudget"),
      only: list(text("only")),
      skip: list(text("skip")),
      slow: raw.slow === true,
      ...optional("baseline", text("baseline")),
    },
    seedWhenUnset,
  );
  return { ...config, reports, quiet: raw.quiet === true };
}

/** The usage `--help` prints (and a configuration error repeats). */
export function helpText(): string {
  return conformanceCommand().helpInformation().trimEnd();
}

function conformanceCommand(): Command {
  return new Command("mcpemails-conformance")
    .description("Checks any MCPEmails server over HTTP: protocol, auth, inputs, behaviour and the error catalogue.")
    .helpOption("-h, --help", "print this usage and exit")
    .addOption(valueOption("--url <url>", "the server's MCP endpoint (http or https), required"))
    .addOption(
      valueOption(
        "--token <key>",
        "an API key with read:email and send:email (and draft:email to check the draft tools), required",
      ),
    )
    .addOption(valueOption("--inbox <uuid>", "an inbox --token can see, required"))
    .addOption(valueOption("--read-only-token <key>", "a key with read:email only, for the scope checks"))
    .addOption(valueOption("--revoked-token <key>", "a revoked key, for the auth checks"))
    .addOption(valueOption("--send-only-token <key>", "a key with send:email only, for the scope checks"))
    .addOption(valueOption("--foreign-inbox <uuid>", "an inbox of another workspace, which --token must not see"))
    .option("--allow-send", "run checks that send mail, only ever to --send-to")
    .addOption(valueOption("--send-to <address>", "where sends go (with --allow-send)"))
    .addOption(valueOption("--send-to-inbox <uuid>", "the inbox --send-to delivers to, if --token can read it"))
    .addOption(
      valueOption(
        "--policy-blocked-to <address>",
        "an address the send policy of --token's key refuses (with --allow-send): the runner checks that a send to it is send_policy_refused and sends nothing",
      ),
    )
    .addOption(
      valueOption(
        "--approval-token <key>",
        "a key of --inbox whose send policy holds its sends for a person's approval (with --allow-send): the runner checks the held answer, get_send_status and that nothing is sent",
      ),
    )
    .addOption(
      valueOption(
        "--undo-token <key>",
        "a key of --inbox whose send policy gives its sends an undo window of at most 60 s (with --allow-send): the runner checks the scheduled answer, get_send_status, that nothing is sent before send_at and that it is sent once after",
      ),
    )
    .addOption(valueOption("--seed <n>", "fast-check seed (random when left out; the report says which)"))
    .addOption(valueOption("--runs <n>", "property runs per tool (default 100)"))
    .addOption(
      valueOption(
        "--max-calls <n>",
        "at most this many tools/call; checks that would need more are skipped, saying so",
      ),
    )
    .addOption(
      valueOption(
        "--time-budget <seconds>",
        `how long to plan for when the server rate-limits the run (default ${DEFAULT_TIME_BUDGET_SECONDS}): every rule is checked once whatever the limits, and property runs and optional checks (the other boundary cases of each rule, reading every listed message) are cut to fit`,
      ),
    )
    .addOption(valueOption("--only <ids>", "comma-separated check ids or prefixes (protocol, inputs.case, ...)"))
    .addOption(valueOption("--skip <ids>", "comma-separated check ids or prefixes to leave out"))
    .option("--slow", "also run checks that take minutes (rate-limit windows)")
    .addOption(valueOption("--baseline <file>", "check ids expected to fail (JSON list, JSON report, or one per line)"))
    .option("--report <kind=file...>", "write reports: json=FILE, junit=FILE, html=FILE")
    .option(
      "--quiet",
      "print only the verdict line, and no progress line (also left out when CI is set or stderr is not a terminal)",
    )
    .allowExcessArguments(true);
}

/** An option that takes a value, which is never the next option (`--url --token k` is a missing --url). */
function valueOption(flags: string, description: string): Option {
  const name = flags.slice(0, flags.indexOf(" "));
  return new Option(flags, description).argParser((value: string) => {
    if (value.startsWith("--")) throw new ConfigError(`${name} needs a value`);
    return value;
  });
}

/** commander's own words, without its "error: " prefix and quotes. */
function commanderMessage(error: unknown): string {
  if (!(error instanceof CommanderError)) throw error;
  return error.message
    .replace(/^error: /, "")
    .replace(/^option '--report <[^']*>' argument missing$/, "--report needs json=FILE, junit=FILE and/or html=FILE")
    .replace(/^option '(--[a-z-]+) <[^']*>' argument missing$/, "$1 needs a value")
    .replace(/'([^']*)'/g, "$1")
    .replace(/\n\(/g, " (");
}

function integer<K extends string>(
  name: string,
  raw: string | undefined,
  minimum: number,
  key: K,
): Partial<Record<K, number>> {
  if (raw === undefined) return {};
  if (!/^\d+$/.test(raw) || Number(raw) < minimum || !Number.isSafeInteger(Number(raw)))
    throw new ConfigError(`${name} ${raw} is not an integer of at least ${minimum}`);
  return { [key]: Number(raw) } as Record<K, number>;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function list(raw: string | undefined): string[] {
  return raw === undefined
    ? []
    : raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}
