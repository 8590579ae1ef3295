// Members of the workspace in view; owners invite by link and remove members.
import type { MemberRole } from "../../store/store.js";
import { copyable, csrfField, html, layout, type Frame } from "./layout.js";

export interface MemberRow {
  userId: string;
  email: string;
  role: MemberRole;
  since: string;
}

export function membersPage(
  frame: Frame,
  page: { members: MemberRow[]; myRole: MemberRole; myUserId: string; inviteLink?: string },
): string {
  const owner = page.myRole === "owner";
  const invite = owner
    ? html`<section class="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        !${
          page.inviteLink
            ? html`<p>Send this link to the person you invite. It works once, for 7 days.</p>
                <p>!${copyable(page.inviteLink, "invite link", "invite-link")}</p>`
            : ""
        }
        <form method="post" action="/dashboard/members/invite">
          !${csrfField(frame.csrfToken)}
          <fieldset>
            <legend>Role</legend>
            <label class="choice"
              ><input type="radio" name="role" value="member" checked /> Member
              <span class="muted">inboxes, keys and usage</span></label
            >
            <label class="choice"
              ><input type="radio" name="role" value="owner" /> Owner
              <span class="muted">also invites and removes members</span></label
            >
          </fieldset>
          <button type="submit">Create invite link</button>
        </form>
      </section>`
    : html`<p class="muted">Only the workspace's owners invite and remove members.</p>`;
  return layout(
    frame,
    html`!${invite}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              <th scope="col"><span class="muted">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            !${page.members.map(
              (m) =>
                html`<tr>
                  <td>${m.email}</td>
                  <td>${m.role}</td>
                  <td>${m.since.slice(0, 10)}</td>
                  <td>
                    !${
                      owner && m.userId !== page.myUserId
                        ? html`<form method="post" action="/dashboard/members/${m.userId}/remove" class="inline">
                            !${csrfField(frame.csrfToken)}<button
                              type="submit"
                              class="secondary"
                              aria-label="Remove ${m.email}"
                            >
                              Remove
                            </button>
                          </form>`
                        : ""
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`,
  );
}
