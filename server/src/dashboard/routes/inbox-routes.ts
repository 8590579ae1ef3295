// Inboxes: list, connect (sandbox, IMAP/SMTP by form, Gmail and Outlook by the OAuth flow, which
// comes back here), reconnect, remove. Every inbox is looked up within the workspace in view: an
// id of another workspace is "not found", like over /mcp.
import type { FastifyInstance } from "fastify";
import { addImapInbox, beginOAuthConnect } from "../../admin/connect-inbox.js";
import {
  AdminInputError,
  addSandboxInbox,
  inboxAddress,
  mailEndpoint,
  SECURITY_CHOICES,
  type SecurityChoice,
} from "../../admin/operations.js";
import type { InboxRecord, Store } from "../../store/store.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml } from "../member-page.js";
import { connectPage, inboxesPage, removeInboxPage, type InboxRow } from "../views/inbox-pages.js";

type Form = Record<string, string | undefined>;
const IMAP_FIELDS = [
  "address",
  "user",
  "imap_host",
  "imap_port",
  "imap_security",
  "smtp_host",
  "smtp_port",
  "smtp_security",
];

/** How many recent calls decide an inbox's state: its latest one failing auth_failed means it needs reconnecting. */
const STATE_LOOKBACK = 500;

export async function inboxRows(store: Store, workspaceId: string): Promise<InboxRow[]> {
  const inboxes = await store.listInboxes(workspaceId);
  const latest = new Map<string, string>();
  for (const entry of await store.listActivity(workspaceId, { limit: STATE_LOOKBACK }))
    if (entry.inboxId !== null && !latest.has(entry.inboxId)) latest.set(entry.inboxId, entry.outcome);
  return inboxes.map((inbox) => ({
    inbox,
    state: latest.get(inbox.id) === "auth_failed" ? "needs-reconnecting" : "connected",
  }));
}

async function ownInbox(store: Store, workspaceId: string, id: string): Promise<InboxRecord | undefined> {
  const inbox = await store.getInbox(id);
  return inbox?.workspaceId === workspaceId ? inbox : undefined;
}

function port(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65535)
    throw new AdminInputError(`The ${name} port must be a whole number from 1 to 65535.`);
  return number;
}

function security(value: string | undefined): SecurityChoice {
  return (SECURITY_CHOICES as readonly string[]).includes(value ?? "") ? (value as SecurityChoice) : "tls";
}

export async function inboxRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store, connect } = options;
  const choices = {
    gmail: connect?.google !== undefined,
    outlook: connect?.microsoft !== undefined,
    imap: connect !== undefined,
  };

  app.get("/dashboard/inboxes", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    return sendHtml(reply, inboxesPage(page.frame("Inboxes", "inboxes"), await inboxRows(store, page.me.workspace.id)));
  });

  app.get<{ Querystring: { address?: string } }>("/dashboard/inboxes/connect", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    return sendHtml(
      reply,
      connectPage(page.frame("Connect Inbox", "inboxes"), { ...choices, address: request.query.address }),
    );
  });

  app.post("/dashboard/inboxes/connect/sandbox", { preHandler: app.csrfProtection }, async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    await addSandboxInbox(store, { workspaceId: page.me.workspace.id, now: options.now() });
    return reply.redirect("/dashboard/inboxes?done=inbox-added", 303);
  });

  app.post("/dashboard/inboxes/connect/imap", { preHandler: app.csrfProtection }, async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const form = (request.body ?? {}) as Form;
    const kept = Object.fromEntries(IMAP_FIELDS.map((name) => [name, form[name] ?? ""]));
    try {
      if (!connect) throw new AdminInputError("This server cannot connect IMAP inboxes.");
      const user = (form.user ?? "").trim();
      if (user === "" || (form.password ?? "") === "") throw new AdminInputError("Give the username and the password.");
      const host = (name: string) => {
        const value = (form[`${name}_host`] ?? "").trim();
        if (value === "") throw new AdminInputError(`Give the ${name.toUpperCase()} host.`);
        return value;
      };
      await addImapInbox(store, connect, {
        workspaceId: page.me.workspace.id,
        settings: {
          imap: mailEndpoint("IMAP", host("imap"), port(form.imap_port, "IMAP"), security(form.imap_security)),
          smtp: mailEndpoint("SMTP", host("smtp"), port(form.smtp_port, "SMTP"), security(form.smtp_security)),
          user,
          password: form.password ?? "",
          address: inboxAddress((form.address ?? "").trim() || undefined, user),
        },
      });
      return reply.redirect("/dashboard/inboxes?done=inbox-added", 303);
    } catch (error) {
      if (!(error instanceof AdminInputError)) throw error;
      const frame = page.frame("Connect Inbox", "inboxes", { error: error.message });
      return sendHtml(reply, connectPage(frame, { ...choices, form: kept }), 400);
    }
  });

  for (const [kind, via] of [
    ["gmail", undefined],
    ["outlook", undefined],
    ["gmail", "imap"],
    ["outlook", "imap"],
  ] as const) {
    const path = `/dashboard/inboxes/connect/${kind}${via === undefined ? "" : `-${via}`}`;
    app.post(path, { preHandler: app.csrfProtection }, async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      try {
        if (!connect) throw new AdminInputError("This server cannot connect Gmail or Outlook inboxes.");
        const link = await beginOAuthConnect(store, connect, {
          workspaceId: page.me.workspace.id,
          kind,
          fromDashboard: true,
          ...(via === undefined ? {} : { via }),
        });
        // The start link binds the flow to this browser, then sends it on to the consent page.
        const start = new URL(link);
        return reply.redirect(`${start.pathname}${start.search}`, 303);
      } catch (error) {
        if (!(error instanceof AdminInputError)) throw error;
        const frame = page.frame("Connect Inbox", "inboxes", { error: error.message });
        return sendHtml(reply, connectPage(frame, choices), 400);
      }
    });
  }

  app.get<{ Params: { id: string } }>("/dashboard/inboxes/:id/remove", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const inbox = await ownInbox(store, page.me.workspace.id, request.params.id);
    if (!inbox) return reply.redirect("/dashboard/inboxes", 303);
    return sendHtml(reply, removeInboxPage(page.frame("Remove inbox", "inboxes"), inbox));
  });

  app.post<{ Params: { id: string } }>(
    "/dashboard/inboxes/:id/remove",
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      const inbox = await ownInbox(store, page.me.workspace.id, request.params.id);
      if (inbox) await store.removeInbox(inbox.id);
      return reply.redirect(inbox ? "/dashboard/inboxes?done=inbox-removed" : "/dashboard/inboxes", 303);
    },
  );
}
