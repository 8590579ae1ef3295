// Ready-to-copy configurations that connect MCP clients to this server's /mcp endpoint with an API
// key: shown on the dashboard's "Connect your client" page and printed on the first start.
//
// Pure: no I/O. JSON snippets are built as objects and serialised with JSON.stringify; shell snippets
// quote every value that comes from the caller (the URL, the key, the inbox id) with shellQuote.
// Each client's format was checked against the documentation page named in the comment above it.
import { TOOL_ANNOTATIONS, TOOL_SCOPES, type ToolName } from "@mcpemails/generated";

/** The tools that send mail, for a client's approval settings: send:email's, get_send_status (read-only) aside. */
const sendsMail = (name: ToolName) => TOOL_SCOPES[name] === "send:email" && !TOOL_ANNOTATIONS[name].readOnlyHint;

export type ClientConfigFormat = "json" | "shell" | "text";

export type ClientId =
  | "claude-desktop"
  | "claude-code"
  | "cursor"
  | "vscode"
  | "windsurf"
  | "gemini-cli"
  | "openai-responses"
  | "mcp-inspector"
  | "curl";

export interface ClientConfig {
  id: ClientId;
  /** The client's name, as a heading. */
  title: string;
  /** Where the snippet goes: a file path, "terminal", or for an API the part of a request. No final period. */
  where: string;
  format: ClientConfigFormat;
  snippet: string;
  /** The client's documentation page for this configuration. */
  docs: string;
  /** What a user must know before using it (a requirement, a limitation), when there is something. */
  note?: string;
}

export interface ClientConfigInput {
  /** The MCP endpoint, such as http://127.0.0.1:3000/mcp. */
  url: string;
  /** The API key; when unknown (it is shown only once, at creation), KEY_PLACEHOLDER stands in for it. */
  key?: string | undefined;
  /** The inbox the examples read; INBOX_PLACEHOLDER when there is none. */
  inboxId?: string | undefined;
}

/** Stands for the key in every snippet when the real key is not known. */
export const KEY_PLACEHOLDER = "mcpe_test_…";
/** Stands for the inbox id in the examples when there is no inbox. */
export const INBOX_PLACEHOLDER = "INBOX_ID";
/** The name every client lists the server under. */
export const SERVER_NAME = "mcpemails";

/** The configurations, in the order the dashboard shows them. */
export function clientConfigs(input: ClientConfigInput): ClientConfig[] {
  const url = input.url;
  const key = input.key ?? KEY_PLACEHOLDER;
  const inboxId = input.inboxId ?? INBOX_PLACEHOLDER;
  const authorization = `Bearer ${key}`;
  return [
    claudeDesktop(url, authorization),
    claudeCode(url, authorization),
    cursor(url, authorization),
    vscode(url),
    windsurf(url, authorization),
    geminiCli(url, authorization),
    openaiResponses(url, authorization),
    mcpInspector(url, authorization, inboxId),
    curl(url, authorization, inboxId),
  ];
}

// Verified against https://github.com/geelen/mcp-remote#custom-headers (the --header argument, the
// AUTH_HEADER env var for Windows, --allow-http) and
// https://support.claude.com/en/articles/11503834-building-custom-integrations-via-remote-mcp-servers
// (Claude Desktop does not connect to remote servers configured in claude_desktop_config.json).
function claudeDesktop(url: string, authorization: string): ClientConfig {
  const args = ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH_HEADER}"];
  // mcp-remote accepts plain http only for localhost and 127.0.0.1 unless told otherwise.
  if (needsAllowHttp(url)) args.push("--allow-http");
  const config = { mcpServers: { [SERVER_NAME]: { command: "npx", args, env: { AUTH_HEADER: authorization } } } };
  return {
    id: "claude-desktop",
    title: "Claude Desktop",
    where:
      "claude_desktop_config.json, in ~/Library/Application Support/Claude/ on macOS or %APPDATA%\\Claude\\ on Windows (Settings > Developer > Edit Config opens it)",
    format: "json",
    snippet: json(config),
    docs: "https://github.com/geelen/mcp-remote#custom-headers",
    note:
      "Claude Desktop's config file starts local (stdio) servers only, so npx runs mcp-remote, which forwards to this " +
      "HTTP endpoint (it needs Node.js). The header value goes through the AUTH_HEADER variable because Claude " +
      "Desktop on Windows does not escape spaces inside args. Restart Claude Desktop after editing the file. " +
      "No key at all: Claude.ai, Claude Desktop (Settings > Connectors > Add custom connector) and ChatGPT " +
      "connectors take just this endpoint's URL and sign in with OAuth: you allow the app an inbox on this " +
      "dashboard's consent page, and revoke it under Connected apps (the server must be reachable over https).",
  };
}

