// pnpm cli <command>: workspaces, keys and inboxes, against the same store as the server
// (MCPEMAILS_DATA_DIR or REDIS_URL), so a change takes effect on a running server at once.
import { Command, CommanderError, Option } from "commander";
import { randomBytes } from "node:crypto";
import type { InboxRecord, MemberRole, Store, Workspace } from "../store/store.js";
import { createAccount, createInvite, inviteLink } from "../dashboard/accounts/accounts.js";
import { addImapInbox, beginOAuthConnect, type ConnectDeps } from "./connect-inbox.js";
import {
  AdminInputError,
  addSandboxInbox,
  createApiKey,
  createWorkspace,
  inboxAddress,
  mailEndpoint,
  parsePlan,
  parseScopes,
  SECURITY_CHOICES,
  type SecurityChoice,
  updateWorkspaceLimits,
  workspaceView,
} from "./operations.js";
import { addSendPolicyCommands } from "./send-policy-commands.js";
import { addSendHoldCommands } from "./send-hold-commands.js";
import { createSendApprovals } from "../send-approval/send-approvals.js";
import { createProviderRegistry } from "../providers/registry.js";
import type { MailProvider } from "../providers/provider.js";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** All of standard input (for --password-stdin). */
  readStdin?: () => Promise<string>;
}

/** The store, or how to open it: `--help` and a usage mistake never open it. */
export type CliStore = Store | (() => Promise<Store>);

/** The OAuth apps and the secret key, or how to get them: only the inbox commands that connect need them. */
export type CliConnect = ConnectDeps | (() => ConnectDeps);

interface JsonOption {
  json?: boolean;
}

/** "plan" returns a quota to the plan's; anything else must be a whole number. */
function quotaOption(value: string | undefined, flag: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "plan") return null;
  if (!/^\d+$/.test(value)) throw new AdminInputError(`--${flag} must be a whole number, or plan.`);
  return Number(value);
}

function describeOverrides(workspace: Workspace): string {
  const parts: string[] = [];
  if (workspace.rateLimitsOverride !== null)
    parts.push(
      `rate limits ${Object.entries(workspace.rateLimitsOverride)
        .map(([window, limit]) => `${limit}/${window}`)
        .join(",")}`,
    );
  if (workspace.callsPerMonthOverride !== null) parts.push(`${workspace.callsPerMonthOverride} calls per month`);
  if (workspace.sendsPerDayOverride !== null) parts.push(`${workspace.sendsPerDayOverride} sends per day`);
  return parts.length === 0 ? "" : `: ${parts.join("; ")}`;
}

/**
 * Runs one command. Exit 0 when it did what it was asked (and for `--help`/`-h`, which print the usage of the
 * command they follow), 2 for a usage mistake (unknown command or option, missing argument) or input the command
 * refuses, with a message naming what is wrong on `io.err`.
 */
