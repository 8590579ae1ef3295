// The page an emailed approval link opens (decision send-approval): the held send, escaped like any
// agent-written value, and the two decisions as buttons. Opening it decides nothing: mail scanners
// and link previewers fetch links, so only the form's POST decides.
import type { SendHold } from "../../store/store.js";
import { heldMessagePreview } from "./approvals-page.js";
import { html, layout } from "./layout.js";

export function approvalLinkPage(hold: SendHold, action: string, notice?: string): string {
  const waiting = hold.status === "pending_approval";
  return layout(
    { title: "A send waiting for approval", csrfToken: "", ...(notice === undefined ? {} : { notice }) },
    html`<section class="card hold" data-hold="${hold.id}">
      <h2>${hold.tool} to ${hold.recipients.join(", ")}</h2>
      <p>Held at ${hold.heldAt.slice(0, 19).replace("T", " ")} UTC. Status: <strong>${hold.status}</strong>.</p>
      !${heldMessagePreview(hold)}
      !${
        waiting
          ? html`<form method="post" action="${action}" class="actions">
              <button type="submit" name="decision" value="approve">Approve and send</button>
              <button type="submit" name="decision" value="reject" class="secondary">Reject</button>
            </form>`
          : html`<p>This send is no longer waiting: it is ${hold.status}. The link cannot decide it again.</p>`
      }
    </section>`,
  );
}
