// Held sends (decisions send-approval and undo-window): what each would send, to whom and at whose
// request, with Approve and Reject (Send now and Cancel in an undo window) for the workspace's owners. Everything shown came from an agent,
// and through it from strangers' mail: escaped like any other value.
import { isWaiting } from "../../send-approval/send-approvals.js";
import type { SendHold } from "../../store/store.js";
import { csrfField, html, layout, type Frame } from "./layout.js";

export interface ApprovalsPage {
  holds: SendHold[];
  keyLabel: (keyId: string) => string;
  canDecide: boolean;
}

const when = (iso: string | null) => (iso === null ? "" : `${iso.slice(0, 19).replace("T", " ")} UTC`);
const PREVIEW_CHARACTERS = 2_000;

export function heldMessagePreview(hold: SendHold): string {
  if (hold.args === null)
    return html`<p class="muted">The held message can no longer be read (the server's secret key was replaced).</p>`;
  const args = hold.args as { subject?: unknown; body?: unknown; draft_id?: unknown; message_id?: unknown };
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const body = text(args.body);
  if (hold.tool === "send_draft") return html`<p>The draft <code>${text(args.draft_id)}</code>, as stored.</p>`;
  return html`!${
      hold.tool === "reply_to_email"
        ? html`<p>A reply to message <code>${text(args.message_id)}</code>.</p>`
        : html`<p><strong>${text(args.subject)}</strong></p>`
    }
    <pre class="preview">${body.slice(0, PREVIEW_CHARACTERS)}${body.length > PREVIEW_CHARACTERS ? "…" : ""}</pre>`;
}

export function approvalsPage(frame: Frame, page: ApprovalsPage): string {
  const cards =
    page.holds.length === 0
      ? html`<p class="card">No send has been held.</p>`
      : page.holds.map(
          (hold) =>
            html`<section class="card hold" aria-labelledby="hold-${hold.id}" data-hold="${hold.id}">
              <h2 id="hold-${hold.id}">
                ${hold.tool} to ${hold.recipients.join(", ")}
                <span class="badge ${hold.status === "sent" ? "good" : isWaiting(hold.status) ? "" : "bad"}"
                  >${hold.status}</span
                >
              </h2>
              <p>
                Asked by ${page.keyLabel(hold.keyId)} from inbox <code>${hold.inboxId}</code> at ${when(hold.heldAt)}.
                ${hold.status === "scheduled" ? `Goes out at ${when(hold.sendAt)} unless cancelled.` : ""}
                ${hold.decidedBy === null ? "" : `Decided by ${hold.decidedBy} at ${when(hold.decidedAt)}.`}
                ${hold.outcome !== null && !hold.outcome.sent ? hold.outcome.failure : ""}
              </p>
              !${heldMessagePreview(hold)}
              !${
                isWaiting(hold.status) && page.canDecide
                  ? html`<div class="actions">
                      <form method="post" action="/dashboard/approvals/${hold.id}/approve">
                        !${csrfField(frame.csrfToken)}
                        <button type="submit">${hold.status === "scheduled" ? "Send now" : "Approve and send"}</button>
                      </form>
                      <form method="post" action="/dashboard/approvals/${hold.id}/reject">
                        !${csrfField(frame.csrfToken)}
                        <button type="submit" class="secondary">
                          ${hold.status === "scheduled" ? "Cancel" : "Reject"}
                        </button>
                      </form>
                    </div>`
                  : ""
              }
            </section>`,
        );
  return layout(
    frame,
    html`<p>
        Sends a send policy holds, newest first: for a person's approval, or for an undo window after which they go out
        by themselves unless cancelled. An approved send leaves at once, checked against the policy in force now.
      </p>
      !${cards}`,
  );
}
