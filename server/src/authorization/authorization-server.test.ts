// The OAuth authorization server over HTTP, without a browser: discovery, registration, the
// authorization code flow with PKCE through the dashboard's consent form, refresh rotation, replay
// detection, revocation, and /mcp taking the access tokens exactly as it takes keys.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signedUpClient, type DashboardClient } from "../../test/support/dashboard-client.js";
import {
  authorizeUrl,
  consentThrough,
  pkcePair,
  registerClient,
  tokenRequest,
} from "../../test/support/oauth-client.js";
import {
  availableStores,
  post,
  postStructured,
  startTestServer,
  toolCall,
  type TestServer,
} from "../../test/support/test-server.js";
import { hashSecret } from "./oauth-secrets.js";

const CLAUDE_CALLBACK = "https://claude.ai/api/mcp/auth_callback";

describe.each(availableStores())("the OAuth authorization server, on the %s store", (storeKind) => {
  let server: TestServer;
  let base: string;
  let person: DashboardClient;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ store: storeKind, rateWindows: [{ name: "minute", seconds: 60, limit: 5 }] });
    base = server.url.replace(/\/mcp$/u, "");
    const email = `owner-${randomUUID()}@example.com`;
    person = await signedUpClient(base, email);
    const user = await server.store.findUserByEmail(email);
    if (user === undefined) throw new Error("the signed-up person is not in the store");
    await server.store.putMembership({ workspaceId: server.workspaceId, userId: user.id, role: "owner" });
    const registered = await registerClient(base, {
      redirect_uris: [CLAUDE_CALLBACK, "https://claude.com/api/mcp/auth_callback", "http://127.0.0.1/callback"],
      client_name: "Claude",
      token_endpoint_auth_method: "none",
    });
    clientId = String(registered.body.client_id);
  });

  afterAll(async () => {
    await server.close();
  });

  /** Consent for the test workspace's first inbox with these scopes: the code and the verifier. */
  async function authorize(
    options: { scopes?: string[]; redirectUri?: string; resource?: string } = {},
  ): Promise<{ code: string; verifier: string; redirect: URL; redirectUri: string }> {
    const pkce = pkcePair();
    const redirectUri = options.redirectUri ?? CLAUDE_CALLBACK;
    const state = randomUUID();
    const redirect = await consentThrough(
      person,
      authorizeUrl("", {
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: "code",
        code_challenge: pkce.challenge,
        code_challenge_method: "S256",
        state,
        scope: "read:email send:email",
        resource: options.resource ?? `${base}/mcp`,
      }),
      { workspaceId: server.workspaceId, inboxIds: [server.inbox.id], scopes: options.scopes ?? ["read:email"] },
    );
    expect(redirect.searchParams.get("state")).toBe(state);
    expect(redirect.searchParams.get("iss")).toBe(base);
    const code = redirect.searchParams.get("code");
    if (code === null) throw new Error(`no code in ${redirect.origin}${redirect.pathname}`);
    return { code, verifier: pkce.verifier, redirect, redirectUri };
  }

  const exchange = (code: string, verifier: string | undefined, redirectUri = CLAUDE_CALLBACK) =>
    tokenRequest(base, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: clientId,
      resource: `${base}/mcp`,
    });

  const refresh = (refreshToken: string) =>
    tokenRequest(base, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });

  const listInbox = (token: string) =>
    postStructured(server, toolCall("list_inbox", { inbox_id: server.inbox.id, limit: 1 }), { key: token });

  describe("discovery", () => {
    it("serves protected resource metadata at the root and the /mcp suffix, naming /mcp and this issuer", async () => {
      for (const path of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
        const response = await fetch(`${base}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: `${base}/mcp`,
          authorization_servers: [base],
          scopes_supported: ["read:email", "send:email", "draft:email"],
          bearer_methods_supported: ["header"],
        });
      }
    });

    it("serves RFC 8414 metadata and answers openid-configuration 404", async () => {
      const metadata = await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json();
      expect(metadata).toMatchObject({
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        revocation_endpoint: `${base}/revoke`,
        registration_endpoint: `${base}/register`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["none"],
        client_id_metadata_document_supported: true,
        authorization_response_iss_parameter_supported: true,
      });
      expect((await fetch(`${base}/.well-known/openid-configuration`)).status).toBe(404);
    });

    it("answers a 401 from /mcp with where its metadata is, and invalid_token when a token was given", async () => {
      const none = await post(server, toolCall("list_inbox", {}), { key: null });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe(
        `Bearer realm="mcpemails", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      );
      const bad = await post(server, toolCall("list_inbox", {}), { key: "mcpe_at_nope" });
      expect(bad.status).toBe(401);
      expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
      expect(bad.headers.get("www-authenticate")).toContain("resource_metadata=");
    });
  });

  describe("registration", () => {
    it("registers a public client with Claude's callbacks and a loopback one", async () => {
      const answer = await registerClient(base, {
        redirect_uris: [CLAUDE_CALLBACK, "https://claude.com/api/mcp/auth_callback", "http://localhost:6274/cb"],
        client_name: "Claude",
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        client_id: expect.any(String),
        client_name: "Claude",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
      });
      expect(answer.body).not.toHaveProperty("client_secret");
    });

    it("refuses a registration without redirect URIs, with plain http to a public host, or with a secret", async () => {
      expect(await registerClient(base, { client_name: "x" })).toMatchObject({
        status: 400,
        body: { error: "invalid_redirect_uri" },
      });
      const http = await registerClient(base, { redirect_uris: ["http://app.example/cb"] });
      expect(http.status).toBe(400);
      expect(http.body.error_description).toContain("neither https nor http to a loopback address");
      expect(
        await registerClient(base, {
          redirect_uris: [CLAUDE_CALLBACK],
          token_endpoint_auth_method: "client_secret_basic",
        }),
      ).toMatchObject({ status: 400, body: { error: "invalid_client_metadata" } });
    });
  });

  describe("the authorization code flow", () => {
    it("issues a code for the consent, tokens for the code and verifier, and /mcp takes the access token", async () => {
      const { code, verifier } = await authorize({ scopes: ["read:email", "send:email"] });
      const tokens = await exchange(code, verifier);
      expect(tokens.status).toBe(200);
      expect(tokens.headers.get("cache-control")).toBe("no-store");
      expect(tokens.body).toMatchObject({
        token_type: "Bearer",
        access_token: expect.stringMatching(/^mcpe_at_/u),
        refresh_token: expect.stringMatching(/^mcpe_rt_/u),
        expires_in: expect.any(Number),
        scope: "read:email send:email",
      });
      expect(Number(tokens.body.expires_in)).toBeGreaterThan(3590);
      expect(Number(tokens.body.expires_in)).toBeLessThanOrEqual(3600);
      const access = String(tokens.body.access_token);
      const listed = await listInbox(access);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.json)).toContain("structuredContent");
      expect(JSON.stringify(listed.json)).not.toContain('"isError":true');
      // Never in clear in the store: found by its hash only.
      expect(await server.store.findAccessToken(access, Date.now())).toBeUndefined();
      expect(await server.store.findAccessToken(hashSecret(access), Date.now())).toBeDefined();
    });

    it("works with a loopback redirect URI on another port than the registered one (RFC 8252)", async () => {
      const { code, verifier, redirectUri } = await authorize({ redirectUri: "http://127.0.0.1:51234/callback" });
      expect((await exchange(code, verifier, redirectUri)).status).toBe(200);
    });

    it("rotates the refresh token, and a rotated one presented again revokes the whole family", async () => {
      const { code, verifier } = await authorize();
      const first = await exchange(code, verifier);
      const second = await refresh(String(first.body.refresh_token));
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      expect((await listInbox(String(second.body.access_token))).status).toBe(200);

      const replay = await refresh(String(first.body.refresh_token));
      expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      expect((await listInbox(String(second.body.access_token))).status).toBe(401);
      expect(await refresh(String(second.body.refresh_token))).toMatchObject({
        status: 400,
        body: { error: "invalid_grant" },
      });
    });

    it("refuses a code used twice and revokes what the first exchange issued", async () => {
      const { code, verifier } = await authorize();
      const first = await exchange(code, verifier);
      expect(first.status).toBe(200);
      expect(await exchange(code, verifier)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      expect((await listInbox(String(first.body.access_token))).status).toBe(401);
      expect((await refresh(String(first.body.refresh_token))).status).toBe(400);
    });

    it("refuses a missing or wrong PKCE verifier, and the code is used up by the try", async () => {
      const missing = await authorize();
      expect(await exchange(missing.code, undefined)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      expect((await exchange(missing.code, missing.verifier)).status).toBe(400);
      const wrong = await authorize();
      expect(await exchange(wrong.code, pkcePair().verifier)).toMatchObject({
        status: 400,
        body: { error: "invalid_grant" },
      });
    });

    it("refuses a token request for another resource, and /authorize sends invalid_target back", async () => {
      const { code, verifier } = await authorize();
      const other = await tokenRequest(base, {
        grant_type: "authorization_code",
        code,
        code_verifier: verifier,
        redirect_uri: CLAUDE_CALLBACK,
        client_id: clientId,
        resource: "https://other.example/mcp",
      });
      expect(other).toMatchObject({ status: 400, body: { error: "invalid_target" } });
      const refused = await person.get(
        authorizeUrl("", {
          client_id: clientId,
          redirect_uri: CLAUDE_CALLBACK,
          response_type: "code",
          code_challenge: pkcePair().challenge,
          code_challenge_method: "S256",
          state: "s1",
          resource: "https://other.example/mcp",
        }),
      );
      expect(refused.status).toBe(303);
      const location = new URL(refused.location ?? "");
      expect(location.origin + location.pathname).toBe(CLAUDE_CALLBACK);
      expect(location.searchParams.get("error")).toBe("invalid_target");
      expect(location.searchParams.get("state")).toBe("s1");
      expect(location.searchParams.get("iss")).toBe(base);
    });

    it("refuses on /mcp an access token issued for another resource", async () => {
      const { code, verifier } = await authorize();
      const tokens = await exchange(code, verifier);
      const access = String(tokens.body.access_token);
      const record = await server.store.findAccessToken(hashSecret(access), Date.now());
      if (record === undefined) throw new Error("no access token record");
      const foreign = `mcpe_at_${randomUUID()}`;
      await server.store.createAccessToken({
        ...record,
        id: hashSecret(foreign),
        resource: "https://other.example/mcp",
      });
      const answer = await listInbox(foreign);
      expect(answer.status).toBe(401);
      expect(answer.text).toContain("another resource");
    });

    it("answers an unregistered redirect URI with an error page, never a redirect", async () => {
      const answer = await person.get(
        authorizeUrl("", {
          client_id: clientId,
          redirect_uri: "https://evil.example/callback",
          response_type: "code",
          code_challenge: pkcePair().challenge,
          code_challenge_method: "S256",
          state: "s",
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.text).toContain("redirect_uri is not one this client registered");
      const unknownClient = await person.get(authorizeUrl("", { client_id: "nobody", response_type: "code" }));
      expect(unknownClient.status).toBe(400);
      expect(unknownClient.location).toBeNull();
    });

    it("sends a request without PKCE back with invalid_request, and Deny back with access_denied", async () => {
      const noPkce = await person.get(
        authorizeUrl("", { client_id: clientId, redirect_uri: CLAUDE_CALLBACK, response_type: "code", state: "a" }),
      );
      expect(new URL(noPkce.location ?? "").searchParams.get("error")).toBe("invalid_request");
      const denied = await consentThrough(
        person,
        authorizeUrl("", {
          client_id: clientId,
          redirect_uri: CLAUDE_CALLBACK,
          response_type: "code",
          code_challenge: pkcePair().challenge,
          code_challenge_method: "S256",
          state: "d",
        }),
        { workspaceId: server.workspaceId, inboxIds: [server.inbox.id], scopes: ["read:email"], decision: "deny" },
      );
      expect(denied.searchParams.get("error")).toBe("access_denied");
      expect(denied.searchParams.get("state")).toBe("d");
      expect(denied.searchParams.has("code")).toBe(false);
    });

    it("never accepts a token in the query string", async () => {
      const { code, verifier } = await authorize();
      const access = String((await exchange(code, verifier)).body.access_token);
      const response = await fetch(`${server.url}?access_token=${encodeURIComponent(access)}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify(toolCall("list_inbox", { inbox_id: server.inbox.id })),
      });
      expect(response.status).toBe(401);
      const withHeaderToo = await fetch(`${server.url}?access_token=${encodeURIComponent(access)}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "mcp-protocol-version": "2025-06-18",
          authorization: `Bearer ${access}`,
        },
        body: JSON.stringify(toolCall("list_inbox", { inbox_id: server.inbox.id })),
      });
      expect(withHeaderToo.status).toBe(401);
    });

    it("revokes through /revoke: a refresh token ends its grant, and /mcp refuses its access token", async () => {
      const { code, verifier } = await authorize();
      const tokens = await exchange(code, verifier);
      const answer = await fetch(`${base}/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: String(tokens.body.refresh_token), client_id: clientId }).toString(),
      });
      expect(answer.status).toBe(200);
      expect((await listInbox(String(tokens.body.access_token))).status).toBe(401);
    });
  });

  describe("limits, as for keys", () => {
    it("gives a grant without send:email the scope error on send_email, as a read-only key gets", async () => {
      const { code, verifier } = await authorize({ scopes: ["read:email"] });
      const access = String((await exchange(code, verifier)).body.access_token);
      const send = toolCall("send_email", {
        inbox_id: server.inbox.id,
        to: ["someone@example.com"],
        subject: "Hi",
        body_text: "Hello",
      });
      const viaGrant = (await postStructured(server, send, { key: access })).json as {
        result?: unknown;
        error?: unknown;
      };
      const viaKey = (await postStructured(server, send, { key: server.keys.readOnly })).json as {
        result?: unknown;
        error?: unknown;
      };
      expect(JSON.stringify(viaGrant)).toMatch(/scope/u);
      expect(viaGrant).toEqual(viaKey);
    });

    it("counts rate windows per grant: the sixth call of a minute is refused, a key of the workspace still passes", async () => {
      const { code, verifier } = await authorize();
      const access = String((await exchange(code, verifier)).body.access_token);
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const json = (await listInbox(access)).json as { result: { isError?: boolean; structuredContent?: unknown } };
        outcomes.push(JSON.stringify(json.result).includes("rate_limit_exceeded") ? "limited" : "ok");
      }
      expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "ok", "limited"]);
      expect((await listInbox(server.keys.full)).text).not.toContain("rate_limit_exceeded");
    });

    it("refuses an inbox the grant was not given, as a key limited to some inboxes is", async () => {
      const { code, verifier } = await authorize();
      const access = String((await exchange(code, verifier)).body.access_token);
      const other = await postStructured(server, toolCall("list_inbox", { inbox_id: server.siblingInbox.id }), {
        key: access,
      });
      expect(other.text).toContain("inbox_not_found");
    });

    it("shows a connected app's calls on the usage page under the app's name", async () => {
      const { code, verifier } = await authorize();
      const access = String((await exchange(code, verifier)).body.access_token);
      expect((await listInbox(access)).status).toBe(200);
      await person.post("/dashboard/workspace", { workspace_id: server.workspaceId }, "/dashboard/usage");
      await vi.waitFor(async () => expect((await person.get("/dashboard/usage")).text).toContain("App: Claude"));
    });
  });
});
