// pnpm cli <command>: workspaces, keys and inboxes, against the same store as the server
// (MCPEMAILS_DATA_DIR or REDIS_URL), so a change takes effect on a running server at once.
import { parseArgs } from "node:util";
import type { Store } from "../store/store.js";
import { addImapInbox, beginOAuthConnect, type ConnectDeps } from "./connect-inbox.js";
import {
  AdminInputError,
  addSandboxInbox,
  createApiKey,
  createWorkspace,
  inboxAddress,
  parsePlan,
  parseScopes,
} from "./operations.js";

const USAGE = `usage: pnpm cli <command>
  workspace create --name NAME [--plan free|pro|enterprise] [--sends-per-day N] [--json]
  workspace list [--json]
  key create --workspace ID --scopes read:email,send:email [--test] [--name NAME] [--json]
  key revoke KEY_ID
  key list --workspace ID [--json]
  inbox add sandbox --workspace ID [--json]
  inbox add imap --workspace ID --imap-host H --imap-port P [--imap-tls] --smtp-host H --smtp-port P [--smtp-tls]
                 --user U --password-env VAR [--address EMAIL] [--json]
  inbox connect gmail|outlook --workspace ID [--json]   (prints the consent URL to open)
  inbox list [--workspace ID] [--json]
  inbox remove INBOX_ID`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function runCli(
  argv: string[],
  store: Store,
  io: CliIo,
  connect?: ConnectDeps,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      plan: { type: "string" },
      "sends-per-day": { type: "string" },
      workspace: { type: "string" },
      scopes: { type: "string" },
      test: { type: "boolean", default: false },
      "imap-host": { type: "string" },
      "imap-port": { type: "string" },
      "imap-tls": { type: "boolean", default: false },
      "smtp-host": { type: "string" },
      "smtp-port": { type: "string" },
      "smtp-tls": { type: "boolean", default: false },
      user: { type: "string" },
      "password-env": { type: "string" },
      address: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const print = (json: unknown, text: string) => io.out(values.json ? JSON.stringify(json) : text);
  const need = (value: string | undefined, flag: string): string => {
    if (value === undefined || value === "") throw new AdminInputError(`Missing --${flag}.`);
    return value;
  };
  const port = (flag: "imap-port" | "smtp-port"): number => {
    const value = Number(need(values[flag], flag));
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      throw new AdminInputError(`--${flag} must be a port number (1-65535).`);
    return value;
  };
  const requireConnect = (): ConnectDeps => {
    if (connect === undefined)
      throw new AdminInputError("This command needs the server's configuration; run it as `pnpm cli`.");
    return connect;
  };
  const [noun, verb, arg] = positionals;
  try {
    switch (`${noun} ${verb}`) {
      case "workspace create": {
        const sendsPerDay = values["sends-per-day"] === undefined ? undefined : Number(values["sends-per-day"]);
        if (sendsPerDay !== undefined && !(Number.isSafeInteger(sendsPerDay) && sendsPerDay >= 0))
          throw new AdminInputError("--sends-per-day must be a whole number.");
        const workspace = await createWorkspace(store, {
          name: need(values.name, "name"),
          plan: parsePlan(values.plan),
          sendsPerDay,
        });
        print({ workspace_id: workspace.id }, `workspace ${workspace.id} (${workspace.name}, ${workspace.plan})`);
        return 0;
      }
      case "workspace list": {
        const workspaces = await store.listWorkspaces();
        print(
          workspaces.map((w) => ({ workspace_id: w.id, name: w.name, plan: w.plan })),
          workspaces.map((w) => `${w.id}  ${w.plan.padEnd(10)} ${w.name}`).join("\n") || "no workspaces",
        );
        return 0;
      }
      case "key create": {
        const { record, key } = await createApiKey(store, {
          workspaceId: need(values.workspace, "workspace"),
          scopes: parseScopes(values.scopes),
          mode: values.test ? "test" : "live",
          ...(values.name ? { name: values.name } : {}),
        });
        print(
          { key_id: record.id, key },
          `key ${record.id} (${record.scopes.join(", ")})\n${key}\nThis key is shown once; store it now.`,
        );
        return 0;
      }
      case "key revoke": {
        const revoked = await store.revokeApiKey(need(verb === "revoke" ? arg : undefined, "key id (KEY_ID)"));
        if (!revoked) throw new AdminInputError(`No key ${String(arg)}.`);
        print({ revoked: arg }, `revoked ${String(arg)}`);
        return 0;
      }
      case "key list": {
        const keys = await store.listApiKeys(need(values.workspace, "workspace"));
        print(
          keys.map((k) => ({ key_id: k.id, hint: k.hint, mode: k.mode, scopes: k.scopes, revoked_at: k.revokedAt })),
          keys
            .map(
              (k) =>
                `${k.id}  ${k.hint.padEnd(16)} ${k.scopes.join(",").padEnd(22)} ${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}`,
            )
            .join("\n") || "no keys",
        );
        return 0;
      }
      case "inbox add": {
        if (arg !== "sandbox" && arg !== "imap")
          throw new AdminInputError(
            `Unknown inbox kind "${String(arg)}"; add sandbox or imap inboxes, and connect gmail or outlook ones (inbox connect).`,
          );
        const workspaceId = need(values.workspace, "workspace");
        let inbox;
        if (arg === "sandbox") {
          inbox = await addSandboxInbox(store, { workspaceId });
        } else {
          // The password comes from the environment, never the command line (shell history, ps).
          const passwordVariable = need(values["password-env"], "password-env");
          const password = env[passwordVariable];
          if (password === undefined || password === "")
            throw new AdminInputError(`The environment variable ${passwordVariable} (--password-env) is not set.`);
          const user = need(values.user, "user");
          inbox = await addImapInbox(store, requireConnect(), {
            workspaceId,
            settings: {
              imap: {
                host: need(values["imap-host"], "imap-host"),
                port: port("imap-port"),
                secure: values["imap-tls"],
              },
              smtp: {
                host: need(values["smtp-host"], "smtp-host"),
                port: port("smtp-port"),
                secure: values["smtp-tls"],
              },
              user,
              password,
              address: inboxAddress(values.address, user),
            },
          });
        }
        print({ inbox_id: inbox.id }, `inbox ${inbox.id} (${inbox.kind}, ${inbox.addresses.join(", ")})`);
        return 0;
      }
      case "inbox connect": {
        if (arg !== "gmail" && arg !== "outlook")
          throw new AdminInputError(`Unknown provider "${String(arg)}"; connect gmail or outlook.`);
        const consentUrl = await beginOAuthConnect(store, requireConnect(), {
          workspaceId: need(values.workspace, "workspace"),
          kind: arg,
        });
        print(
          { consent_url: consentUrl },
          `Open this link and consent; the server (running, reachable at the callback) then adds the inbox:\n${consentUrl}`,
        );
        return 0;
      }
      case "inbox list": {
        const inboxes = await store.listInboxes(values.workspace);
        print(
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
        return 0;
      }
      case "inbox remove": {
        const removed = await store.removeInbox(need(verb === "remove" ? arg : undefined, "inbox id (INBOX_ID)"));
        if (!removed) throw new AdminInputError(`No inbox ${String(arg)}.`);
        print({ removed: arg }, `removed ${String(arg)}`);
        return 0;
      }
      default:
        io.err(USAGE);
        return 2;
    }
  } catch (error) {
    if (error instanceof AdminInputError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
