// Signing up, in and out; joining a workspace by invitation; switching the workspace in view.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AdminInputError } from "../../admin/operations.js";
import { createAccount, inviteIdOf, normalizeEmail } from "../accounts/accounts.js";
import { verifyAgainstDecoy, verifyPassword } from "../accounts/passwords.js";
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdOf, startSession } from "../accounts/sessions.js";
import { takeSignInAttempt, takeSignUpAttempt } from "../accounts/sign-in-throttle.js";
import { signupRefusal } from "../accounts/signup-policy.js";
import { csrfTokenFor } from "../dashboard-plugin.js";
import type { DashboardOptions } from "../dashboard-options.js";
import { isReply, requireSignedIn, signedInOf } from "../signed-in.js";
import { joinPage, loginPage, signupPage } from "../views/account-pages.js";
import { isLoopback } from "../../network/ip-ranges.js";
import type { InviteRecord } from "../../store/store.js";

type Form = Record<string, string | string[] | undefined>;
const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === "string" ? value : "";
};

/** Only a path of this dashboard: never another site (an open redirect). */
export function safeNext(next: string): string {
  const path = next.split("?")[0] ?? "";
  const dotSegment = path.split("/").some((segment) => segment === "." || segment === "..");
  return /^\/dashboard(\/[\w\-/.?=&%]*)?$/u.test(next) && !dotSegment ? next : "/dashboard/inboxes";
}

