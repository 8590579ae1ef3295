// pnpm cli send-policy and send-log (decision send-policy): a workspace's default policy or a key's
// own, set from JSON (checked by parseSendPolicy, the dashboard's and the admin API's one way in),
// shown or cleared; and the send log exported as JSON lines, newest first.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseSendPolicy, type SendPolicy } from "../send-policy/send-policy.js";
import type { ApiKeyRecord, Store, Workspace } from "../store/store.js";
import { AdminInputError } from "./operations.js";

export interface SendPolicyCommandDeps {
  theStore: () => Promise<Store>;
  out: (line: string) => void;
  need: (value: string | undefined, flag: string) => string;
}

interface Target {
  workspace?: string;
  key?: string;
}

const SEND_LOG_PAGE = 500;

export function addSendPolicyCommands(program: Command, deps: SendPolicyCommandDeps): void {
  const { theStore, out, need } = deps;
  const policy = program
    .command("send-policy")
    .description("the rules sends are held to: a workspace's default, or a key's own (which replaces it whole)");
  const targetOptions = (command: Command) =>
    command
      .option("--workspace <ID>", "the workspace (required)")
      .option("--key <KEY_ID>", "a key of the workspace: its own policy instead of the workspace's default");

  targetOptions(policy.command("show").description("print the policy as JSON (null: none)")).action(
    async (options: Target) => {
      const { workspace, key } = await resolveTarget(await theStore(), options, need);
      out(JSON.stringify(key === undefined ? workspace.sendPolicy : key.sendPolicy));
    },
  );

  targetOptions(
    policy
      .command("set")
      .description("set the policy from JSON; takes effect on every running server at its next send")
      .option(
        "--policy <JSON>",
        'the policy, e.g. {"blockRecipients":["rival.example"],"maxRecipients":10,"noExternalLinks":true}; fields: ' +
          "allowRecipients, blockRecipients, ownDomainsOnly, maxRecipients, sendsPerHour, noAttachments, noExternalLinks, blockedPhrases",
      )
      .option("--policy-file <PATH>", "read the policy's JSON from this file instead"),
  ).action(async (options: Target & { policy?: string; policyFile?: string }) => {
    const text =
      options.policyFile !== undefined ? await readPolicyFile(options.policyFile) : need(options.policy, "policy");
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      throw new AdminInputError("The policy is not JSON.");
    }
    const parsed = parseSendPolicy(input);
    if (!parsed.ok) throw new AdminInputError(`The policy is refused: ${parsed.problem}.`);
    const store = await theStore();
    const target = await resolveTarget(store, options, need);
    await apply(store, target, parsed.policy);
    out(JSON.stringify(parsed.policy));
  });

  targetOptions(
    policy.command("clear").description("remove the policy (a key then follows the workspace's default)"),
  ).action(async (options: Target) => {
    const store = await theStore();
    await apply(store, await resolveTarget(store, options, need), null);
    out("null");
  });

  program
    .command("send-log")
    .description("print a workspace's send decisions as JSON lines, newest first")
    .option("--workspace <ID>", "the workspace (required)")
    .option("--limit <N>", "at most this many entries (default all kept)")
    .action(async (options: { workspace?: string; limit?: string }) => {
      const store = await theStore();
      const { workspace } = await resolveTarget(store, options, need);
      const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : Number(options.limit);
      if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit > 0)))
        throw new AdminInputError("--limit must be a whole number above 0.");
      let printed = 0;
      let beforeSeq: number | undefined;
      while (printed < limit) {
        const page = await store.listSendDecisions(workspace.id, {
          limit: Math.min(SEND_LOG_PAGE, limit - printed),
          ...(beforeSeq === undefined ? {} : { beforeSeq }),
        });
        for (const entry of page) out(JSON.stringify(entry));
        printed += page.length;
        if (page.length === 0) break;
        beforeSeq = page[page.length - 1]!.seq;
      }
    });
}

async function resolveTarget(
  store: Store,
  options: Target,
  need: SendPolicyCommandDeps["need"],
): Promise<{ workspace: Workspace; key?: ApiKeyRecord }> {
  const workspaceId = need(options.workspace, "workspace");
  const workspace = await store.getWorkspace(workspaceId);
  if (!workspace) throw new AdminInputError(`No workspace ${workspaceId}.`);
  if (options.key === undefined) return { workspace };
  const key = (await store.listApiKeys(workspace.id)).find((record) => record.id === options.key);
  if (!key) throw new AdminInputError(`No key ${options.key} in workspace ${workspace.id}.`);
  return { workspace, key };
}

async function apply(
  store: Store,
  target: { workspace: Workspace; key?: ApiKeyRecord },
  policy: SendPolicy | null,
): Promise<void> {
  if (target.key !== undefined) await store.setApiKeySendPolicy(target.key.id, policy);
  else await store.updateWorkspaceLimits(target.workspace.id, { sendPolicy: policy });
}

async function readPolicyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new AdminInputError(`Cannot read --policy-file ${path}.`);
  }
}