// Verified against https://code.claude.com/docs/en/mcp ("claude mcp add --transport http NAME URL
// --header ..."), read through copies of that page; the official page itself was not readable here.
function claudeCode(url: string, authorization: string): ClientConfig {
  return {
    id: "claude-code",
    title: "Claude Code",
    where: "terminal",
    format: "shell",
    snippet: `claude mcp add --transport http ${SERVER_NAME} ${shellQuote(url)} --header ${shellQuote(`Authorization: ${authorization}`)}`,
    docs: "https://code.claude.com/docs/en/mcp",
    note: "Add --scope user before the name to make the server available in every project.",
  };
}

// Verified against https://cursor.com/docs/mcp (mcpServers, ~/.cursor/mcp.json and .cursor/mcp.json,
// Streamable HTTP servers by url); the url + headers example of its "Remote server" tab was checked
// through guides that quote it, as the stored copy of the page did not include it.
function cursor(url: string, authorization: string): ClientConfig {
  const config = { mcpServers: { [SERVER_NAME]: { url, headers: { Authorization: authorization } } } };
  return {
    id: "cursor",
    title: "Cursor",
    where: "~/.cursor/mcp.json (every project) or .cursor/mcp.json (one project)",
    format: "json",
    snippet: json(config),
    docs: "https://cursor.com/docs/mcp",
  };
}

// Verified against https://code.visualstudio.com/docs/copilot/reference/mcp-configuration ("servers"
// with type "http", url and headers; "inputs" of type promptString with "password": true, used as
// ${input:ID}).
function vscode(url: string): ClientConfig {
  const input = "mcpemails-api-key";
  const config = {
    inputs: [{ type: "promptString", id: input, description: "MCPEmails API key", password: true }],
    servers: {
      [SERVER_NAME]: { type: "http", url, headers: { Authorization: `Bearer \${input:${input}}` } },
    },
  };
  return {
    id: "vscode",
    title: "VS Code",
    where: ".vscode/mcp.json (one workspace) or your user mcp.json (command MCP: Open User Configuration)",
    format: "json",
    snippet: json(config),
    docs: "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
    note: "VS Code asks for the API key when the server first starts and stores it securely; the key is not written to the file.",
  };
}

// Verified against https://docs.windsurf.com/windsurf/cascade/mcp (~/.codeium/windsurf/mcp_config.json;
// remote HTTP servers take "serverUrl" or "url"; "headers" are supported and interpolated). The page's
// example code blocks were not in the stored copy; the field names come from its text.
function windsurf(url: string, authorization: string): ClientConfig {
  const config = { mcpServers: { [SERVER_NAME]: { serverUrl: url, headers: { Authorization: authorization } } } };
  return {
    id: "windsurf",
    title: "Windsurf",
    where: "~/.codeium/windsurf/mcp_config.json (then press refresh in the MCP panel)",
    format: "json",
    snippet: json(config),
    docs: "https://docs.windsurf.com/windsurf/cascade/mcp",
  };
}

// Verified against https://github.com/google-gemini/gemini-cli/blob/main/docs/tools/mcp-server.md
// (published at https://geminicli.com/docs/tools/mcp-server/): "httpUrl" for Streamable HTTP ("url" is
// SSE), "headers", ~/.gemini/settings.json or .gemini/settings.json.
function geminiCli(url: string, authorization: string): ClientConfig {
  const config = { mcpServers: { [SERVER_NAME]: { httpUrl: url, headers: { Authorization: authorization } } } };
  return {
    id: "gemini-cli",
    title: "Gemini CLI",
    where: "~/.gemini/settings.json (user) or .gemini/settings.json (project), merged into what is there",
    format: "json",
    snippet: json(config),
    docs: "https://geminicli.com/docs/tools/mcp-server/",
  };
}

