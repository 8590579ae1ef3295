// Usage of the workspace in view against its plan, and the activity log of agent calls.
import { PLANS, TOOL_NAMES } from "@mcpemails/generated";
import type { FastifyInstance } from "fastify";
import { callsPerMonth, dayPeriod, monthPeriod, quotaCounter, sendsPerDay } from "../../limits/quotas.js";
import type { UsageCount } from "../../store/store.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isPage, memberPage, sendHtml } from "../member-page.js";
import { activityPage, usagePage } from "../views/usage-pages.js";

const ACTIVITY_PAGE_SIZE = 50;

function totals(counts: UsageCount[], by: (c: UsageCount) => string): { label: string; count: number }[] {
  const sums = new Map<string, number>();
  for (const c of counts) sums.set(by(c), (sums.get(by(c)) ?? 0) + c.count);
  return [...sums]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

export async function usageRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  /** What a caller is called on the page: a key by its name and hint, a connected app by its client's name. */
  const keyNames = async (workspaceId: string) => {
    const [keys, grants] = await Promise.all([store.listApiKeys(workspaceId), store.listOAuthGrants(workspaceId)]);
    const clients = new Map(
      await Promise.all(
        [...new Set(grants.map((g) => g.clientId))].map(async (id) => [id, await store.getOAuthClient(id)] as const),
      ),
    );
    return new Map<string, string>([
      ...keys.map((k) => [k.id, `${k.name ?? "(no name)"} ${k.hint}`] as const),
      ...grants.map((g) => [g.id, `App: ${clients.get(g.clientId)?.name ?? "(removed app)"}`] as const),
    ]);
  };

  app.get("/dashboard/usage", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const workspace = page.me.workspace;
    const now = options.now();
    const month = monthPeriod(now);
    const counts = await store.usageOfMonth(workspace.id, month.label);
    const names = await keyNames(workspace.id);
    const callLimit = callsPerMonth(workspace);
    const sendLimit = sendsPerDay(workspace);
    const nowMs = now.getTime();
    const refusals = counts.filter((c) => c.outcome === "rate_limit_exceeded").reduce((n, c) => n + c.count, 0);
    const gauges = [
      {
        label: "Calls this month",
        used: await store.quotaUsed(quotaCounter("calls_per_month", workspace.id, month), nowMs),
        limit: callLimit,
        detail: `${PLANS[workspace.plan].title} plan; resets ${month.resetsAt.toISOString().slice(0, 10)}.`,
      },
      {
        label: "Sends today",
        used: await store.quotaUsed(quotaCounter("sends_per_day", workspace.id, dayPeriod(now)), nowMs),
        limit: sendLimit,
        detail: "send_email and reply_to_email; resets at midnight UTC.",
      },
      {
        label: "Rate-limit refusals this month",
        used: refusals,
        limit: null,
        detail: "Calls refused because a key went over its rate windows.",
      },
    ];
    return sendHtml(
      reply,
      usagePage(page.frame("Usage", "usage"), {
        month: month.label,
        gauges,
        byTool: totals(counts, (c) => c.tool),
        byKey: totals(counts, (c) => names.get(c.keyId) ?? c.keyId),
        byOutcome: totals(counts, (c) => c.outcome),
      }),
    );
  });

  app.get<{ Querystring: Record<string, string | undefined> }>("/dashboard/activity", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    const workspace = page.me.workspace;
    const names = await keyNames(workspace.id);
    const inboxNames = new Map((await store.listInboxes(workspace.id)).map((i) => [i.id, i.addresses[0] ?? i.id]));
    const counts = await store.usageOfMonth(workspace.id, monthPeriod(options.now()).label);
    const outcomes = [...new Set(["ok", ...counts.map((c) => c.outcome)])].sort();
    // Filters are matched against the known values only: anything else is ignored, not reflected.
    const known = (value: string | undefined, values: Iterable<string>) =>
      value !== undefined && [...values].includes(value) ? value : "";
    const filters = {
      key: known(request.query.key, names.keys()),
      tool: known(request.query.tool, [...TOOL_NAMES, "unknown"]),
      outcome: known(request.query.outcome, outcomes),
    };
    const before = Number(request.query.before);
    const entries = await store.listActivity(workspace.id, {
      limit: ACTIVITY_PAGE_SIZE + 1,
      ...(Number.isSafeInteger(before) && before > 0 ? { beforeSeq: before } : {}),
      ...(filters.key ? { keyId: filters.key } : {}),
      ...(filters.tool ? { tool: filters.tool } : {}),
      ...(filters.outcome ? { outcome: filters.outcome } : {}),
    });
    const shown = entries.slice(0, ACTIVITY_PAGE_SIZE);
    const last = shown.at(-1);
    const older =
      entries.length > ACTIVITY_PAGE_SIZE && last
        ? new URLSearchParams({ ...filters, before: String(last.seq) }).toString()
        : undefined;
    return sendHtml(
      reply,
      activityPage(page.frame("Activity", "activity"), {
        entries: shown,
        keyNames: names,
        inboxNames,
        filters,
        tools: [...TOOL_NAMES],
        outcomes,
        older,
      }),
    );
  });
}
