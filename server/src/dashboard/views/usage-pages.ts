// Usage against the plan, as meters and bars a person can take in at a glance, and the activity
// log of agent calls, paged and filterable. Bars are <progress>/<meter> elements: accessible, and
// drawn without inline styles (the CSP allows none).
import type { StoredActivityEntry } from "../../store/store.js";
import { html, layout, type Frame } from "./layout.js";

export interface Gauge {
  label: string;
  used: number;
  /** null: no limit. */
  limit: number | null;
  detail: string;
}

export interface UsagePage {
  month: string;
  gauges: Gauge[];
  byTool: { label: string; count: number }[];
  byKey: { label: string; count: number }[];
  byOutcome: { label: string; count: number }[];
}

function gauge(g: Gauge, index: number): string {
  const id = `gauge-${index}`;
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">${g.label}</h2>
    <p class="stat">
      ${g.used.toLocaleString("en-US")}${g.limit === null ? "" : ` of ${g.limit.toLocaleString("en-US")}`}
    </p>
    !${g.limit === null ? "" : html`<meter aria-labelledby="${id}" min="0" max="${g.limit}" low="${Math.floor(g.limit * 0.75)}" high="${Math.floor(g.limit * 0.9)}" optimum="0" value="${Math.min(g.used, g.limit)}"></meter>`}
    <p class="muted">${g.detail}</p>
  </section>`;
}

function bars(title: string, id: string, rows: { label: string; count: number }[]): string {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return html`<section class="card" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    !${
      rows.length === 0
        ? html`<p class="muted">No calls yet this month.</p>`
        : html`<ul class="bars">
            !${rows.map(
              (row, i) =>
                html`<li>
                  <span id="${id}-${i}">${row.label}</span
                  ><progress aria-labelledby="${id}-${i}" max="${max}" value="${row.count}"></progress
                  ><span>${row.count.toLocaleString("en-US")}</span>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

export function usagePage(frame: Frame, page: UsagePage): string {
  return layout(
    frame,
    html`<p class="muted">
        Month ${page.month} (UTC). Counts come from the calls agents made with this workspace's keys.
      </p>
      <div class="grid">!${page.gauges.map(gauge)}</div>
      <div class="grid">
        !${bars("Calls by tool", "by-tool", page.byTool)}!${bars("Calls by key", "by-key", page.byKey)}!${bars("Calls by outcome", "by-outcome", page.byOutcome)}
      </div>
      <p><a href="/dashboard/activity">See every call in the activity log</a>.</p>`,
  );
}

export interface ActivityPage {
  entries: StoredActivityEntry[];
  keyNames: Map<string, string>;
  inboxNames: Map<string, string>;
  filters: { key: string; tool: string; outcome: string };
  tools: string[];
  outcomes: string[];
  /** The query string of the next (older) page, when there is one. */
  older?: string;
}

export function activityPage(frame: Frame, page: ActivityPage): string {
  const select = (name: string, label: string, current: string, values: [string, string][]) =>
    html`<div>
      <label for="filter-${name}">${label}</label
      ><select id="filter-${name}" name="${name}">
        <option value="">All</option>
        !${values.map(
          ([value, text]) => html`<option value="${value}" ${value === current ? " selected" : ""}>${text}</option>`,
        )}
      </select>
    </div>`;
  const filters = html`<form method="get" action="/dashboard/activity" class="card grid">
    !${select(
      "key",
      "Key",
      page.filters.key,
      [...page.keyNames].map(([id, name]) => [id, name]),
    )}
    !${select(
      "tool",
      "Tool",
      page.filters.tool,
      page.tools.map((t) => [t, t]),
    )}
    !${select(
      "outcome",
      "Outcome",
      page.filters.outcome,
      page.outcomes.map((o) => [o, o]),
    )}
    <div><button type="submit">Filter</button></div>
  </form>`;
  const table =
    page.entries.length === 0
      ? html`<p class="card">No calls match.</p>`
      : html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Key</th>
                <th scope="col">Tool</th>
                <th scope="col">Inbox</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              !${page.entries.map(
                (e) =>
                  html`<tr>
                    <td>${e.at.replace("T", " ").replace("Z", "")}</td>
                    <td>${page.keyNames.get(e.keyId) ?? e.keyId}</td>
                    <td>${e.tool}</td>
                    <td>${e.inboxId === null ? "" : (page.inboxNames.get(e.inboxId) ?? e.inboxId)}</td>
                    <td>
                      !${e.outcome === "ok" ? html`<span class="badge ok">ok</span>` : html`<span class="badge bad">${e.outcome}</span>`}
                    </td>
                    <td>${e.durationMs} ms</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  return layout(
    frame,
    html`!${filters}!${table}!${page.older ? html`<p><a class="button secondary" href="/dashboard/activity?${page.older}">Older calls</a></p>` : ""}`,
  );
}
