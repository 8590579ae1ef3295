// The runner's only way to reach a server: JSON-RPC over HTTP POST, every round trip recorded.
import { LATEST_PROTOCOL_REVISION, REVISION_FEATURES } from "@mcpemails/generated";
import { recordBody, type Exchange, type KeyLabel, type RecordedRequest } from "./exchange.js";
import { Pacer } from "./pacer.js";

export interface Keys {
  token: string;
  readOnlyToken?: string;
  sendOnlyToken?: string;
  revokedToken?: string;
  approvalToken?: string;
  undoToken?: string;
}

export interface PostOptions {
  key?: KeyLabel;
  /** The literal Authorization value, for malformed keys. */
  rawAuthorization?: string;
  revision?: string;
  headers?: Record<string, string>;
  /** false: return rate_limit_exceeded instead of waiting it out (the rate-limit check wants to see it). */
  waitOutRateLimit?: boolean;
}

export interface Answer {
  exchange: Exchange;
  status: number;
  headers: Headers;
  /** The JSON-RPC message, or undefined when the body was not JSON (or empty). */
  json: unknown;
}

export interface ToolAnswer extends Answer {
  /** The JSON-RPC result of a tools/call, when there was one. */
  result?: ToolResult;
  error?: { code: number; message: string; data?: unknown };
}

export interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
  errorCode?: string;
  [field: string]: unknown;
}

export class ServerUnreachable extends Error {}

/** Thrown instead of a tools/call past the run's --max-calls budget. */
export class CallBudgetSpent extends Error {
  constructor(readonly budget: number) {
    super(`the --max-calls budget of ${budget} tools/call was spent`);
  }
}

const RATE_LIMIT_WAIT_CAP_SECONDS = 120;

export class McpClient {
  private nextId = 1;
  private sessionId: string | undefined;
  /** Every tool result seen, for the check that holds error results to the catalogue. */
  readonly toolResults: { tool: string; result: ToolResult; exchange: Exchange }[] = [];
  /** tools/call requests sent so far (a retry after rate_limit_exceeded counts again). */
  callsMade = 0;
  /** Time spent waiting out rate_limit_exceeded, in ms. */
  rateLimitWaitMs = 0;
  /** The most tools/call this client sends; past it callTool throws CallBudgetSpent. */
  maxCalls: number | undefined;
  /** What the rate limits of --token leave the run. */
  readonly pacer: Pacer;
  /** Every JSON-RPC error a tools/call got, for the check that holds them to the catalogue. */
  readonly toolCallErrors: { tool: string; error: NonNullable<ToolAnswer["error"]>; exchange: Exchange }[] = [];

  constructor(
    readonly url: string,
    private readonly keys: Keys,
    readonly revision: string = LATEST_PROTOCOL_REVISION,
    now: () => number = Date.now,
  ) {
    this.pacer = new Pacer(now);
  }

