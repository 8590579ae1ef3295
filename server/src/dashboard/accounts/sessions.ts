// Dashboard sessions: the cookie holds a random token, the store holds its sha256 (so a copy of
// the store signs nobody in) with the user, the workspace in view and an expiry. Any instance on
// the same store accepts the cookie; signing out deletes the record everywhere at once.
import { createHash, randomBytes } from "node:crypto";
import type { SessionRecord, Store } from "../../store/store.js";

export const SESSION_COOKIE = "mcpemails_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const sessionIdOf = (token: string) => createHash("sha256").update(token).digest("hex");

export async function startSession(
  store: Store,
  input: { userId: string; workspaceId: string; now: Date },
): Promise<{ token: string; session: SessionRecord }> {
  const token = randomBytes(32).toString("base64url");
  const session: SessionRecord = {
    id: sessionIdOf(token),
    userId: input.userId,
    workspaceId: input.workspaceId,
    createdAt: input.now.toISOString(),
    expiresAtMs: input.now.getTime() + SESSION_TTL_MS,
  };
  await store.createSession(session);
  return { token, session };
}

export async function readSession(
  store: Store,
  token: string | undefined,
  nowMs: number,
): Promise<SessionRecord | undefined> {
  if (token === undefined || !/^[\w-]{43}$/u.test(token)) return undefined;
  return store.getSession(sessionIdOf(token), nowMs);
}
