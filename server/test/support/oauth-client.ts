// An OAuth client for the authorization server's tests, as an MCP client would be one: PKCE pairs,
// dynamic registration, the /authorize -> consent -> redirect round trip through a dashboard client
// (no browser), and the /token calls.
import { createHash, randomBytes } from "node:crypto";
import type { DashboardClient } from "./dashboard-client.js";

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export async function registerClient(
  base: string,
  metadata: Record<string, unknown> = { redirect_uris: ["http://127.0.0.1:33418/callback"], client_name: "Test app" },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function authorizeUrl(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return `${base}/authorize?${query.toString()}`;
}

/** GET /authorize for a signed-in person, then the consent form's Allow (or Deny) with these choices: the redirect back. */
export async function consentThrough(
  person: DashboardClient,
  authorizePath: string,
  choice: { workspaceId: string; inboxIds: string[]; scopes: string[]; decision?: "allow" | "deny" },
): Promise<URL> {
  const authorize = await person.get(authorizePath);
  if (authorize.status !== 303 || authorize.location === null)
    throw new Error(`/authorize answered ${authorize.status}: ${authorize.text.slice(0, 300)}`);
  const consentPath = authorize.location;
  const page = await person.get(consentPath);
  if (page.status !== 200) throw new Error(`the consent page answered ${page.status}`);
  const request = /name="request" value="([^"]+)"/u.exec(page.text)?.[1];
  if (request === undefined) throw new Error("the consent page has no request field");
  const answer = await person.post(
    "/dashboard/oauth/consent",
    {
      request,
      workspace_id: choice.workspaceId,
      inbox_ids: choice.inboxIds,
      scopes: choice.scopes,
      decision: choice.decision ?? "allow",
    },
    consentPath,
  );
  if (answer.status !== 303 || answer.location === null)
    throw new Error(`the consent form answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return new URL(answer.location);
}

export async function tokenRequest(
  base: string,
  fields: Record<string, string | undefined>,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  const response = await fetch(`${base}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}
