// Send policies (the workspace's default, each key's own, approval per inbox; owners change them)
// and the send log, as a page and as a JSON lines download.
import type { FastifyInstance, FastifyReply } from "fastify";
import { parseSendPolicy } from "../../send-policy/send-policy.js";
import type { StoredSendDecision } from "../../store/store.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { keyLabels } from "../../auth/key-labels.js";
import { isPage, memberPage, sendHtml, type MemberPage } from "../member-page.js";
import { formOfPolicy, sendLogPage, sendPolicyPage, type PolicyForm } from "../views/send-policy-pages.js";

const LOG_PAGE = 50;
const EXPORT_BATCH = 500;
// The notice after a save, asked for by name (never text from the URL), like member-page's.
const SAVED = "/dashboard/send-policy?done=send-policy-saved";
const SAVED_NOTICE = "The send policy is saved.";

const text = (value: unknown) => (typeof value === "string" ? value : "");
const lines = (value: string) =>
  value
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter((line) => line !== "");
// Empty is no limit; anything else goes to parseSendPolicy as typed, so its problem names it.
const limit = (value: string): unknown =>
  value.trim() === "" ? null : /^\d+$/u.test(value.trim()) ? Number(value) : value;

function formOfBody(body: Record<string, unknown>): PolicyForm {
  return {
    allow: text(body.allow),
    block: text(body.block),
    phrases: text(body.phrases),
    ownDomains: body.own_domains !== undefined,
    noAttachments: body.no_attachments !== undefined,
    noExternalLinks: body.no_external_links !== undefined,
    requireApproval: body.require_approval !== undefined,
    maxRecipients: text(body.max_recipients),
    sendsPerHour: text(body.sends_per_hour),
    undoSeconds: text(body.undo_seconds),
  };
}

const policyOfForm = (form: PolicyForm) =>
  parseSendPolicy({
    allowRecipients: lines(form.allow),
    blockRecipients: lines(form.block),
    blockedPhrases: lines(form.phrases),
    ownDomainsOnly: form.ownDomains,
    noAttachments: form.noAttachments,
    noExternalLinks: form.noExternalLinks,
    requireApproval: form.requireApproval,
    maxRecipients: limit(form.maxRecipients),
    sendsPerHour: limit(form.sendsPerHour),
    undoSeconds: limit(form.undoSeconds),
  });

