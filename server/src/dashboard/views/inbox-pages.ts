// Inboxes: the list, connecting one (Gmail, Outlook, IMAP/SMTP, sandbox) and removing one.
import type { InboxRecord } from "../../store/store.js";
import { copyable, csrfField, html, layout, type Frame } from "./layout.js";

export type InboxState = "connected" | "needs-reconnecting";

export interface InboxRow {
  inbox: InboxRecord;
  state: InboxState;
}

const KIND_NAMES: Record<InboxRecord["kind"], string> = {
  sandbox: "Sandbox",
  imap: "IMAP/SMTP",
  gmail: "Gmail",
  outlook: "Outlook",
};

export function inboxesPage(frame: Frame, rows: InboxRow[]): string {
  const table =
    rows.length === 0
      ? html`<p class="card">No inbox yet. Connect one to let an agent read and send its mail.</p>`
      : html`<div class="table-wrap">
          <table>
            <caption class="muted">
              Each inbox's id is what an agent passes as
              <code>inbox_id</code
              >.
            </caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Address</th>
                <th scope="col">Mode</th>
                <th scope="col">State</th>
                <th scope="col">Inbox id</th>
                <th scope="col"><span class="muted">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              !${rows.map((row, index) => inboxRow(frame.csrfToken, row, index))}
            </tbody>
          </table>
        </div>`;
  return layout(
    frame,
    html`<p class="actions"><a class="button" href="/dashboard/inboxes/connect">Connect Inbox</a></p>
      !${table}`,
  );
}

function inboxRow(csrfToken: string, { inbox, state }: InboxRow, index: number): string {
  const reconnect =
    inbox.kind === "gmail" || inbox.kind === "outlook"
      ? html`<form method="post" action="/dashboard/inboxes/connect/${inbox.kind}" class="inline">
          !${csrfField(csrfToken)}<button type="submit" class="secondary">Reconnect</button>
        </form>`
      : inbox.kind === "imap"
        ? html`<a
            class="button secondary"
            href="/dashboard/inboxes/connect?address=${encodeURIComponent(inbox.addresses[0] ?? "")}#imap"
            >Reconnect</a
          >`
        : "";
  return html`<tr>
    <td>${KIND_NAMES[inbox.kind]}</td>
    <td>${inbox.addresses.join(", ")}</td>
    <td>${inbox.mode}</td>
    <td>
      !${state === "connected" ? html`<span class="badge ok">connected</span>` : html`<span class="badge bad">needs reconnecting</span>`}
      !${inbox.requireApproval === true ? html`<span class="badge">sends held for approval</span>` : ""}
    </td>
    <td>!${copyable(inbox.id, `inbox id of ${inbox.addresses[0] ?? inbox.id}`, `inbox-id-${index}`)}</td>
    <td>
      <div class="actions">
        !${reconnect}<a class="button secondary" href="/dashboard/inboxes/${inbox.id}/remove">Remove</a>
      </div>
    </td>
  </tr>`;
}

export interface ConnectChoices {
  gmail: boolean;
  outlook: boolean;
  imap: boolean;
  /** Prefilled address (a reconnect). */
  address?: string;
  form?: Record<string, string>;
}

const SECURITY_OPTIONS = [
  ["tls", "TLS (recommended)"],
  ["starttls", "STARTTLS"],
  ["insecure-plaintext", "None: plaintext (insecure, loopback only)"],
] as const;

function endpointFields(role: "imap" | "smtp", label: string, port: string, values: Record<string, string>): string {
  const chosen = values[`${role}_security`] ?? "tls";
  return html`<fieldset>
    <legend>${label} server</legend>
    <label for="${role}-host">${label} host</label>
    <input
      id="${role}-host"
      name="${role}_host"
      type="text"
      required
      maxlength="253"
      value="${values[`${role}_host`] ?? ""}"
    />
    <label for="${role}-port">${label} port</label>
    <input
      id="${role}-port"
      name="${role}_port"
      type="number"
      required
      min="1"
      max="65535"
      value="${values[`${role}_port`] ?? port}"
    />
    <label for="${role}-security">${label} security</label>
    <select id="${role}-security" name="${role}_security">
      !${SECURITY_OPTIONS.map(
        ([value, text]) => html`<option value="${value}" ${value === chosen ? " selected" : ""}>${text}</option>`,
      )}
    </select>
  </fieldset>`;
}