// Verified against https://platform.openai.com/docs/guides/tools-remote-mcp through the Responses API's
// Mcp tool type in openai-python (generated from OpenAI's OpenAPI spec): type "mcp", server_label,
// server_url, headers, require_approval "always" | "never" | { always, never: { tool_names } }.
function openaiResponses(url: string, authorization: string): ClientConfig {
  const tools = Object.keys(TOOL_SCOPES) as ToolName[];
  const tool = {
    type: "mcp",
    server_label: SERVER_NAME,
    server_description: "Email: list, read, search, send and reply through MCPEmails",
    server_url: url,
    headers: { Authorization: authorization },
    // Reading needs no approval; sending and replying do.
    require_approval: {
      always: { tool_names: tools.filter((name) => sendsMail(name)) },
      never: { tool_names: tools.filter((name) => !sendsMail(name)) },
    },
  };
  const unreachable = privateHost(url);
  return {
    id: "openai-responses",
    title: "OpenAI Responses API",
    where: 'An entry of "tools" in a Responses API request (POST https://api.openai.com/v1/responses)',
    format: "json",
    snippet: json(tool),
    docs: "https://platform.openai.com/docs/guides/tools-remote-mcp",
    note:
      (unreachable
        ? `This URL is on ${unreachable}, so it will not work: OpenAI's servers call the MCP server themselves. `
        : "OpenAI's servers call the MCP server themselves, so this URL must be reachable from the internet. ") +
      "Serve MCPEmails at a public HTTPS address to use it from the Responses API.",
  };
}

// Verified against https://github.com/modelcontextprotocol/inspector/blob/main/clients/cli/README.md
// (--cli TARGET first, then --transport http, --header "Name: Value", --method tools/call,
// --tool-name, --tool-arg key=value).
function mcpInspector(url: string, authorization: string, inboxId: string): ClientConfig {
  const snippet = [
    `npx @modelcontextprotocol/inspector --cli ${shellQuote(url)} --transport http`,
    `--header ${shellQuote(`Authorization: ${authorization}`)}`,
    `--method tools/call --tool-name list_inbox --tool-arg ${shellQuote(`inbox_id=${inboxId}`)} --tool-arg limit=5`,
  ].join(" \\\n  ");
  return {
    id: "mcp-inspector",
    title: "MCP Inspector (CLI)",
    where: "terminal",
    format: "shell",
    snippet,
    docs: "https://github.com/modelcontextprotocol/inspector/blob/main/clients/cli/README.md",
    note: "Use --method tools/list to list the tools; without --cli the Inspector opens its web UI instead.",
  };
}

// The MCP Streamable HTTP transport (POST, Accept: application/json, text/event-stream), checked by
// running this very command against a test server (client-configs.test.ts).
function curl(url: string, authorization: string, inboxId: string): ClientConfig {
  const body = {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "list_inbox", arguments: { inbox_id: inboxId, limit: 5 } },
  };
  const snippet = [
    `curl -s ${shellQuote(url)}`,
    `-H ${shellQuote(`Authorization: ${authorization}`)}`,
    `-H ${shellQuote("Content-Type: application/json")}`,
    `-H ${shellQuote("Accept: application/json, text/event-stream")}`,
    `-d ${shellQuote(JSON.stringify(body))}`,
  ].join(" \\\n  ");
  return {
    id: "curl",
    title: "curl",
    where: "terminal",
    format: "shell",
    snippet,
    docs: "https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http",
  };
}

/**
 * One shell word that stands for exactly `value` in sh, bash and zsh. Double quotes when nothing in
 * the value is special inside them (readable, and the form the clients' documentation uses), else
 * single quotes with each ' written as '\''.
 */
export function shellQuote(value: string): string {
  // Inside double quotes $, `, \ and " are special, and ! in an interactive bash.
  // eslint-disable-next-line no-control-regex
  if (!/[$`\\"!\u0000-\u001f\u007f]/.test(value)) return `"${value}"`;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function hostname(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  } catch {
    return undefined;
  }
}

function needsAllowHttp(url: string): boolean {
  if (!url.toLowerCase().startsWith("http:")) return false;
  const host = hostname(url);
  return host !== "localhost" && host !== "127.0.0.1";
}

/** "loopback" or "a private network" when no server on the internet can reach the URL's host. */
function privateHost(url: string): string | undefined {
  const host = hostname(url);
  if (host === undefined) return undefined;
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1" || host === "0.0.0.0") return "loopback";
  const ipv4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  if (ipv4 !== undefined) {
    const [a, b] = ipv4 as [number, number];
    if (a === 127) return "loopback";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254))
      return "a private network";
  }
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return "a private network";
  return undefined;
}
