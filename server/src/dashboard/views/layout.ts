// The frame of every dashboard page. Templates are typed functions over ghtml's tagged template,
// which escapes every interpolated value unless the literal before it ends in "!" (used only for
// markup these views built themselves): no template files to ship, and the compiler checks each
// page's data. Styles and scripts come from /dashboard/assets/ only (the CSP allows nothing inline).
import { html } from "ghtml";

export { html };

export const ASSETS_PATH = "/dashboard/assets";

export interface Frame {
  title: string;
  csrfToken: string;
  /** Absent on the pages of a person who is not signed in. */
  signedIn?: {
    email: string;
    workspaceName: string;
    workspaces: { id: string; name: string }[];
    workspaceId: string;
    current: NavId;
    /** Shows the operator's page in the navigation. */
    operator?: boolean;
  };
  notice?: string | undefined;
  error?: string | undefined;
}

export type NavId =
  | "inboxes"
  | "keys"
  | "connected-apps"
  | "usage"
  | "activity"
  | "connect"
  | "members"
  | "operator"
  | "send-policy"
  | "send-log"
  | "approvals";

const NAV: { id: NavId; label: string; path: string }[] = [
  { id: "inboxes", label: "Inboxes", path: "/dashboard/inboxes" },
  { id: "keys", label: "API keys", path: "/dashboard/keys" },
  { id: "connected-apps", label: "Connected apps", path: "/dashboard/connected-apps" },
  { id: "usage", label: "Usage", path: "/dashboard/usage" },
  { id: "activity", label: "Activity", path: "/dashboard/activity" },
  { id: "send-policy", label: "Send policy", path: "/dashboard/send-policy" },
  { id: "send-log", label: "Send log", path: "/dashboard/send-log" },
  { id: "approvals", label: "Approvals", path: "/dashboard/approvals" },
  { id: "connect", label: "Connect your client", path: "/dashboard/connect" },
  { id: "members", label: "Members", path: "/dashboard/members" },
  { id: "operator", label: "Operator", path: "/dashboard/operator" },
];

export function layout(frame: Frame, content: string): string {
  const signedIn = frame.signedIn;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · MCPEmails</title>
        <link rel="stylesheet" href="${ASSETS_PATH}/dashboard.css" />
        <script src="${ASSETS_PATH}/dashboard.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/dashboard">MCPEmails</a>
          !${signedIn ? accountBar(frame.csrfToken, signedIn) : ""}
        </header>
        !${signedIn ? navigation(signedIn.current, signedIn.operator === true) : ""}
        <main id="main">
          <h1>${frame.title}</h1>
          !${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ""}
          !${frame.error ? html`<p class="error" role="alert">${frame.error}</p>` : ""} !${content}
        </main>
      </body>
    </html>`;
}

function accountBar(csrfToken: string, signedIn: NonNullable<Frame["signedIn"]>): string {
  const switcher =
    signedIn.workspaces.length > 1
      ? html`<form method="post" action="/dashboard/workspace" class="inline">
          <input type="hidden" name="_csrf" value="${csrfToken}" />
          <label for="workspace-switch">Workspace</label>
          <select id="workspace-switch" name="workspace_id">
            !${signedIn.workspaces.map(
              (w) =>
                html`<option value="${w.id}" ${w.id === signedIn.workspaceId ? " selected" : ""}>${w.name}</option>`,
            )}
          </select>
          <button type="submit">Switch</button>
        </form>`
      : html`<span class="workspace">${signedIn.workspaceName}</span>`;
  return html`<div class="account">
    !${switcher}
    <span class="who">${signedIn.email}</span>
    <form method="post" action="/dashboard/logout" class="inline">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <button type="submit" class="link">Sign out</button>
    </form>
  </div>`;
}

function navigation(current: NavId, operator: boolean): string {
  return html`<nav aria-label="Dashboard">
    <ul>
      !${NAV.filter((item) => operator || item.id !== "operator").map(
        (item) =>
          html`<li><a href="${item.path}" !${item.id === current ? ' aria-current="page"' : ""}>${item.label}</a></li>`,
      )}
    </ul>
  </nav>`;
}

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}" />`;

/** A value shown in full with a button that copies it (the button needs the script; the value can always be selected). */
export function copyable(value: string, what: string, id: string): string {
  return html`<span class="copyable"><code id="${id}">${value}</code> !${copyButton(id, what)}</span>`;
}

/** "Copy" for the eye, "Copy <what>" for a screen reader; shown by the script when the clipboard can be written. */
export function copyButton(targetId: string, what: string): string {
  return html`<button type="button" class="copy" data-copy="${targetId}" hidden>
    <span class="copy-state">Copy</span><span class="visually-hidden"> ${what}</span>
  </button>`;
}
