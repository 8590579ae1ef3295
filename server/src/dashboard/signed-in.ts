// Who is asking: the session cookie -> the session -> the user and the workspace in view, checked
// on every request (a removed member, a deleted session or an expired one is signed out at once).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { MemberRole, SessionRecord, Store, UserRecord, Workspace } from "../store/store.js";
import { readSession, SESSION_COOKIE } from "./accounts/sessions.js";

export interface SignedIn {
  session: SessionRecord;
  user: UserRecord;
  workspace: Workspace;
  role: MemberRole;
  workspaces: { id: string; name: string; role: MemberRole }[];
}

export async function signedInOf(store: Store, request: FastifyRequest, nowMs: number): Promise<SignedIn | undefined> {
  const session = await readSession(store, request.cookies[SESSION_COOKIE], nowMs);
  if (!session) return undefined;
  const user = await store.getUser(session.userId);
  if (!user) return undefined;
  const memberships = await store.listMembershipsOfUser(user.id);
  const found: { workspace: Workspace; role: MemberRole }[] = [];
  for (const membership of memberships) {
    const workspace = await store.getWorkspace(membership.workspaceId);
    if (workspace) found.push({ workspace, role: membership.role });
  }
  const current = found.find((f) => f.workspace.id === session.workspaceId) ?? found[0];
  if (!current) return undefined;
  const workspaces = found.map((f) => ({ id: f.workspace.id, name: f.workspace.name, role: f.role }));
  return { session, user, workspace: current.workspace, role: current.role, workspaces };
}

/** The signed-in person, or a redirect to the sign-in page (answered here; the caller returns the reply). */
export async function requireSignedIn(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  nowMs: number,
): Promise<SignedIn | FastifyReply> {
  const signedIn = await signedInOf(store, request, nowMs);
  if (signedIn) return signedIn;
  const next = request.url.startsWith("/dashboard/") ? `?next=${encodeURIComponent(request.url)}` : "";
  return reply.redirect(`/dashboard/login${next}`, 303);
}

export const isReply = (value: SignedIn | FastifyReply): value is FastifyReply => !("session" in value);
