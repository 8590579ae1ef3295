// The common part of every signed-in page: who asks (or a redirect to sign in), the frame with its
// CSRF token and navigation, and the notice a redirect asked for by name (never text from the URL).
import type { FastifyReply, FastifyRequest } from "fastify";
import { csrfTokenFor } from "./dashboard-plugin.js";
import type { DashboardOptions } from "./dashboard-options.js";
import { isReply, requireSignedIn, type SignedIn } from "./signed-in.js";
import type { Frame, NavId } from "./views/layout.js";

const NOTICES: Record<string, string> = {
  welcome: "Welcome! Connect an inbox, then create an API key for your agent.",
  joined: "You joined the workspace.",
  "invite-invalid": "That invitation link has expired or was already used: ask for a new one.",
  "inbox-added": "The inbox is connected.",
  "inbox-removed": "The inbox was removed.",
  "key-revoked": "The key was revoked: calls with it are refused from now on.",
  "app-revoked": "The app was disconnected: its calls are refused from now on.",
  "member-removed": "The member was removed and signed out.",
  "limits-saved": "The workspace's limits are saved: they hold from its next call, on every instance.",
};

export interface MemberPage {
  me: SignedIn;
  csrfToken: string;
  frame(title: string, current: NavId, extra?: Partial<Frame>): Frame;
}

export async function memberPage(
  options: DashboardOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<MemberPage | FastifyReply> {
  const me = await requireSignedIn(options.store, request, reply, options.now().getTime());
  if (isReply(me)) return me;
  const csrfToken = csrfTokenFor(request, reply);
  const done = (request.query as { done?: unknown } | undefined)?.done;
  const notice = typeof done === "string" ? NOTICES[done] : undefined;
  return {
    me,
    csrfToken,
    frame: (title, current, extra = {}) => ({
      title,
      csrfToken,
      notice,
      signedIn: {
        email: me.user.email,
        workspaceName: me.workspace.name,
        workspaces: me.workspaces,
        workspaceId: me.workspace.id,
        current,
        operator: isOperator(options, me),
      },
      ...extra,
    }),
  };
}

/** One of the server's operators (MCPEMAILS_OPERATORS), by the email they signed in with. */
export function isOperator(options: DashboardOptions, me: SignedIn): boolean {
  return (options.operators ?? []).includes(me.user.email.toLowerCase());
}

export const isPage = (value: MemberPage | FastifyReply): value is MemberPage => "me" in value && "frame" in value;

export const sendHtml = (reply: FastifyReply, body: string, status = 200) =>
  reply.code(status).type("text/html; charset=utf-8").send(body);
