// The client configurations, read as documentation: what each client gets, in the shape its own
// documentation describes, and proof that the shell commands say what they mean (a shell runs them)
// and that the curl command works against a real server.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import {
  clientConfigs,
  INBOX_PLACEHOLDER,
  KEY_PLACEHOLDER,
  shellQuote,
  type ClientConfig,
  type ClientId,
} from "./client-configs.js";

const run = promisify(execFile);

const URL = "http://127.0.0.1:3000/mcp";
const KEY = "mcpe_test_0123456789abcdefABCDEF_xyz";
const INBOX = "2b9d6c1e-8f0a-4a5b-9c3d-0123456789ab";
/** Every character a URL may hold that a shell would otherwise act on. */
const AWKWARD_URL = "https://mail.example.com:8443/team's/mcp?a=1&b=$HOME;c=`id`|d!e(f)*[g]~#h";

const configs = clientConfigs({ url: URL, key: KEY, inboxId: INBOX });
const config = (id: ClientId, list: ClientConfig[] = configs): ClientConfig => {
  const found = list.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no configuration for ${id}`);
  return found;
};
const parsed = (id: ClientId, list?: ClientConfig[]): unknown => JSON.parse(config(id, list).snippet);

describe("clientConfigs", () => {
  it("lists the clients in the order the dashboard shows them, each with where it goes and its documentation", () => {
    expect(configs.map((c) => c.id)).toEqual([
      "claude-desktop",
      "claude-code",
      "cursor",
      "vscode",
      "windsurf",
      "gemini-cli",
      "openai-responses",
      "mcp-inspector",
      "curl",
    ]);
    for (const c of configs) {
      expect(c.title).not.toBe("");
      expect(c.where).not.toMatch(/\.$/);
      expect(new globalThis.URL(c.docs).protocol).toBe("https:");
    }
  });

  it("writes every JSON snippet as JSON", () => {
    const json = configs.filter((c) => c.format === "json");
    expect(json.map((c) => c.id)).toEqual([
      "claude-desktop",
      "cursor",
      "vscode",
      "windsurf",
      "gemini-cli",
      "openai-responses",
    ]);
    for (const c of json) expect(() => JSON.parse(c.snippet) as unknown).not.toThrow();
  });

  it("puts the key placeholder (and an inbox placeholder) where the real key is not known", () => {
    const placeholders = clientConfigs({ url: URL });
    expect(parsed("cursor", placeholders)).toEqual({
      mcpServers: { mcpemails: { url: URL, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } } },
    });
    expect(config("curl", placeholders).snippet).toContain(`"inbox_id":"${INBOX_PLACEHOLDER}"`);
    for (const c of placeholders) expect(c.snippet).not.toContain(KEY);
  });

  describe("Claude Desktop", () => {
    it("runs mcp-remote through npx, with the Authorization header from an env var (its config file runs local servers only)", () => {
      expect(parsed("claude-desktop")).toEqual({
        mcpServers: {
          mcpemails: {
            command: "npx",
            args: ["-y", "mcp-remote", URL, "--header", "Authorization:${AUTH_HEADER}"],
            env: { AUTH_HEADER: `Bearer ${KEY}` },
          },
        },
      });
      expect(config("claude-desktop").snippet).not.toMatch(/"(url|auth)"/);
    });

    it("adds --allow-http for plain http beyond localhost, which mcp-remote otherwise refuses", () => {
      const argsFor = (url: string) =>
        (parsed("claude-desktop", clientConfigs({ url })) as { mcpServers: { mcpemails: { args: string[] } } })
          .mcpServers.mcpemails.args;
      expect(argsFor("http://localhost:3000/mcp")).not.toContain("--allow-http");
      expect(argsFor("https://mail.example.com/mcp")).not.toContain("--allow-http");
      expect(argsFor("http://mail.internal:3000/mcp")).toEqual([
        "-y",
        "mcp-remote",
        "http://mail.internal:3000/mcp",
        "--header",
        "Authorization:${AUTH_HEADER}",
        "--allow-http",
      ]);
    });
  });

  it("Cursor: mcpServers with url and headers", () => {
    expect(parsed("cursor")).toEqual({
      mcpServers: { mcpemails: { url: URL, headers: { Authorization: `Bearer ${KEY}` } } },
    });
  });

  it("VS Code: an http server whose key is a password input, never written to the file", () => {
    const vscode = parsed("vscode") as {
      inputs: { type: string; id: string; description: string; password: boolean }[];
      servers: { mcpemails: { type: string; url: string; headers: { Authorization: string } } };
    };
    expect(vscode.inputs).toEqual([
      { type: "promptString", id: "mcpemails-api-key", description: expect.any(String) as string, password: true },
    ]);
    expect(vscode.servers.mcpemails).toEqual({
      type: "http",
      url: URL,
      headers: { Authorization: "Bearer ${input:mcpemails-api-key}" },
    });
    expect(config("vscode").snippet).not.toContain(KEY);
  });

  it("Windsurf: mcpServers with serverUrl and headers", () => {
    expect(parsed("windsurf")).toEqual({
      mcpServers: { mcpemails: { serverUrl: URL, headers: { Authorization: `Bearer ${KEY}` } } },
    });
  });

  it("Gemini CLI: mcpServers with httpUrl (Streamable HTTP; url would mean SSE) and headers", () => {
    expect(parsed("gemini-cli")).toEqual({
      mcpServers: { mcpemails: { httpUrl: URL, headers: { Authorization: `Bearer ${KEY}` } } },
    });
  });

  describe("the OpenAI Responses API", () => {
    it("is an mcp tool with the URL and the header, asking approval before sending", () => {
      expect(parsed("openai-responses")).toEqual({
        type: "mcp",
        server_label: "mcpemails",
        server_description: expect.any(String) as string,
        server_url: URL,
        headers: { Authorization: `Bearer ${KEY}` },
        require_approval: {
          always: { tool_names: ["send_email", "reply_to_email", "send_draft"] },
          never: {
            tool_names: [
              "list_inbox",
              "read_email",
              "search_emails",
              "list_folders",
              "get_thread",
              "get_attachment",
              "create_draft",
              "update_draft",
              "delete_draft",
              "get_send_status",
            ],
          },
        },
      });
    });

    it("says a loopback or private URL will not work, since OpenAI's servers make the calls", () => {
      const noteFor = (url: string) => config("openai-responses", clientConfigs({ url })).note;
      expect(noteFor(URL)).toMatch(/loopback, so it will not work/);
      expect(noteFor("http://localhost:3000/mcp")).toMatch(/loopback, so it will not work/);
      expect(noteFor("http://[::1]:3000/mcp")).toMatch(/loopback, so it will not work/);
      expect(noteFor("http://192.168.1.20:3000/mcp")).toMatch(/a private network, so it will not work/);
      expect(noteFor("https://mail.example.com/mcp")).toMatch(/must be reachable from the internet/);
    });
  });

  describe("the shell commands", () => {
    let bin: string;
    beforeAll(() => {
      // Stand-ins for claude, npx and curl that print the arguments the shell gave them.
      bin = mkdtempSync(join(tmpdir(), "mcpemails-argv-"));
      for (const name of ["claude", "npx", "curl"]) {
        writeFileSync(
          join(bin, name),
          "#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n",
        );
        chmodSync(join(bin, name), 0o755);
      }
    });
    afterAll(() => rmSync(bin, { recursive: true, force: true }));

    /** The arguments a POSIX shell passes to the command of the snippet. */
    async function argv(snippet: string, shell: string): Promise<string[]> {
      const { stdout } = await run(shell, ["-c", snippet], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      return JSON.parse(stdout) as string[];
    }

    const shells = ["sh", "bash"];
    const awkward = clientConfigs({ url: AWKWARD_URL, key: KEY, inboxId: INBOX });

    it.each(shells)("pass the URL, key and inbox through %s unchanged, whatever the URL holds", async (shell) => {
      expect(await argv(config("claude-code", awkward).snippet, shell)).toEqual([
        "mcp",
        "add",
        "--transport",
        "http",
        "mcpemails",
        AWKWARD_URL,
        "--header",
        `Authorization: Bearer ${KEY}`,
      ]);
      expect(await argv(config("mcp-inspector", awkward).snippet, shell)).toEqual([
        "@modelcontextprotocol/inspector",
        "--cli",
        AWKWARD_URL,
        "--transport",
        "http",
        "--header",
        `Authorization: Bearer ${KEY}`,
        "--method",
        "tools/call",
        "--tool-name",
        "list_inbox",
        "--tool-arg",
        `inbox_id=${INBOX}`,
        "--tool-arg",
        "limit=5",
      ]);
      const curl = await argv(config("curl", awkward).snippet, shell);
      expect(curl.slice(0, 2)).toEqual(["-s", AWKWARD_URL]);
      expect(JSON.parse(curl[curl.indexOf("-d") + 1] ?? "")).toEqual({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "list_inbox", arguments: { inbox_id: INBOX, limit: 5 } },
      });
    });

    it.each(shells)("quote the URL even when it needs nothing, and the placeholder key, in %s", async (shell) => {
      for (const c of configs.filter((c) => c.format === "shell")) expect(c.snippet).toContain(`"${URL}"`);
      const placeholder = config("claude-code", clientConfigs({ url: URL })).snippet;
      expect(await argv(placeholder, shell)).toContain(`Authorization: Bearer ${KEY_PLACEHOLDER}`);
    });

    it("shellQuote double-quotes plain values and single-quotes the rest", () => {
      expect(shellQuote("https://x.example/mcp?a=1&b=2")).toBe('"https://x.example/mcp?a=1&b=2"');
      expect(shellQuote("a$b")).toBe("'a$b'");
      expect(shellQuote("it's $5")).toBe("'it'\\''s $5'");
    });
  });
});

describe("the curl command, run against a real server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("lists the inbox", async () => {
    const { snippet } = config(
      "curl",
      clientConfigs({ url: server.url, key: server.keys.full, inboxId: server.inbox.id }),
    );
    const { stdout } = await run("sh", ["-c", snippet]);
    // A JSON body, or one SSE message event when the server streams.
    const body = stdout.trimStart().startsWith("{")
      ? stdout
      : (/^data: (.*)$/m.exec(stdout)?.[1] ?? `no data line in ${stdout}`);
    const response = JSON.parse(body) as {
      id: number;
      result: { isError?: boolean; content: { type: string; text: string }[] };
    };
    expect(response, stdout).toMatchObject({ id: 1 });
    expect(response.result.isError).not.toBe(true);
    const output = JSON.parse(response.result.content[0]?.text ?? "") as { messages: unknown[]; limit: number };
    expect(output.messages.length).toBeGreaterThan(0);
    expect(output.messages.length).toBeLessThanOrEqual(5);
  });
});
