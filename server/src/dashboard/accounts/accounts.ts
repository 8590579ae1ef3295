// Accounts, written once for the dashboard and the operator CLI: signing up (a workspace of one's
// own, or the one an invite names), invitations as one-time links, and the workspaces a person may
// look at.
import { createHash, randomBytes } from "node:crypto";
import { isValidAddrSpec } from "../../mail/addresses.js";
import { AdminInputError, createWorkspace } from "../../admin/operations.js";
import type { InviteRecord, MemberRole, MembershipRecord, Store, UserRecord, Workspace } from "../../store/store.js";
import { hashPassword, passwordProblem } from "./passwords.js";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const WORKSPACE_NAME_MAX_LENGTH = 100;
/** Where a person signs up or joins with an invite's token. */
export const INVITE_PATH = "/dashboard/signup";

export function normalizeEmail(email: string): string {
  return email.trim();
}

export function emailProblem(email: string): string | undefined {
  if (email === "") return "Give your email address.";
  if (email.length > 254 || !isValidAddrSpec(email)) return `"${email}" is not an email address.`;
  return undefined;
}

export const inviteIdOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** Makes an invitation and returns it with the only copy of its token. */
export async function createInvite(
  store: Store,
  input: { workspaceId: string | null; role: MemberRole; now: Date; ttlMs?: number },
): Promise<{ token: string; invite: InviteRecord }> {
  if (input.workspaceId !== null && !(await store.getWorkspace(input.workspaceId)))
    throw new AdminInputError(`No workspace ${input.workspaceId}.`);
  const token = randomBytes(24).toString("base64url");
  const invite: InviteRecord = {
    id: inviteIdOf(token),
    workspaceId: input.workspaceId,
    role: input.role,
    createdAt: input.now.toISOString(),
    expiresAtMs: input.now.getTime() + (input.ttlMs ?? INVITE_TTL_MS),
  };
  await store.createInvite(invite);
  return { token, invite };
}

export function inviteLink(publicUrl: string, token: string): string {
  const link = new URL(INVITE_PATH, publicUrl);
  link.searchParams.set("invite", token);
  return link.toString();
}

/**
 * Creates the account and its membership: of the workspace to join with its role, else of a new
 * workspace it owns. AdminInputError names what was wrong; nothing is half made: the user is
 * created last but one, after every check, and a taken email creates nothing.
 */
export async function createAccount(
  store: Store,
  input: {
    email: string;
    password: string;
    workspaceName?: string;
    /** Join this workspace with this role; without it the account opens a workspace it owns. */
    join?: { workspaceId: string; role: MemberRole } | undefined;
    plan?: Workspace["plan"];
  },
): Promise<{ user: UserRecord; membership: MembershipRecord }> {
  const email = normalizeEmail(input.email);
  const workspaceName = input.workspaceName?.trim() ?? "";
  const problem =
    emailProblem(email) ??
    passwordProblem(input.password) ??
    ([...workspaceName].length > WORKSPACE_NAME_MAX_LENGTH
      ? `A workspace name has at most ${WORKSPACE_NAME_MAX_LENGTH} characters.`
      : undefined);
  if (problem !== undefined) throw new AdminInputError(problem);
  if (await store.findUserByEmail(email))
    throw new AdminInputError("An account with this email already exists: sign in instead.");
  const passwordHash = await hashPassword(input.password);
  const user = await store.createUser({ email, passwordHash });
  if (!user) throw new AdminInputError("An account with this email already exists: sign in instead.");
  const workspaceId =
    input.join?.workspaceId ??
    (
      await createWorkspace(store, {
        name: workspaceName || `${email.split("@")[0] ?? email}'s workspace`,
        plan: input.plan ?? "free",
      })
    ).id;
  const role: MemberRole = input.join?.role ?? "owner";
  const membership = await store.putMembership({ workspaceId, userId: user.id, role });
  return { user, membership };
}

/** The user's role in the workspace, or undefined when they are not a member. */
export async function roleIn(store: Store, userId: string, workspaceId: string): Promise<MemberRole | undefined> {
  return (await store.listMembershipsOfUser(userId)).find((m) => m.workspaceId === workspaceId)?.role;
}
