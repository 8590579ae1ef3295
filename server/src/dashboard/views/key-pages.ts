// API keys: create (the key shown once), list, revoke.
import type { ApiKeyRecord, InboxRecord } from "../../store/store.js";
import { copyButton, csrfField, html, layout, type Frame } from "./layout.js";

const when = (iso: string | null) => (iso === null ? "never" : `${iso.slice(0, 16).replace("T", " ")} UTC`);

export interface KeysPage {
  keys: ApiKeyRecord[];
  inboxes: InboxRecord[];
  /** Only right after creation: the one time the key is shown. */
  created?: { key: string; record: ApiKeyRecord };
  form?: { name: string; scopes: string[]; mode: string; inboxIds: string[] };
}

export function keysPage(frame: Frame, page: KeysPage): string {
  const label = (id: string) => page.inboxes.find((i) => i.id === id)?.addresses[0] ?? id;
  const created = page.created
    ? html`<section class="card" aria-labelledby="new-key-title">
        <h2 id="new-key-title">Key created</h2>
        <p>Copy it now: it is shown only this once. Agents send it as <code>Authorization: Bearer …</code>.</p>
        <label for="new-key">Your new API key</label>
        <input id="new-key" class="secret" type="text" readonly value="${page.created.key}" />
        !${copyButton("new-key", "key")}
        <p><a href="/dashboard/connect">Connect your client</a> with it.</p>
      </section>`
    : "";
  const form = page.form ?? { name: "", scopes: ["read:email"], mode: "test", inboxIds: [] };
  const inboxChoices =
    page.inboxes.length === 0
      ? html`<p class="muted">No inbox yet: the key will be able to use every inbox added later.</p>`
      : page.inboxes.map(
          (inbox) =>
            html`<label class="choice"
              ><input
                type="checkbox"
                name="inbox_ids"
                value="${inbox.id}"
                ${form.inboxIds.includes(inbox.id) ? " checked" : ""}
              />
              ${inbox.addresses[0] ?? inbox.id} <span class="muted">(${inbox.kind}, ${inbox.mode})</span></label
            >`,
        );
  const checked = (on: boolean) => (on ? " checked" : "");
  const list =
    page.keys.length === 0
      ? html`<p class="card">No key yet.</p>`
      : html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Inboxes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col"><span class="muted">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              !${page.keys.map(
                (key) =>
                  html`<tr>
                    <td>${key.name ?? "(no name)"}</td>
                    <td><code>${key.hint}</code></td>
                    <td>${key.scopes.join(", ")}</td>
                    <td>${key.inboxIds === null ? "all" : key.inboxIds.map(label).join(", ")}</td>
                    <td>${when(key.createdAt)}</td>
                    <td>${when(key.lastUsedAt)}</td>
                    <td>
                      !${
                        key.revokedAt === null
                          ? html`<a class="button secondary" href="/dashboard/keys/${key.id}/revoke">Revoke</a>`
                          : html`<span class="badge bad">revoked ${when(key.revokedAt)}</span>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  return layout(
    frame,
    html`!${created}
      <section class="card" aria-labelledby="create-title">
        <h2 id="create-title">Create key</h2>
        <form method="post" action="/dashboard/keys">
          !${csrfField(frame.csrfToken)}
          <label for="key-name">Name</label>
          <input
            id="key-name"
            name="name"
            type="text"
            maxlength="100"
            required
            value="${form.name}"
            aria-describedby="key-name-hint"
          />
          <p id="key-name-hint" class="muted">Who uses it, such as "Claude on my laptop".</p>
          <fieldset>
            <legend>Scopes</legend>
            <label class="choice"
              ><input type="checkbox" name="scopes" value="read:email" ${checked(form.scopes.includes("read:email"))} />
              read:email <span class="muted">list, read and search mail, threads and attachments</span></label
            >
            <label class="choice"
              ><input type="checkbox" name="scopes" value="send:email" ${checked(form.scopes.includes("send:email"))} />
              send:email <span class="muted">send, reply and send drafts</span></label
            >
            <label class="choice"
              ><input
                type="checkbox"
                name="scopes"
                value="draft:email"
                ${checked(form.scopes.includes("draft:email"))}
              />
              draft:email <span class="muted">write drafts for a person to send</span></label
            >
          </fieldset>
          <fieldset>
            <legend>Mode</legend>
            <label class="choice"
              ><input type="radio" name="mode" value="test" ${checked(form.mode !== "live")} /> Test
              <span class="muted">sandbox inboxes</span></label
            >
            <label class="choice"
              ><input type="radio" name="mode" value="live" ${checked(form.mode === "live")} /> Live
              <span class="muted">real mailboxes</span></label
            >
          </fieldset>
          <fieldset>
            <legend>Inboxes (optional)</legend>
            <p class="muted">
              Leave all unticked to let the key use every inbox of its mode; tick some to limit it to those.
            </p>
            !${inboxChoices}
          </fieldset>
          <button type="submit">Create key</button>
        </form>
      </section>
      <h2>Keys</h2>
      !${list}`,
  );
}

export function revokeKeyPage(frame: Frame, key: ApiKeyRecord): string {
  return layout(
    frame,
    html`<div class="card">
      <p>
        Revoke <strong>${key.name ?? "(no name)"}</strong> (<code>${key.hint}</code>)? Every call with it is refused
        from then on, on every instance of the server. This cannot be undone.
      </p>
      <form method="post" action="/dashboard/keys/${key.id}/revoke" class="actions">
        !${csrfField(frame.csrfToken)} <button type="submit" class="danger">Revoke key</button>
        <a href="/dashboard/keys">Cancel</a>
      </form>
    </div>`,
  );
}