  async post(body: unknown, options: PostOptions = {}): Promise<Answer> {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const revision = options.revision ?? this.revision;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...options.headers,
    };
    const hasVersionHeader =
      (REVISION_FEATURES as Record<string, { protocolVersionHeader: boolean } | undefined>)[revision]
        ?.protocolVersionHeader ?? false;
    if (hasVersionHeader) headers["mcp-protocol-version"] = revision;
    if (this.sessionId !== undefined) headers["mcp-session-id"] = this.sessionId;
    const label = options.key ?? "token";
    const secret = options.rawAuthorization ?? this.secretFor(label);
    const recorded: RecordedRequest = { url: this.url, headers: { ...headers }, key: label, body: recordBody(text) };
    if (secret !== undefined) {
      headers.authorization = secret;
      recorded.headers.authorization = label === "malformed" ? secret : `Bearer <${label}>`;
    }
    let response: Response;
    try {
      response = await fetch(this.url, { method: "POST", headers, body: text });
    } catch (error) {
      const cause =
        error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`
          : String(error);
      throw new ServerUnreachable(`POST ${this.url} failed: ${cause}`);
    }
    const responseText = await response.text();
    const exchange: Exchange = {
      request: recorded,
      response: {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: recordBody(responseText),
      },
    };
    const json = parseBody(responseText, response.headers.get("content-type"));
    if (label === "token" && options.rawAuthorization === undefined) this.pace(text, response.status, json);
    return { exchange, status: response.status, headers: response.headers, json };
  }

  /** Tells the pacer what the server counted of a request made with --token (rate_limits.counts). */
  private pace(sent: string, status: number, answer: unknown): void {
    let message: unknown;
    try {
      message = JSON.parse(sent);
    } catch {
      return;
    }
    if (Array.isArray(message)) {
      if (status === 200) this.pacer.recordCounted(message.length);
      return;
    }
    if ((message as { method?: unknown } | null)?.method !== "tools/call") return;
    const result = (answer as { result?: ToolResult } | undefined)?.result;
    if (result?.errorCode === "rate_limit_exceeded") this.pacer.recordRefusal(result);
    else this.pacer.recordCounted();
  }

  async request(method: string, params?: unknown, options: PostOptions = {}): Promise<Answer> {
    return this.post(
      { jsonrpc: "2.0", id: this.nextId++, method, ...(params === undefined ? {} : { params }) },
      options,
    );
  }

  /** initialize, then the initialized notification; keeps a session id if the server hands one out. */
  async connect(): Promise<Answer> {
    const answer = await this.request("initialize", initializeParams(this.revision));
    const session = answer.headers.get("mcp-session-id");
    if (session !== null) this.sessionId = session;
    if (answer.status === 200) await this.post({ jsonrpc: "2.0", method: "notifications/initialized" });
    return answer;
  }

  /** tools/call; waits out rate_limit_exceeded (bounded), so that a limited key slows a run but does not fail it. */
  async callTool(tool: string, args: unknown, options: PostOptions = {}): Promise<ToolAnswer> {
    for (;;) {
      if (this.maxCalls !== undefined && this.callsMade >= this.maxCalls) throw new CallBudgetSpent(this.maxCalls);
      this.callsMade++;
      const answer = await this.request("tools/call", { name: tool, arguments: args }, options);
      const message = (answer.json ?? {}) as { result?: ToolResult; error?: ToolAnswer["error"] };
      const result = message.result;
      if (
        options.waitOutRateLimit !== false &&
        result?.errorCode === "rate_limit_exceeded" &&
        typeof result.retryAfter === "number" &&
        result.retryAfter <= RATE_LIMIT_WAIT_CAP_SECONDS
      ) {
        this.rateLimitWaitMs += result.retryAfter * 1000;
        await new Promise((resolve) => setTimeout(resolve, (result.retryAfter as number) * 1000));
        continue;
      }
      if (result !== undefined) this.toolResults.push({ tool, result, exchange: answer.exchange });
      if (message.error !== undefined)
        this.toolCallErrors.push({ tool, error: message.error, exchange: answer.exchange });
      return {
        ...answer,
        ...(result === undefined ? {} : { result }),
        ...(message.error === undefined ? {} : { error: message.error }),
      };
    }
  }

  private secretFor(label: KeyLabel): string | undefined {
    const keys: Partial<Record<KeyLabel, string>> = {
      token: this.keys.token,
      "read-only-token": this.keys.readOnlyToken,
      "send-only-token": this.keys.sendOnlyToken,
      "revoked-token": this.keys.revokedToken,
      "approval-token": this.keys.approvalToken,
      "undo-token": this.keys.undoToken,
    };
    const key = keys[label];
    return key === undefined ? undefined : `Bearer ${key}`;
  }
}

export function initializeParams(revision: string) {
  return {
    protocolVersion: revision,
    capabilities: {},
    clientInfo: { name: "mcpemails-conformance", version: "0.1.0" },
  };
}

/** A JSON body, or the first message of an SSE stream (servers may answer either way). */
function parseBody(text: string, contentType: string | null): unknown {
  const json = (raw: string) => {
    try {
      return raw === "" ? undefined : (JSON.parse(raw) as unknown);
    } catch {
      return undefined;
    }
  };
  if (contentType?.includes("text/event-stream")) {
    const data = text
      .split(/\r?\n\r?\n/)
      .map((event) =>
        event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n"),
      )
      .find((payload) => payload !== "");
    return data === undefined ? undefined : json(data);
  }
  return json(text);
}