export function connectPage(frame: Frame, choices: ConnectChoices): string {
  const values: Record<string, string> = { address: choices.address ?? "", ...choices.form };
  const oauth = (kind: "gmail" | "outlook", title: string, available: boolean) =>
    html`<section class="card" aria-labelledby="${kind}-title">
      <h2 id="${kind}-title">${title}</h2>
      !${
        available
          ? html`<p>
                Sign in with ${title === "Gmail" ? "Google" : "Microsoft"} and allow access; you come back here when it
                is done.
              </p>
              <form method="post" action="/dashboard/inboxes/connect/${kind}">
                !${csrfField(frame.csrfToken)}<button type="submit">Connect ${title}</button>
              </form>
              <p class="muted" id="${kind}-imap-hint">
                Or as an IMAP/SMTP inbox signing in with ${title === "Gmail" ? "Google" : "Microsoft"} (XOAUTH2), where
                the ${title === "Gmail" ? "Gmail" : "Graph"} API is not allowed.
              </p>
              <form method="post" action="/dashboard/inboxes/connect/${kind}-imap">
                !${csrfField(frame.csrfToken)}<button
                  type="submit"
                  class="secondary"
                  aria-describedby="${kind}-imap-hint"
                >
                  ${title} over IMAP (XOAUTH2)
                </button>
              </form>`
          : html`<p class="muted">
              Not available: the operator has not configured a ${title === "Gmail" ? "Google" : "Microsoft"} OAuth app
              on this server.
            </p>`
      }
    </section>`;
  const imap = choices.imap
    ? html`<form method="post" action="/dashboard/inboxes/connect/imap">
        !${csrfField(frame.csrfToken)}
        <p>The login is checked before anything is saved; the password is stored encrypted.</p>
        <label for="address">Email address</label>
        <input id="address" name="address" type="email" required value="${values.address ?? ""}" />
        <label for="user">Username</label>
        <input
          id="user"
          name="user"
          type="text"
          required
          autocomplete="off"
          value="${values.user ?? ""}"
          aria-describedby="user-hint"
        />
        <p id="user-hint" class="muted">Often the email address itself.</p>
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autocomplete="off"
          aria-describedby="password-hint"
        />
        <p id="password-hint" class="muted">An app password where the provider asks for one.</p>
        !${endpointFields("imap", "IMAP", "993", values)} !${endpointFields("smtp", "SMTP", "465", values)}
        <button type="submit">Connect IMAP inbox</button>
      </form>`
    : html`<p class="muted">Not available on this server.</p>`;
  return layout(
    frame,
    html`<div class="grid">
        !${oauth("gmail", "Gmail", choices.gmail)}!${oauth("outlook", "Outlook", choices.outlook)}
        <section class="card" aria-labelledby="sandbox-title">
          <h2 id="sandbox-title">Sandbox</h2>
          <p>A test inbox with realistic seeded mail: try the tools with no mail account. Test keys only.</p>
          <form method="post" action="/dashboard/inboxes/connect/sandbox">
            !${csrfField(frame.csrfToken)}<button type="submit">Add sandbox inbox</button>
          </form>
        </section>
      </div>
      <section class="card" id="imap" aria-labelledby="imap-title">
        <h2 id="imap-title">IMAP/SMTP</h2>
        !${imap}
      </section>`,
  );
}

export function removeInboxPage(frame: Frame, inbox: InboxRecord): string {
  return layout(
    frame,
    html`<div class="card">
      <p>
        Remove the ${KIND_NAMES[inbox.kind]} inbox
        <strong>${inbox.addresses.join(", ")}</strong> (<code>${inbox.id}</code>)? Agents using its id get
        <code>inbox_not_found</code> from now on. The mailbox itself is not touched.
      </p>
      <form method="post" action="/dashboard/inboxes/${inbox.id}/remove" class="actions">
        !${csrfField(frame.csrfToken)} <button type="submit" class="danger">Remove inbox</button>
        <a href="/dashboard/inboxes">Cancel</a>
      </form>
    </div>`,
  );
}
