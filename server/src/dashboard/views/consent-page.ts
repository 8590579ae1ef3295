// The consent page of the OAuth authorization server: which app asks, where it will send the browser
// back to, and what the person lets it use (one workspace, some of its inboxes, some scopes).
import { SCOPES } from "@mcpemails/generated";
import type { InboxRecord } from "../../store/store.js";
import { csrfField, html, layout, type Frame } from "./layout.js";

export interface ConsentPage {
  clientName: string;
  /** The host the browser goes back to (the redirect URI's), which tells apps with the same name apart. */
  redirectHost: string;
  /** The sealed request, posted back with the decision. */
  request: string;
  workspaces: { id: string; name: string; inboxes: InboxRecord[] }[];
  scopes: string[];
  chosen: { workspaceId: string; inboxIds: string[]; scopes: string[] };
}

export function consentPage(frame: Frame, page: ConsentPage): string {
  const checked = (on: boolean) => (on ? " checked" : "");
  const workspaces = page.workspaces.map(
    (workspace) =>
      html`<fieldset>
        <legend>
          <label class="choice"
            ><input
              type="radio"
              name="workspace_id"
              value="${workspace.id}"
              required
              ${checked(workspace.id === page.chosen.workspaceId)}
            />
            Workspace <strong>${workspace.name}</strong></label
          >
        </legend>
        !${
          workspace.inboxes.length === 0
            ? html`<p class="muted">No inbox in this workspace yet.</p>`
            : workspace.inboxes.map(
                (inbox) =>
                  html`<label class="choice"
                    ><input
                      type="checkbox"
                      name="inbox_ids"
                      value="${inbox.id}"
                      ${checked(page.chosen.inboxIds.includes(inbox.id))}
                    />
                    ${inbox.addresses[0] ?? inbox.id} <span class="muted">(${inbox.kind}, ${inbox.mode})</span></label
                  >`,
              )
        }
      </fieldset>`,
  );
  const scopes = page.scopes.map(
    (scope) =>
      html`<label class="choice"
        ><input type="checkbox" name="scopes" value="${scope}" ${checked(page.chosen.scopes.includes(scope))} />
        ${scope} <span class="muted">${SCOPES[scope as keyof typeof SCOPES]?.description ?? ""}</span></label
      >`,
  );
  return layout(
    frame,
    html`<section class="card" aria-labelledby="consent-title">
      <h2 id="consent-title"><strong>${page.clientName}</strong> asks to use your mail through MCPEmails</h2>
      <p>
        After you decide, you go back to <strong>${page.redirectHost}</strong>. Allow only an app you are setting up
        yourself. You can revoke it at any time under Connected apps.
      </p>
      <form method="post" action="/dashboard/oauth/consent">
        !${csrfField(frame.csrfToken)}
        <input type="hidden" name="request" value="${page.request}" />
        <h3>Workspace and inboxes it may use</h3>
        !${workspaces}
        <fieldset>
          <legend>What it may do</legend>
          !${scopes}
        </fieldset>
        <div class="actions">
          <button type="submit" name="decision" value="allow">Allow</button>
          <button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>
        </div>
      </form>
    </section>`,
  );
}
