// Connected apps: the OAuth grants of the workspace in view (which app, whose, which inboxes and
// scopes, when made and last used), each revocable.
import type { InboxRecord, OAuthGrantRecord } from "../../store/store.js";
import { csrfField, html, layout, type Frame } from "./layout.js";

const when = (iso: string | null) => (iso === null ? "never" : `${iso.slice(0, 16).replace("T", " ")} UTC`);

export interface ConnectedApp {
  grant: OAuthGrantRecord;
  clientName: string;
  /** The email of the person who allowed it (or their id, once they are gone). */
  allowedBy: string;
}

export function connectedAppsPage(
  frame: Frame,
  page: { apps: ConnectedApp[]; inboxes: InboxRecord[]; workspaceName: string },
): string {
  const label = (id: string) => page.inboxes.find((i) => i.id === id)?.addresses[0] ?? "(removed inbox)";
  const list =
    page.apps.length === 0
      ? html`<p class="card">
          No app is connected. Claude.ai, Claude Desktop and ChatGPT connect with just this server's MCP URL: they bring
          you here to allow them.
        </p>`
      : html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Workspace</th>
                <th scope="col">Inboxes</th>
                <th scope="col">Scopes</th>
                <th scope="col">Allowed by</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col"><span class="muted">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              !${page.apps.map(
                ({ grant, clientName, allowedBy }) =>
                  html`<tr>
                    <td>${clientName}</td>
                    <td>${page.workspaceName}</td>
                    <td>${grant.inboxIds.map(label).join(", ")}</td>
                    <td>${grant.scopes.join(", ")}</td>
                    <td>${allowedBy}</td>
                    <td>${when(grant.createdAt)}</td>
                    <td>${when(grant.lastUsedAt)}</td>
                    <td>
                      !${
                        grant.revokedAt === null
                          ? html`<form
                              method="post"
                              action="/dashboard/connected-apps/${grant.id}/revoke"
                              class="actions"
                            >
                              !${csrfField(frame.csrfToken)}
                              <button type="submit" class="danger">
                                Revoke<span class="visually-hidden"> ${clientName}</span>
                              </button>
                            </form>`
                          : html`<span class="badge bad">revoked ${when(grant.revokedAt)}</span>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  return layout(
    frame,
    html`<p>
        Apps you or your workspace's members allowed through OAuth. Revoking one ends its access at once: its next call
        is refused.
      </p>
      !${list}`,
  );
}
