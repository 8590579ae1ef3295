// The OAuth token introspection endpoint (RFC 7662) the Dovecot rig asks about every XOAUTH2 and
// OAUTHBEARER login (scripts/dovecot/dovecot-oauth2.conf.ext.template): a token is active while a
// test has granted it for one user and not revoked it. Dovecot POSTs `token=<token>` and lets the
// login through only when the answer is active for the user logging in.
import { createServer, type Server } from "node:http";

/** The port scripts/dovecot.sh writes into the rig's OAuth passdb (MCPEMAILS_DOVECOT_OAUTH_PORT). */
export const RIG_OAUTH_PORT = Number(process.env.MCPEMAILS_DOVECOT_OAUTH_PORT ?? 10146);

export interface OAuthIntrospection {
  grant(token: string, username: string): void;
  revoke(token: string): void;
  /** Tokens Dovecot asked about, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

export async function startOAuthIntrospection(port = RIG_OAUTH_PORT): Promise<OAuthIntrospection> {
  const active = new Map<string, string>();
  const asked: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const token = new URLSearchParams(body).get("token") ?? "";
      asked.push(token);
      const username = active.get(token);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(username === undefined ? { active: false } : { active: true, username }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    grant: (token, username) => void active.set(token, username),
    revoke: (token) => void active.delete(token),
    asked,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