export async function sendPolicyRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  const liveKeys = async (workspaceId: string) =>
    (await store.listApiKeys(workspaceId))
      .filter((key) => key.revokedAt === null)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  /** The page, with what was typed in one form kept when it was refused. */
  const render = async (
    page: MemberPage,
    reply: FastifyReply,
    status = 200,
    refused?: { target: string; form: PolicyForm; ownPolicy?: boolean; problem: string },
    notice?: string,
  ) => {
    const workspace = await store.getWorkspace(page.me.workspace.id);
    const inboxes = await store.listInboxes(page.me.workspace.id);
    const keys = (await liveKeys(page.me.workspace.id)).map((key) =>
      refused?.target === key.id
        ? { key, ownPolicy: refused.ownPolicy ?? true, form: refused.form }
        : { key, ownPolicy: key.sendPolicy !== null, form: formOfPolicy(key.sendPolicy) },
    );
    return sendHtml(
      reply,
      sendPolicyPage(
        page.frame("Send policy", "send-policy", { error: refused?.problem, ...(notice ? { notice } : {}) }),
        {
          workspace: refused?.target === "workspace" ? refused.form : formOfPolicy(workspace?.sendPolicy ?? null),
          keys,
          inboxes,
          canEdit: page.me.role === "owner",
        },
      ),
      status,
    );
  };
  app.get("/dashboard/send-policy", async (request, r) => {
    const page = await memberPage(options, request, r);
    if (!isPage(page)) return page;
    const saved = (request.query as { done?: unknown }).done === "send-policy-saved";
    return render(page, r, 200, undefined, saved ? SAVED_NOTICE : undefined);
  });

  app.post("/dashboard/send-policy/workspace", { preHandler: app.csrfProtection }, async (request, r) => {
    const page = await memberPage(options, request, r);
    if (!isPage(page)) return page;
    const form = formOfBody((request.body ?? {}) as Record<string, unknown>);
    if (page.me.role !== "owner")
      return render(page, r, 403, {
        target: "none",
        form,
        problem: "Only the workspace's owners change send policies.",
      });
    const parsed = policyOfForm(form);
    if (!parsed.ok)
      return render(page, r, 400, { target: "workspace", form, problem: `Not saved: ${parsed.problem}.` });
    await store.updateWorkspaceLimits(page.me.workspace.id, { sendPolicy: parsed.policy });
    return r.redirect(SAVED, 303);
  });

  // Approval per inbox (decision send-approval): every send from it is held, whatever the key's policy.
  app.post<{ Params: { id: string } }>(
    "/dashboard/send-policy/inboxes/:id",
    { preHandler: app.csrfProtection },
    async (request, r) => {
      const page = await memberPage(options, request, r);
      if (!isPage(page)) return page;
      const none = formOfPolicy(null);
      if (page.me.role !== "owner")
        return render(page, r, 403, {
          target: "none",
          form: none,
          problem: "Only the workspace's owners change send policies.",
        });
      const wanted = ((request.body ?? {}) as Record<string, unknown>).require_approval;
      if (wanted !== "on" && wanted !== "off")
        return render(page, r, 400, {
          target: "none",
          form: none,
          problem: 'Not saved: require_approval must be "on" or "off".',
        });
      const inbox = await store.getInbox(request.params.id);
      if (inbox?.workspaceId !== page.me.workspace.id) return r.redirect("/dashboard/send-policy", 303);
      await store.setInboxRequireApproval(inbox.id, wanted === "on");
      return r.redirect(SAVED, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/dashboard/send-policy/keys/:id",
    { preHandler: app.csrfProtection },
    async (request, r) => {
      const page = await memberPage(options, request, r);
      if (!isPage(page)) return page;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form = formOfBody(body);
      if (page.me.role !== "owner")
        return render(page, r, 403, {
          target: "none",
          form,
          problem: "Only the workspace's owners change send policies.",
        });
      const key = (await liveKeys(page.me.workspace.id)).find((k) => k.id === request.params.id);
      if (!key) return r.redirect("/dashboard/send-policy", 303);
      if (body.use !== "own") {
        await store.setApiKeySendPolicy(key.id, null);
        return r.redirect(SAVED, 303);
      }
      const parsed = policyOfForm(form);
      if (!parsed.ok)
        return render(page, r, 400, {
          target: key.id,
          form,
          ownPolicy: true,
          problem: `Not saved: ${parsed.problem}.`,
        });
      await store.setApiKeySendPolicy(key.id, parsed.policy);
      return r.redirect(SAVED, 303);
    },
  );

  app.get<{ Querystring: { before?: string } }>("/dashboard/send-log", async (request, r) => {
    const page = await memberPage(options, request, r);
    if (!isPage(page)) return page;
    const workspaceId = page.me.workspace.id;
    const before = /^\d+$/u.test(request.query.before ?? "") ? Number(request.query.before) : undefined;
    const entries = await store.listSendDecisions(workspaceId, {
      ...(before === undefined ? {} : { beforeSeq: before }),
      limit: LOG_PAGE,
    });
    return sendHtml(
      r,
      sendLogPage(page.frame("Send log", "send-log"), {
        entries,
        keyLabel: await keyLabels(store, workspaceId),
        older: entries.length === LOG_PAGE ? entries.at(-1)!.seq : undefined,
      }),
    );
  });

  app.get("/dashboard/send-log.jsonl", async (request, r) => {
    const page = await memberPage(options, request, r);
    if (!isPage(page)) return page;
    const all: StoredSendDecision[] = [];
    for (;;) {
      const batch = await store.listSendDecisions(page.me.workspace.id, {
        ...(all.length === 0 ? {} : { beforeSeq: all.at(-1)!.seq }),
        limit: EXPORT_BATCH,
      });
      if (batch.length === 0) break;
      all.push(...batch);
    }
    return r
      .type("application/x-ndjson; charset=utf-8")
      .header("content-disposition", 'attachment; filename="send-log.jsonl"')
      .send(all.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
  });
}