export async function runCli(
  argv: string[],
  store: CliStore,
  io: CliIo,
  connect?: CliConnect,
  env: NodeJS.ProcessEnv = process.env,
  /** The mail providers an approved hold is sent through; default: the registry without OAuth apps. */
  providers?: (store: Store) => (inbox: InboxRecord) => MailProvider,
): Promise<number> {
  let opened: Store | undefined;
  const theStore = async (): Promise<Store> => (opened ??= typeof store === "function" ? await store() : store);
  const print = (options: JsonOption, json: unknown, text: string) =>
    io.out(options.json ? JSON.stringify(json) : text);
  const need = (value: string | undefined, flag: string): string => {
    if (value === undefined || value === "") throw new AdminInputError(`Missing --${flag}.`);
    return value;
  };
  const port = (value: string | undefined, flag: "imap-port" | "smtp-port"): number => {
    const number = Number(need(value, flag));
    if (!Number.isInteger(number) || number < 1 || number > 65535)
      throw new AdminInputError(`--${flag} must be a port number (1-65535).`);
    return number;
  };
  const requireConnect = (): ConnectDeps => {
    if (connect === undefined)
      throw new AdminInputError("This command needs the server's configuration; run it as `pnpm cli`.");
    return typeof connect === "function" ? connect() : connect;
  };

  const program = new Command("pnpm cli")
    .description(
      "Workspaces, keys and inboxes, in the same store as the server (MCPEMAILS_DATA_DIR or REDIS_URL): " +
        "a change takes effect on a running server at once.",
    )
    .helpOption("-h, --help", "print the usage of this command and exit")
    .addHelpText("after", "\nEach command's options: pnpm cli <command> --help, e.g. pnpm cli inbox add imap --help.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .showHelpAfterError();
  const json = () => new Option("--json", "print the result as one line of JSON");
  const securityOption = (server: "imap" | "smtp", tlsPort: number) =>
    new Option(
      `--${server}-security <MODE>`,
      `how the password is protected: tls, starttls (required, not just when offered) or insecure-plaintext ` +
        `(loopback only unless MCPEMAILS_ALLOW_PLAINTEXT_MAIL=true); default tls on port ${tlsPort}, starttls elsewhere`,
    ).choices(SECURITY_CHOICES);

  const workspace = program.command("workspace").description("create, change and list workspaces");
  workspace
    .command("create")
    .description("create a workspace; prints its id")
    .option("--name <NAME>", "the workspace's name (required)")
    .option("--plan <PLAN>", "free, pro or enterprise (default free)")
    .option("--sends-per-day <N>", "the daily send limit; required on the enterprise plan, whose limit is custom")
    .addOption(json())
    .action(async (options: { name?: string; plan?: string; sendsPerDay?: string } & JsonOption) => {
      const sendsPerDay = options.sendsPerDay === undefined ? undefined : Number(options.sendsPerDay);
      if (sendsPerDay !== undefined && !(Number.isSafeInteger(sendsPerDay) && sendsPerDay >= 0))
        throw new AdminInputError("--sends-per-day must be a whole number.");
      const created = await createWorkspace(await theStore(), {
        name: need(options.name, "name"),
        plan: parsePlan(options.plan),
        sendsPerDay,
      });
      print(options, { workspace_id: created.id }, `workspace ${created.id} (${created.name}, ${created.plan})`);
    });
  workspace
    .command("list")
    .description("list the workspaces")
    .addOption(json())
    .action(async (options: JsonOption) => {
      const workspaces = await (await theStore()).listWorkspaces();
      print(
        options,
        workspaces.map(workspaceView),
        workspaces.map((w) => `${w.id}  ${w.plan.padEnd(10)} ${w.name}${describeOverrides(w)}`).join("\n") ||
          "no workspaces",
      );
    });
  workspace
    .command("update")
    .description("change a workspace's limits; takes effect on every running server at its next request")
    .argument("<ID>", "the workspace")
    .option(
      "--rate-limits <LIST>",
      "per-key rate windows of this workspace, e.g. 1000/minute,50000/day (a window not named keeps the server's); server: the server's again",
    )
    .option("--calls-per-month <N>", "the monthly call quota; plan: the plan's again")
    .option("--sends-per-day <N>", "the daily send quota; plan: the plan's again")
    .addOption(json())
    .action(
      async (
        id: string,
        options: { rateLimits?: string; callsPerMonth?: string; sendsPerDay?: string } & JsonOption,
      ) => {
        const updated = await updateWorkspaceLimits(
          await theStore(),
          id,
          {
            rateLimits: options.rateLimits === "server" ? null : options.rateLimits,
            callsPerMonth: quotaOption(options.callsPerMonth, "calls-per-month"),
            sendsPerDay: quotaOption(options.sendsPerDay, "sends-per-day"),
          },
          { rateLimits: "--rate-limits", callsPerMonth: "--calls-per-month", sendsPerDay: "--sends-per-day" },
        );
        print(
          options,
          workspaceView(updated),
          `workspace ${updated.id} (${updated.name}, ${updated.plan})${describeOverrides(updated) || ": the plan's quotas and the server's rate windows"}`,
        );
      },
    );

  const key = program.command("key").description("create, revoke and list API keys");
  key
    .command("create")
    .description("create an API key; prints it once")
    .option("--workspace <ID>", "the workspace the key belongs to (required)")
    .option("--scopes <SCOPES>", "comma-separated scopes, e.g. read:email,send:email,draft:email (required)")
    .option("--test", "a test key (mcpe_test_...), which reaches sandbox inboxes only; a live key otherwise")
    .option("--name <NAME>", "a name to tell the key by")
    .option(
      "--inboxes <IDS>",
      "comma-separated inbox ids: the only inboxes of its workspace the key may use (default all)",
    )
    .addOption(json())
    .action(
      async (
        options: { workspace?: string; scopes?: string; test?: boolean; name?: string; inboxes?: string } & JsonOption,
      ) => {
        const { record, key: created } = await createApiKey(await theStore(), {
          workspaceId: need(options.workspace, "workspace"),
          scopes: parseScopes(options.scopes),
          mode: options.test ? "test" : "live",
          ...(options.name ? { name: options.name } : {}),
          ...(options.inboxes === undefined
            ? {}
            : { inboxIds: options.inboxes.split(",").filter((id) => id.trim() !== "") }),
        });
        print(
          options,
          { key_id: record.id, key: created },
          `key ${record.id} (${record.scopes.join(", ")})\n${created}\nThis key is shown once; store it now.`,
        );
      },
    );
  key
    .command("revoke")
    .description("revoke a key: a running server refuses it at once")
    .argument("<KEY_ID>", "the key's id (key list shows it)")
    .addOption(json())
    .action(async (keyId: string, options: JsonOption) => {
      const revoked = await (await theStore()).revokeApiKey(keyId);
      if (!revoked) throw new AdminInputError(`No key ${keyId}.`);
      print(options, { revoked: keyId }, `revoked ${keyId}`);
    });
  key
    .command("list")
    .description("list a workspace's keys (their hints, never the keys)")
    .option("--workspace <ID>", "the workspace (required)")
    .addOption(json())
    .action(async (options: { workspace?: string } & JsonOption) => {
      const keys = await (await theStore()).listApiKeys(need(options.workspace, "workspace"));
      print(
        options,
        keys.map((k) => ({ key_id: k.id, hint: k.hint, mode: k.mode, scopes: k.scopes, revoked_at: k.revokedAt })),
        keys
          .map(
            (k) =>
              `${k.id}  ${k.hint.padEnd(16)} ${k.scopes.join(",").padEnd(22)} ${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}`,
          )
          .join("\n") || "no keys",
      );
    });

  const inbox = program.command("inbox").description("add, connect, list and remove inboxes");
  const printInbox = (options: JsonOption, added: { id: string; kind: string; addresses: string[] }) =>
    print(options, { inbox_id: added.id }, `inbox ${added.id} (${added.kind}, ${added.addresses.join(", ")})`);
  const add = inbox
    .command("add")
    .description("add a sandbox or an IMAP/SMTP inbox (Gmail and Outlook ones are connected: inbox connect)")
    .usage("sandbox|imap [options]")
    .argument("[KIND]")
    // A kind that is neither sandbox nor imap lands here, whatever follows it.
    .allowUnknownOption()
    .allowExcessArguments()
    .action((kind: string | undefined) => {
      throw new AdminInputError(
        kind === undefined
          ? "Give the inbox kind: add sandbox or imap inboxes, and connect gmail or outlook ones (inbox connect)."
          : `Unknown inbox kind "${kind}"; add sandbox or imap inboxes, and connect gmail or outlook ones (inbox connect).`,
      );
    });
  add
    .command("sandbox")
    .description("add a sandbox inbox, seeded with sample mail; prints its id")
    .option("--workspace <ID>", "the workspace (required)")
    .addOption(json())
    .action(async (options: { workspace?: string } & JsonOption) => {
      const workspaceId = need(options.workspace, "workspace");
      printInbox(options, await addSandboxInbox(await theStore(), { workspaceId }));
    });
  add
    .command("imap")
    .description("add an IMAP/SMTP mailbox, once its login is checked; prints its id")
    .option("--workspace <ID>", "the workspace (required)")
    .option("--imap-host <HOST>", "the IMAP server (required)")
    .option("--imap-port <PORT>", "its port (required)")
    .addOption(securityOption("imap", 993))
    .option("--smtp-host <HOST>", "the SMTP server (required)")
    .option("--smtp-port <PORT>", "its port (required)")
    .addOption(securityOption("smtp", 465))
    .option("--user <USER>", "the login (required)")
    .option(
      "--password-env <VAR>",
      "the environment variable holding the password (required); never the password itself, which would stay in shell history and ps",
    )
    .option("--address <EMAIL>", "the inbox's address, when the login is not one")
    .addOption(json())
    .action(
      async (
        options: {
          workspace?: string;
          imapHost?: string;
          imapPort?: string;
          imapSecurity?: SecurityChoice;
          smtpHost?: string;
          smtpPort?: string;
          smtpSecurity?: SecurityChoice;
          user?: string;
          passwordEnv?: string;
          address?: string;
        } & JsonOption,
      ) => {
        const workspaceId = need(options.workspace, "workspace");
        // The password comes from the environment, never the command line (shell history, ps).
        const passwordVariable = need(options.passwordEnv, "password-env");
        const password = env[passwordVariable];
        if (password === undefined || password === "")
          throw new AdminInputError(`The environment variable ${passwordVariable} (--password-env) is not set.`);
        const user = need(options.user, "user");
        const added = await addImapInbox(await theStore(), requireConnect(), {
          workspaceId,
          settings: {
            imap: mailEndpoint(
              "IMAP",
              need(options.imapHost, "imap-host"),
              port(options.imapPort, "imap-port"),
              options.imapSecurity,
            ),
            smtp: mailEndpoint(
              "SMTP",
              need(options.smtpHost, "smtp-host"),
              port(options.smtpPort, "smtp-port"),
              options.smtpSecurity,
            ),
            user,
            password,
            address: inboxAddress(options.address, user),
          },
        });
        printInbox(options, added);
      },
    );
  inbox
    .command("connect")
    .description(
      "print the consent URL that connects a Gmail or Outlook mailbox; open it, and the server adds the inbox",
    )
    .argument("<PROVIDER>", "gmail or outlook")
    .option("--workspace <ID>", "the workspace (required)")
    .option("--imap", "connect it as an IMAP/SMTP inbox that signs in with this consent (XOAUTH2), not through the API")
    .addOption(json())
    .action(async (provider: string, options: { workspace?: string; imap?: boolean } & JsonOption) => {
      if (provider !== "gmail" && provider !== "outlook")
        throw new AdminInputError(`Unknown provider "${provider}"; connect gmail or outlook.`);
      const consentUrl = await beginOAuthConnect(await theStore(), requireConnect(), {
        workspaceId: need(options.workspace, "workspace"),
        kind: provider,
        ...(options.imap === true ? { via: "imap" as const } : {}),
      });
      print(
        options,
        { consent_url: consentUrl },
        `Open this link and consent; the server (running, reachable at the callback) then adds the inbox:\n${consentUrl}`,
      );
    });
  inbox
    .command("list")
    .description("list the inboxes, of one workspace or all")
    .option("--workspace <ID>", "only this workspace's inboxes")
    .addOption(json())
    .action(async (options: { workspace?: string } & JsonOption) => {
      const inboxes = await (await theStore()).listInboxes(options.workspace);
      print(
        options,
        inboxes.map((i) => ({
          inbox_id: i.id,
          workspace_id: i.workspaceId,
          kind: i.kind,
          mode: i.mode,
          addresses: i.addresses,
        })),
        inboxes.map((i) => `${i.id}  ${i.kind.padEnd(8)} ${i.mode.padEnd(5)} ${i.addresses.join(", ")}`).join("\n") ||
          "no inboxes",
      );
    });
  inbox
    .command("remove")
    .description("remove an inbox")
    .argument("<INBOX_ID>", "the inbox's id (inbox list shows it)")
    .addOption(json())
    .action(async (inboxId: string, options: JsonOption) => {
      const removed = await (await theStore()).removeInbox(inboxId);
      if (!removed) throw new AdminInputError(`No inbox ${inboxId}.`);
      print(options, { removed: inboxId }, `removed ${inboxId}`);
    });

  const role = (value: string | undefined): MemberRole => {
    if (value === undefined || value === "owner" || value === "member") return value ?? "owner";
    throw new AdminInputError(`--role must be owner or member, not "${value}".`);
  };
  const publicUrl = () =>
    (env.MCPEMAILS_PUBLIC_URL?.trim() || `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/+$/u, "");
  const user = program.command("user").description("dashboard accounts: create them, invite people, list them");
  user
    .command("create")
    .description(
      "create a dashboard account: owner of a new workspace, or a member of --workspace; prints a generated password once unless --password-stdin",
    )
    .option("--email <EMAIL>", "the person's email, which they sign in with (required)")
    .option("--workspace <ID>", "join this workspace (default: open a new workspace the account owns)")
    .option("--workspace-name <NAME>", "the new workspace's name")
    .option("--role <ROLE>", "owner or member of --workspace (default member)")
    .option("--password-stdin", "read the password from standard input instead of generating one")
    .addOption(json())
    .action(
      async (
        options: {
          email?: string;
          workspace?: string;
          workspaceName?: string;
          role?: string;
          passwordStdin?: boolean;
        } & JsonOption,
      ) => {
        const theRole = options.role === undefined && options.workspace !== undefined ? "member" : role(options.role);
        const generated = options.passwordStdin ? undefined : randomBytes(18).toString("base64url");
        const password = generated ?? (await (io.readStdin ?? readAllStdin)()).replace(/\r?\n$/u, "");
        const store = await theStore();
        if (options.workspace !== undefined && !(await store.getWorkspace(options.workspace)))
          throw new AdminInputError(`No workspace ${options.workspace}.`);
        const { user: created, membership } = await createAccount(store, {
          email: need(options.email, "email"),
          password,
          ...(options.workspaceName ? { workspaceName: options.workspaceName } : {}),
          ...(options.workspace === undefined
            ? {}
            : {
                join: { workspaceId: options.workspace, role: theRole },
              }),
        });
        print(
          options,
          {
            user_id: created.id,
            email: created.email,
            workspace_id: membership.workspaceId,
            role: membership.role,
            password: generated,
          },
          [
            `user ${created.id} (${created.email}), ${membership.role} of workspace ${membership.workspaceId}`,
            ...(generated
              ? [
                  `password: ${generated}`,
                  "This password is shown once; give it to the person, who signs in at /dashboard/login.",
                ]
              : []),
          ].join("\n"),
        );
      },
    );
  user
    .command("invite")
    .description(
      "print a one-time sign-up link (valid 7 days): to join --workspace, or to open a workspace of one's own",
    )
    .option("--workspace <ID>", "the workspace the link joins (default: the person opens their own)")
    .option("--role <ROLE>", "owner or member of --workspace (default member)")
    .addOption(json())
    .action(async (options: { workspace?: string; role?: string } & JsonOption) => {
      const { token, invite } = await createInvite(await theStore(), {
        workspaceId: options.workspace ?? null,
        role: options.workspace === undefined ? "owner" : role(options.role ?? "member"),
        now: new Date(),
      });
      const link = inviteLink(publicUrl(), token);
      print(
        options,
        {
          link,
          workspace_id: invite.workspaceId,
          role: invite.role,
          expires_at: new Date(invite.expiresAtMs).toISOString(),
        },
        `${link}\nOne use, until ${new Date(invite.expiresAtMs).toISOString()}.`,
      );
    });
  user
    .command("list")
    .description("list a workspace's members")
    .option("--workspace <ID>", "the workspace (required)")
    .addOption(json())
    .action(async (options: { workspace?: string } & JsonOption) => {
      const store = await theStore();
      const rows = [];
      for (const m of await store.listMembersOfWorkspace(need(options.workspace, "workspace"))) {
        const found = await store.getUser(m.userId);
        if (found) rows.push({ user_id: found.id, email: found.email, role: m.role });
      }
      print(options, rows, rows.map((r) => `${r.user_id}  ${r.role.padEnd(7)} ${r.email}`).join("\n") || "no members");
    });

  addSendPolicyCommands(program, { theStore, out: io.out, need });
  const approvals = async () =>
    createSendApprovals({
      store: await theStore(),
      providerFor: (providers ?? createProviderRegistry)(await theStore()),
      now: () => new Date(),
    });
  addSendHoldCommands(program, { theStore, approvals, out: io.out, need });

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    // commander has printed its message (and the usage); --help is the one "error" that exits 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof AdminInputError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
