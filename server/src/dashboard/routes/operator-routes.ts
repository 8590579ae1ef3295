// The operator's page (MCPEMAILS_OPERATORS): every workspace's own limits, changed through the same
// operation as `pnpm cli workspace update` and PATCH /admin/workspaces/{id}. Anyone else is sent
// back to their inboxes, as if the page did not exist.
import type { FastifyInstance } from "fastify";
import { AdminInputError, updateWorkspaceLimits } from "../../admin/operations.js";
import { rateWindowsOf } from "../../limits/rate-limit.js";
import { callsPerMonth, sendsPerDay } from "../../limits/quotas.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isOperator, isPage, memberPage, sendHtml } from "../member-page.js";
import { operatorPage, type OperatorRow } from "../views/operator-page.js";

const FIELDS = ["rate_limits", "calls_per_month", "sends_per_day"] as const;

/** A whole number, or null for an empty field (the plan's quota). */
function quota(value: string, label: string): number | null {
  if (value.trim() === "") return null;
  if (!/^\d{1,15}$/u.test(value.trim()))
    throw new AdminInputError(`${label} must be a whole number of at least 0, or empty for the plan's.`);
  return Number(value.trim());
}

export async function operatorRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  const rows = async (): Promise<OperatorRow[]> =>
    Promise.all(
      (await store.listWorkspaces()).map(async (workspace) => {
        const calls = callsPerMonth(workspace);
        const sends = sendsPerDay(workspace);
        return {
          workspace,
          members: (await store.listMembersOfWorkspace(workspace.id)).length,
          effective: {
            rateLimits: rateWindowsOf(workspace, options.rateWindows)
              .map((w) => `${w.limit}/${w.name}`)
              .join(", "),
            callsPerMonth: calls === null ? "calls unlimited" : `${calls.toLocaleString("en-US")} calls a month`,
            sendsPerDay: sends === null ? "sends unlimited" : `${sends.toLocaleString("en-US")} sends a day`,
          },
        };
      }),
    );
  app.get("/dashboard/operator", async (request, reply) => {
    const page = await memberPage(options, request, reply);
    if (!isPage(page)) return page;
    if (!isOperator(options, page.me)) return reply.redirect("/dashboard/inboxes", 303);
    return sendHtml(reply, operatorPage(page.frame("Operator: workspace limits", "operator"), await rows()));
  });

  app.post<{ Params: { id: string } }>(
    "/dashboard/operator/workspaces/:id",
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const page = await memberPage(options, request, reply);
      if (!isPage(page)) return page;
      if (!isOperator(options, page.me)) return reply.redirect("/dashboard/inboxes", 303);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fields = Object.fromEntries(
        FIELDS.map((name) => [name, typeof body[name] === "string" ? (body[name] as string) : ""]),
      ) as Record<(typeof FIELDS)[number], string>;
      try {
        await updateWorkspaceLimits(
          store,
          request.params.id,
          {
            rateLimits: fields.rate_limits.trim() === "" ? null : fields.rate_limits.trim(),
            callsPerMonth: quota(fields.calls_per_month, "Calls per month"),
            sendsPerDay: quota(fields.sends_per_day, "Sends per day"),
          },
          { rateLimits: "Rate limits per key", callsPerMonth: "Calls per month", sendsPerDay: "Sends per day" },
        );
        return reply.redirect("/dashboard/operator?done=limits-saved", 303);
      } catch (error) {
        if (!(error instanceof AdminInputError)) throw error;
        const frame = page.frame("Operator: workspace limits", "operator", { error: error.message });
        return sendHtml(reply, operatorPage(frame, await rows(), { workspaceId: request.params.id, fields }), 400);
      }
    },
  );
}
