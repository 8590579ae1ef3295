// The send policy (the workspace's default and each key's own) and the send log it keeps.
import type { SendPolicy } from "../../send-policy/send-policy.js";
import type { ApiKeyRecord, InboxRecord, StoredSendDecision } from "../../store/store.js";
import { csrfField, html, layout, type Frame } from "./layout.js";

/** A policy as its form holds it: what the person typed, kept as typed when it is refused. */
export interface PolicyForm {
  allow: string;
  block: string;
  phrases: string;
  ownDomains: boolean;
  noAttachments: boolean;
  noExternalLinks: boolean;
  requireApproval: boolean;
  maxRecipients: string;
  sendsPerHour: string;
  undoSeconds: string;
}

export const formOfPolicy = (policy: SendPolicy | null): PolicyForm => ({
  allow: (policy?.allowRecipients ?? []).join("\n"),
  block: (policy?.blockRecipients ?? []).join("\n"),
  phrases: (policy?.blockedPhrases ?? []).join("\n"),
  ownDomains: policy?.ownDomainsOnly ?? false,
  noAttachments: policy?.noAttachments ?? false,
  noExternalLinks: policy?.noExternalLinks ?? false,
  requireApproval: policy?.requireApproval ?? false,
  maxRecipients: policy?.maxRecipients?.toString() ?? "",
  sendsPerHour: policy?.sendsPerHour?.toString() ?? "",
  undoSeconds: policy?.undoSeconds?.toString() ?? "",
});

export interface SendPolicyPage {
  workspace: PolicyForm;
  keys: { key: ApiKeyRecord; ownPolicy: boolean; form: PolicyForm }[];
  inboxes: InboxRecord[];
  /** Only owners change policies; members see them. */
  canEdit: boolean;
}

const checked = (on: boolean) => (on ? " checked" : "");

function policyFields(prefix: string, form: PolicyForm): string {
  const id = (name: string) => `${prefix}-${name}`;
  return html`<label for="${id("allow")}">Allowed recipients (one address or domain a line; empty: anyone)</label>
    <textarea id="${id("allow")}" name="allow" rows="3">${form.allow}</textarea>
    <label for="${id("block")}">Blocked recipients (one address or domain a line)</label>
    <textarea id="${id("block")}" name="block" rows="3">${form.block}</textarea>
    <label for="${id("phrases")}">Blocked phrases (one a line)</label>
    <textarea id="${id("phrases")}" name="phrases" rows="3">${form.phrases}</textarea>
    <label class="choice"
      ><input type="checkbox" name="own_domains" value="on" ${checked(form.ownDomains)} /> Only to the inbox's own
      domains</label
    >
    <label class="choice"
      ><input type="checkbox" name="no_attachments" value="on" ${checked(form.noAttachments)} /> No attachments</label
    >
    <label class="choice"
      ><input type="checkbox" name="no_external_links" value="on" ${checked(form.noExternalLinks)} /> No external
      links</label
    >
    <label class="choice"
      ><input type="checkbox" name="require_approval" value="on" ${checked(form.requireApproval)} /> Hold every send for
      a person's approval</label
    >
    <label for="${id("max")}">Most recipients per message (empty: no limit)</label>
    <input id="${id("max")}" name="max_recipients" type="number" min="1" value="${form.maxRecipients}" />
    <label for="${id("hour")}">Sends per hour (empty: no limit)</label>
    <input id="${id("hour")}" name="sends_per_hour" type="number" min="1" value="${form.sendsPerHour}" />
    <label for="${id("undo")}">Undo window: seconds a send waits, cancellable, before it goes out (empty: none)</label>
    <input id="${id("undo")}" name="undo_seconds" type="number" min="1" max="600" value="${form.undoSeconds}" />`;
}

