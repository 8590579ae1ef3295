import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetadataDocumentResolver, METADATA_DOCUMENT_MAX_BYTES } from "./client-metadata-documents.js";
import { redirectUriMatches, redirectUriProblem } from "./redirect-uris.js";

describe("redirect URIs", () => {
  it("takes https and loopback http, and nothing else", () => {
    expect(redirectUriProblem("https://claude.ai/api/mcp/auth_callback")).toBeUndefined();
    expect(redirectUriProblem("https://claude.com/api/mcp/auth_callback")).toBeUndefined();
    expect(redirectUriProblem("http://127.0.0.1:6274/callback")).toBeUndefined();
    expect(redirectUriProblem("http://[::1]/cb")).toBeUndefined();
    expect(redirectUriProblem("http://localhost:1/cb")).toBeUndefined();
    expect(redirectUriProblem("http://app.example/cb")).toMatch(/neither https nor http to a loopback/u);
    expect(redirectUriProblem("https://app.example/cb#x")).toMatch(/fragment/u);
    expect(redirectUriProblem("javascript:alert(1)")).toBeDefined();
    expect(redirectUriProblem("not a url")).toMatch(/not an absolute URL/u);
  });

  it("matches exactly, except a loopback port", () => {
    expect(
      redirectUriMatches("https://claude.ai/api/mcp/auth_callback", "https://claude.ai/api/mcp/auth_callback"),
    ).toBe(true);
    expect(
      redirectUriMatches("https://claude.ai/api/mcp/auth_callback", "https://claude.ai/api/mcp/auth_callback/"),
    ).toBe(false);
    expect(redirectUriMatches("https://app.example:443/cb", "https://app.example:8443/cb")).toBe(false);
    expect(redirectUriMatches("http://127.0.0.1/callback", "http://127.0.0.1:51234/callback")).toBe(true);
    expect(redirectUriMatches("http://127.0.0.1/callback", "http://127.0.0.1:51234/other")).toBe(false);
    expect(redirectUriMatches("http://localhost/callback", "http://127.0.0.1:5/callback")).toBe(false);
  });
});

describe("client ID metadata documents", () => {
  let site: Server;
  let origin = "";
  const documents = new Map<string, { status?: number; body: string; headers?: Record<string, string> }>();

  beforeAll(async () => {
    site = createServer((request, response) => {
      const doc = documents.get(request.url ?? "");
      response.writeHead(doc?.status ?? (doc ? 200 : 404), { "content-type": "application/json", ...doc?.headers });
      response.end(doc?.body ?? "");
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const good = (path: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ client_id: `${origin}${path}`, client_name: "App", redirect_uris: [`${origin}/cb`], ...extra });
    documents.set("/good.json", { body: good("/good.json") });
    documents.set("/other-id.json", { body: good("/good.json") });
    documents.set("/huge.json", { body: good("/huge.json", { padding: "x".repeat(METADATA_DOCUMENT_MAX_BYTES) }) });
    documents.set("/moved.json", { status: 302, body: "", headers: { location: `${origin}/good.json` } });
    documents.set("/bad-redirect.json", {
      body: JSON.stringify({ client_id: `${origin}/bad-redirect.json`, redirect_uris: ["http://app.example/cb"] }),
    });
    documents.set("/secret.json", {
      body: good("/secret.json", { token_endpoint_auth_method: "client_secret_basic" }),
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => site.close(() => resolve()));
  });

  const resolver = () => createMetadataDocumentResolver({ allowLoopbackDocuments: true });

  it("reads a document whose client_id is its own URL", async () => {
    expect(await resolver()(`${origin}/good.json`)).toMatchObject({
      ok: true,
      client: { id: `${origin}/good.json`, name: "App", redirectUris: [`${origin}/cb`], source: "metadata_document" },
    });
  });

  it("refuses a loopback http document unless told to, and https to an internal address always", async () => {
    expect(await createMetadataDocumentResolver()(`${origin}/good.json`)).toMatchObject({
      ok: false,
      problem: "a client_id URL must be https",
    });
    expect(await createMetadataDocumentResolver()("https://10.0.0.5/client.json")).toMatchObject({
      ok: false,
      problem: "a client_id URL must not name an internal address",
    });
  });

  it("refuses another client_id, a document over the cap, a redirect, a bad redirect URI and a secret", async () => {
    const resolve = resolver();
    expect((await resolve(`${origin}/other-id.json`)) as { problem?: string }).toMatchObject({
      problem: expect.stringContaining("not the URL it was fetched from"),
    });
    expect(await resolve(`${origin}/huge.json`)).toMatchObject({ problem: expect.stringContaining("bytes") });
    expect(await resolve(`${origin}/moved.json`)).toMatchObject({ problem: expect.stringContaining("HTTP 302") });
    expect(await resolve(`${origin}/bad-redirect.json`)).toMatchObject({
      problem: expect.stringContaining("loopback"),
    });
    expect(await resolve(`${origin}/secret.json`)).toMatchObject({
      problem: expect.stringContaining("public clients"),
    });
    expect(await resolve(`${origin}/missing.json`)).toMatchObject({ problem: expect.stringContaining("HTTP 404") });
  });

  it("keeps a document for a while: a change is not seen at once", async () => {
    const resolve = resolver();
    documents.set("/changing.json", {
      body: JSON.stringify({
        client_id: `${origin}/changing.json`,
        client_name: "One",
        redirect_uris: [`${origin}/cb`],
      }),
    });
    expect(await resolve(`${origin}/changing.json`)).toMatchObject({ client: { name: "One" } });
    documents.set("/changing.json", {
      body: JSON.stringify({
        client_id: `${origin}/changing.json`,
        client_name: "Two",
        redirect_uris: [`${origin}/cb`],
      }),
    });
    expect(await resolve(`${origin}/changing.json`)).toMatchObject({ client: { name: "One" } });
    expect(await resolver()(`${origin}/changing.json`)).toMatchObject({ client: { name: "Two" } });
  });
});