export async function accountRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { store } = options;
  const nowMs = () => options.now().getTime();
  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type("text/html; charset=utf-8").send(body);

  const signIn = async (request: FastifyRequest, reply: FastifyReply, userId: string, workspaceId: string) => {
    const { token } = await startSession(store, { userId, workspaceId, now: options.now() });
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await store.deleteSession(sessionIdOf(previous));
    reply.setCookie(SESSION_COOKIE, token, {
      path: "/dashboard",
      httpOnly: true,
      sameSite: "lax",
      secure: "auto",
      maxAge: SESSION_TTL_MS / 1000,
    });
  };

  const refusalFor = async (request: FastifyRequest, invited: boolean) =>
    signupRefusal({
      mode: options.signup,
      firstAccount: (await store.countUsers()) === 0,
      fromLoopback: isLoopback(request.socket.remoteAddress ?? ""),
      invited,
    });

  app.get("/dashboard", async (request, reply) =>
    reply.redirect((await signedInOf(store, request, nowMs())) ? "/dashboard/inboxes" : "/dashboard/login", 303),
  );

  app.get<{ Querystring: { invite?: string } }>("/dashboard/signup", async (request, reply) => {
    const invite = request.query.invite;
    const signedIn = await signedInOf(store, request, nowMs());
    if (invite && signedIn)
      return html(
        reply,
        joinPage({ csrfToken: csrfTokenFor(request, reply), token: invite, email: signedIn.user.email }),
      );
    const refusal = await refusalFor(request, invite !== undefined && invite !== "");
    return html(reply, signupPage({ csrfToken: csrfTokenFor(request, reply), invite, refusal }), refusal ? 403 : 200);
  });

  app.post("/dashboard/signup", { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = normalizeEmail(field(request.body, "email"));
    const inviteToken = field(request.body, "invite");
    const again = (error: string, status = 400) =>
      html(
        reply,
        signupPage({ csrfToken: csrfTokenFor(request, reply), email, error, invite: inviteToken || undefined }),
        status,
      );
    const refusal = await refusalFor(request, inviteToken !== "");
    if (refusal) return again(refusal, 403);
    const ticket = await takeSignUpAttempt(store, { clientAddress: request.ip, nowMs: nowMs() });
    if (!ticket.allowed) {
      reply.header("retry-after", Math.ceil(ticket.retryAfterMs / 1000));
      return again(
        `Too many sign-ups from this address: try again in ${Math.ceil(ticket.retryAfterMs / 60_000)} minutes.`,
        429,
      );
    }
    let invite: InviteRecord | undefined;
    try {
      if (await store.findUserByEmail(email))
        return again("An account with this email already exists: sign in instead.");
      if (inviteToken !== "") {
        invite = await store.takeInvite(inviteIdOf(inviteToken), nowMs());
        if (!invite) return again("This invitation link has expired or was already used: ask for a new one.");
      }
      const { user, membership } = await createAccount(store, {
        email,
        password: field(request.body, "password"),
        workspaceName: field(request.body, "workspace"),
        join: invite?.workspaceId ? { workspaceId: invite.workspaceId, role: invite.role } : undefined,
      });
      await signIn(request, reply, user.id, membership.workspaceId);
      return reply.redirect("/dashboard/inboxes?done=welcome", 303);
    } catch (error) {
      // The invitation was not used after all: it stays valid for the next try.
      if (invite) await store.createInvite(invite);
      if (error instanceof AdminInputError) return again(error.message);
      throw error;
    }
  });

  app.get<{ Querystring: { next?: string; done?: string } }>("/dashboard/login", async (request, reply) =>
    html(
      reply,
      loginPage({
        csrfToken: csrfTokenFor(request, reply),
        next: request.query.next ? safeNext(request.query.next) : undefined,
        notice: request.query.done === "signed-out" ? "You are signed out." : undefined,
      }),
    ),
  );

  app.post("/dashboard/login", { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = normalizeEmail(field(request.body, "email"));
    const password = field(request.body, "password");
    const next = safeNext(field(request.body, "next") || "/dashboard/inboxes");
    const again = (error: string, status: number) =>
      html(reply, loginPage({ csrfToken: csrfTokenFor(request, reply), email, error, next }), status);
    const ticket = await takeSignInAttempt(store, { email, clientAddress: request.ip, nowMs: nowMs() });
    if (!ticket.allowed) {
      reply.header("retry-after", Math.ceil(ticket.retryAfterMs / 1000));
      return again(
        `Too many failed sign-ins for this account or from this address: try again in ${Math.ceil(ticket.retryAfterMs / 60_000)} minutes.`,
        429,
      );
    }
    const user = email === "" ? undefined : await store.findUserByEmail(email);
    const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
    const memberships = user && valid ? await store.listMembershipsOfUser(user.id) : [];
    const workspaceId = memberships[0]?.workspaceId;
    if (!user || !valid || workspaceId === undefined) return again("The email or the password is not right.", 401);
    await ticket.release();
    await signIn(request, reply, user.id, workspaceId);
    return reply.redirect(next, 303);
  });

  app.post("/dashboard/logout", { preHandler: app.csrfProtection }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await store.deleteSession(sessionIdOf(token));
    reply.clearCookie(SESSION_COOKIE, { path: "/dashboard" });
    return reply.redirect("/dashboard/login?done=signed-out", 303);
  });

  app.post("/dashboard/join", { preHandler: app.csrfProtection }, async (request, reply) => {
    const me = await requireSignedIn(store, request, reply, nowMs());
    if (isReply(me)) return me;
    const invite = await store.takeInvite(inviteIdOf(field(request.body, "invite")), nowMs());
    if (!invite?.workspaceId) return reply.redirect("/dashboard/inboxes?done=invite-invalid", 303);
    // A member already keeps their role: an invitation never demotes an owner.
    if (!me.workspaces.some((w) => w.id === invite.workspaceId))
      await store.putMembership({ workspaceId: invite.workspaceId, userId: me.user.id, role: invite.role });
    await store.switchSessionWorkspace(me.session.id, invite.workspaceId);
    return reply.redirect("/dashboard/inboxes?done=joined", 303);
  });

  app.post("/dashboard/workspace", { preHandler: app.csrfProtection }, async (request, reply) => {
    const me = await requireSignedIn(store, request, reply, nowMs());
    if (isReply(me)) return me;
    const wanted = field(request.body, "workspace_id");
    // Only a workspace the person is a member of: any other id is ignored.
    if (me.workspaces.some((w) => w.id === wanted)) await store.switchSessionWorkspace(me.session.id, wanted);
    return reply.redirect("/dashboard/inboxes", 303);
  });
}
