// Sign-up, sign-in and joining a workspace.
import { csrfField, html, layout } from "./layout.js";
import { PASSWORD_MIN_LENGTH } from "../accounts/passwords.js";

export interface SignupPage {
  csrfToken: string;
  email?: string;
  error?: string;
  /** The invite token to carry through the form (checked, and used up, when the form is sent). */
  invite?: string;
  /** Why sign-up is not open to this person; the form is not shown. */
  refusal?: string;
}

export function signupPage(page: SignupPage): string {
  const body = page.refusal
    ? html`<p>${page.refusal}</p>
        <p><a href="/dashboard/login">Sign in</a> if you have an account.</p>`
    : html`<form method="post" action="/dashboard/signup" class="card">
        !${csrfField(page.csrfToken)}
        !${
          page.invite
            ? html`<input type="hidden" name="invite" value="${page.invite}" />
                <p>You are signing up with an invitation link.</p>`
            : ""
        }
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="${page.email ?? ""}" />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength="${PASSWORD_MIN_LENGTH}"
          aria-describedby="password-hint"
        />
        <p id="password-hint" class="muted">At least ${PASSWORD_MIN_LENGTH} characters.</p>
        !${
          page.invite
            ? ""
            : html`<label for="workspace">Workspace name <span class="muted">(optional)</span></label>
                <input id="workspace" name="workspace" type="text" maxlength="100" autocomplete="organization" />`
        }
        <button type="submit">Sign up</button>
        <p class="muted">Have an account? <a href="/dashboard/login">Sign in</a>.</p>
      </form>`;
  return layout(
    { title: "Sign up", csrfToken: page.csrfToken, error: page.error },
    html`<div class="narrow">!${body}</div>`,
  );
}

export function loginPage(page: {
  csrfToken: string;
  email?: string;
  error?: string;
  next?: string;
  notice?: string;
}): string {
  return layout(
    { title: "Sign in", csrfToken: page.csrfToken, error: page.error, notice: page.notice },
    html`<div class="narrow">
      <form method="post" action="/dashboard/login" class="card">
        !${csrfField(page.csrfToken)}
        !${page.next ? html`<input type="hidden" name="next" value="${page.next}" />` : ""}
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value="${page.email ?? ""}" />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
        <p class="muted">New here? <a href="/dashboard/signup">Sign up</a>.</p>
      </form>
    </div>`,
  );
}

export function joinPage(page: { csrfToken: string; token: string; email: string }): string {
  return layout(
    { title: "Join a workspace", csrfToken: page.csrfToken },
    html`<div class="narrow">
      <form method="post" action="/dashboard/join" class="card">
        !${csrfField(page.csrfToken)}
        <input type="hidden" name="invite" value="${page.token}" />
        <p>You are signed in as ${page.email}. Join the workspace this invitation is for?</p>
        <button type="submit">Join workspace</button>
      </form>
    </div>`,
  );
}