export function sendPolicyPage(frame: Frame, page: SendPolicyPage): string {
  const disabled = page.canEdit ? "" : " disabled";
  const readOnly = page.canEdit
    ? ""
    : html`<p class="muted">Only the workspace's owners change send policies; you see them as they are.</p>`;
  const workspace = html`<section class="card" aria-labelledby="workspace-policy">
    <h2 id="workspace-policy">Workspace default</h2>
    <p>Every key without its own policy sends under this one. <a href="/dashboard/send-log">See the send log</a>.</p>
    <form method="post" action="/dashboard/send-policy/workspace">
      !${csrfField(frame.csrfToken)}
      <fieldset ${disabled}>
        !${policyFields("workspace", page.workspace)}
        <button type="submit">Save the workspace default</button>
      </fieldset>
    </form>
  </section>`;
  const keys =
    page.keys.length === 0
      ? html`<p class="card">No API key yet.</p>`
      : page.keys.map(
          ({ key, ownPolicy, form }) =>
            html`<section class="card" aria-labelledby="key-${key.id}">
              <h2 id="key-${key.id}">${key.name ?? "(no name)"} <code>${key.hint}</code></h2>
              <form method="post" action="/dashboard/send-policy/keys/${key.id}">
                !${csrfField(frame.csrfToken)}
                <fieldset ${disabled}>
                  <label class="choice"
                    ><input type="radio" name="use" value="default" ${checked(!ownPolicy)} /> Uses the workspace
                    default</label
                  >
                  <label class="choice"
                    ><input type="radio" name="use" value="own" ${checked(ownPolicy)} /> Its own policy, below</label
                  >
                  !${policyFields(`key-${key.id}`, form)}
                  <button type="submit">Save this key's policy</button>
                </fieldset>
              </form>
            </section>`,
        );
  const inboxes =
    page.inboxes.length === 0
      ? html`<p class="card">No inbox yet.</p>`
      : html`<section class="card" aria-labelledby="inbox-approval">
          <h2 id="inbox-approval">Inboxes</h2>
          <p>An inbox can hold every send from it for a person's approval, whatever the key's policy.</p>
          !${page.inboxes.map((inbox) => {
            const held = inbox.requireApproval === true;
            return html`<form method="post" action="/dashboard/send-policy/inboxes/${inbox.id}" class="inbox-approval">
              !${csrfField(frame.csrfToken)}
              <input type="hidden" name="require_approval" value="${held ? "off" : "on"}" />
              <fieldset ${disabled}>
                <p>
                  <strong>${inbox.addresses[0] ?? inbox.id}</strong>:
                  ${held ? "every send waits for a person's approval" : "sends as the key's policy says"}
                </p>
                <button type="submit" class="secondary">
                  ${held ? "Stop holding its sends" : "Hold every send for approval"}
                </button>
              </fieldset>
            </form>`;
          })}
        </section>`;
  return layout(
    frame,
    html`!${readOnly} !${workspace}
      <h2>API keys</h2>
      !${keys} !${inboxes}`,
  );
}

export interface SendLogPage {
  entries: StoredSendDecision[];
  keyLabel(keyId: string): string;
  /** The seq to page before for older entries; absent on the last page. */
  older?: number | undefined;
}

const when = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

export function sendLogPage(frame: Frame, page: SendLogPage): string {
  const rows =
    page.entries.length === 0
      ? html`<p class="card">No send yet.</p>`
      : html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Key</th>
                <th scope="col">Inbox</th>
                <th scope="col">Tool</th>
                <th scope="col">Decision</th>
                <th scope="col">Rule</th>
                <th scope="col">Recipients</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              !${page.entries.map(
                (entry) =>
                  html`<tr>
                    <td>${when(entry.at)}</td>
                    <td>${page.keyLabel(entry.keyId)}</td>
                    <td><code>${entry.inboxId}</code></td>
                    <td>${entry.tool}</td>
                    <td>
                      <span class="badge ${entry.decision === "allowed" ? "good" : "bad"}">${entry.decision}</span>
                    </td>
                    <td>${entry.rule ?? ""}</td>
                    <td>${entry.recipients.join(", ")}</td>
                    <td>${entry.outcome}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  const older =
    page.older === undefined ? "" : html`<p><a href="/dashboard/send-log?before=${page.older}">Older sends</a></p>`;
  return layout(
    frame,
    html`<p>
        Every send a policy decided, newest first. <a href="/dashboard/send-log.jsonl">Download it all</a> (JSON lines).
      </p>
      !${rows} !${older}`,
  );
}
