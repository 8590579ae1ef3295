// The operator's page: every workspace with its plan and its own limits (per-key rate windows, the
// monthly call quota, the daily send quota), each changed by a form. An empty field returns a limit
// to the server's windows or the plan's quota.
import type { Workspace } from "../../store/store.js";
import { csrfField, html, layout, type Frame } from "./layout.js";

export interface OperatorRow {
  workspace: Workspace;
  members: number;
  /** The effective limits, for reading: "100/minute, 1000/hour", "1,000 a month"... */
  effective: { rateLimits: string; callsPerMonth: string; sendsPerDay: string };
}

const overrideText = (workspace: Workspace) =>
  workspace.rateLimitsOverride === null
    ? ""
    : Object.entries(workspace.rateLimitsOverride)
        .map(([window, limit]) => `${limit}/${window}`)
        .join(",");

export function operatorPage(
  frame: Frame,
  rows: OperatorRow[],
  failed?: { workspaceId: string; fields: Record<string, string> },
): string {
  return layout(
    frame,
    html`<p class="muted">
        Every workspace of this server. An empty field returns the limit to the server's rate windows or the plan's
        quota; a change holds from the workspace's next call, on every instance.
      </p>
      !${rows.map((row, index) => {
        const w = row.workspace;
        const values =
          failed?.workspaceId === w.id
            ? failed.fields
            : {
                rate_limits: overrideText(w),
                calls_per_month: w.callsPerMonthOverride === null ? "" : String(w.callsPerMonthOverride),
                sends_per_day: w.sendsPerDayOverride === null ? "" : String(w.sendsPerDayOverride),
              };
        return html`<section class="card" aria-labelledby="workspace-${index}">
          <h2 id="workspace-${index}">${w.name}</h2>
          <p class="muted">
            <code>${w.id}</code> · ${w.plan} plan · ${row.members} member(s) · now ${row.effective.rateLimits} per key;
            ${row.effective.callsPerMonth}; ${row.effective.sendsPerDay}
          </p>
          <form method="post" action="/dashboard/operator/workspaces/${w.id}">
            !${csrfField(frame.csrfToken)}
            <label for="rate-${index}">Rate limits per key</label>
            <input
              id="rate-${index}"
              name="rate_limits"
              type="text"
              value="${values.rate_limits ?? ""}"
              placeholder="server's"
              aria-describedby="rate-${index}-hint"
            />
            <p id="rate-${index}-hint" class="muted">
              Such as 1000/minute,50000/day; a window not named keeps the server's.
            </p>
            <label for="calls-${index}">Calls per month</label>
            <input
              id="calls-${index}"
              name="calls_per_month"
              type="number"
              min="0"
              value="${values.calls_per_month ?? ""}"
              placeholder="plan's"
            />
            <label for="sends-${index}">Sends per day</label>
            <input
              id="sends-${index}"
              name="sends_per_day"
              type="number"
              min="0"
              value="${values.sends_per_day ?? ""}"
              placeholder="plan's"
            />
            <button type="submit">Save limits</button>
          </form>
        </section>`;
      })}`,
  );
}
