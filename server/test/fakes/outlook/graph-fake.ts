// A stateful Microsoft Graph (mail) and Microsoft identity platform for tests and benchmarks, served
// through msw: the mailboxes it hosts, the grants it has issued, what it is told to fail, and how
// many requests each endpoint received. The handlers live in graph-handlers.ts and token-endpoint.ts.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { RequestHandler } from "msw";
import { FakeMailbox, type FakeFolder, type WellKnownFolder } from "./graph-mailbox.js";
import { graphHandlers } from "./graph-handlers.js";
import { tokenEndpointHandlers } from "./token-endpoint.js";

export interface FakeApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** A failure the fake answers with instead of (or, afterExecution, after) doing what was asked. */
export interface FakeFault {
  method?: string;
  /** Matched against the endpoint, such as "POST /me/sendMail" or "GET /me/messages/{id}/$value". */
  endpoint?: RegExp;
  status: number;
  code: string;
  retryAfterSeconds?: number;
  /**
   * Retry-After as an HTTP-date (IMF-fixdate) instead: Graph documents seconds
   * (https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling), HTTP allows either
   * (https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3), and a gateway in front of Graph may send a date.
   */
  retryAfterDate?: Date;
  /** The request is carried out, then answered with the failure (the outcome a client cannot know). */
  afterExecution?: boolean;
  times?: number;
}

interface Grant {
  address: string;
  revoked: boolean;
}

export class GraphFake {
  readonly tenantId = randomUUID();
  /** What access tokens the token endpoint gives live for. */
  accessTokenLifetimeSeconds = 3600;
  /** Delay of every Graph answer, so that concurrency can be observed. */
  latencyMs = 0;
  /** Only requests of endpoints matching this are delayed, when set ("POST /me/messages/{id}/send"). */
  latencyEndpoint: RegExp | undefined = undefined;
  /**
   * How long after a send Exchange files the sender's copy in Sent Items (and delivers it). The send
   * answers 202 at once and the rest happens after (https://learn.microsoft.com/graph/outlook-things-to-know-about-send-mail:
   * "Most of the steps (steps 2 to 7) take place after the method response is returned", step 4 the
   * move to Sent Items); "Getting the message in Sent Items may not succeed immediately after sending
   * the message. The copy of the message is not created until the message successfully sends, which
   * may take time." (https://learn.microsoft.com/graph/outlook-immutable-id#immutable-id-with-sending-mail).
   * Microsoft gives no figure; the default is a short delay of the fake's choosing, 0 files at once.
   */
  sentCopyDelayMs = 300;
  /**
   * Whether Exchange gives a sent message an internetMessageId of its own, in the Sent Items copy and
   * in what recipients get, in place of the Message-ID the client put in its MIME: "The
   * InternetMessageId is assigned by the sending Message Transfer agent (MTA)" (Microsoft, in
   * https://github.com/OfficeDev/office-js/issues/2392), and a draft's internetMessageId is seen to
   * change once it is sent (https://github.com/OfficeDev/office-js/issues/6066,
   * https://github.com/OfficeDev/office-js/issues/1244). Whether Exchange keeps a MIME draft's own
   * is not documented: off unless told, when the fake keeps it.
   */
  assignsInternetMessageId = false;
  /**
   * A message collection's store holds an item Graph does not return after every this many messages,
   * which $skip counts (store-positions.ts); 0 for none.
   */
  nonMessageItemEvery = 3;
  /**
   * Graph refuses more than "4 concurrent requests" per app ID and mailbox combination
   * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits) with 429 and
   * Retry-After, "Application is over its MailboxConcurrency limit." A request counts from its arrival
   * until its answer's body has been read, since a body still streaming holds Exchange's side.
   */
  readonly mailboxConcurrencyLimit = 4;
  maxObservedConcurrency = 0;
  /** 429s answered for the MailboxConcurrency limit. */
  mailboxConcurrencyRefusals = 0;
  /** How long an answer's body takes to begin streaming, so that a slot freed at the headers shows. */
  bodyStreamMs = 0;

  private readonly mailboxes = new Map<string, FakeMailbox>();
  private readonly accessTokens = new Map<string, { address: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly codes = new Map<string, { address: string; codeChallenge?: string }>();
  private readonly counts = new Map<string, number>();
  private readonly faults: Array<FakeFault & { times: number }> = [];
  private readonly sending = new Set<Promise<void>>();

  constructor(readonly app: FakeApp) {}

  handlers(): RequestHandler[] {
    return [...tokenEndpointHandlers(this), ...graphHandlers(this)];
  }

  addMailbox(address: string, displayName = address.split("@")[0] ?? address): FakeMailbox {
    const mailbox = new FakeMailbox(address, displayName);
    this.mailboxes.set(address.toLowerCase(), mailbox);
    return mailbox;
  }

  mailbox(address: string): FakeMailbox {
    const mailbox = this.mailboxes.get(address.toLowerCase());
    if (mailbox === undefined) throw new Error(`the Graph fake hosts no mailbox ${address}`);
    return mailbox;
  }

  hostedMailbox(address: string): FakeMailbox | undefined {
    return this.mailboxes.get(address.toLowerCase());
  }

  /** Files a message in a hosted mailbox, as if it had arrived (or been sent) earlier. */
  async seed(
    address: string,
    mime: string | Buffer,
    options: { folder?: WellKnownFolder | FakeFolder; isRead?: boolean; receivedDateTime?: string } = {},
  ) {
    const mailbox = this.mailbox(address);
    const folder = options.folder ?? "inbox";
    const stored = await mailbox.addFromMime(Buffer.from(mime), {
      folder: typeof folder === "string" ? folder : "inbox",
      isRead: options.isRead ?? false,
      ...(options.receivedDateTime ? { receivedDateTime: options.receivedDateTime } : {}),
    });
    if (typeof folder !== "string") mailbox.move(stored.message.id, folder);
    return stored;
  }

  /** Runs what follows a send's 202 after sentCopyDelayMs (at once when 0); settled() waits for it. */
  async afterSending(work: () => Promise<void>): Promise<void> {
    if (this.sentCopyDelayMs <= 0) return work();
    const done = new Promise<void>((resolve) => setTimeout(resolve, this.sentCopyDelayMs)).then(work);
    this.sending.add(done);
    void done.finally(() => this.sending.delete(done)).catch(() => undefined);
  }

  /** Waits until every send so far has been filed and delivered. */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  // ---- grants --------------------------------------------------------------------------------

  /** The code Microsoft's consent page would redirect with, once the owner of this mailbox consented (to a consent URL with this PKCE challenge, if any). */
  issueAuthorizationCode(address: string, codeChallenge?: string | null): string {
    this.mailbox(address);
    const code = `0.A${randomBytes(48).toString("base64url")}`;
    this.codes.set(code, { address, ...(codeChallenge ? { codeChallenge } : {}) });
    return code;
  }

  /**
   * The code's mailbox, once; "pkce" when its consent had a challenge and the verifier's S256 is not
   * it (code_verifier is "required if PKCE was used in the authorization code grant request",
   * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token).
   */
  redeemAuthorizationCode(code: string, codeVerifier?: string | null): string | "pkce" | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (entry === undefined) return undefined;
    if (entry.codeChallenge !== undefined) {
      const s256 = createHash("sha256")
        .update(codeVerifier ?? "")
        .digest("base64url");
      if (s256 !== entry.codeChallenge) return "pkce";
    }
    return entry.address;
  }

  issueAccessToken(address: string, lifetimeSeconds: number): string {
    const token = `eyJ0eXAiOi.${randomBytes(32).toString("base64url")}`;
    this.accessTokens.set(token, { address, expiresAt: Date.now() + lifetimeSeconds * 1000 });
    return token;
  }

  issueRefreshToken(address: string): string {
    const token = `M.C5${randomBytes(48).toString("base64url")}`;
    this.refreshTokens.set(token, { address, revoked: false });
    return token;
  }

  refreshGrant(token: string): Grant | undefined {
    return this.refreshTokens.get(token);
  }

  /** The mailbox an access token is for, "expired", or undefined for a token never issued. */
  accessTokenOwner(token: string): string | "expired" | undefined {
    const entry = this.accessTokens.get(token);
    if (entry === undefined) return undefined;
    return entry.expiresAt <= Date.now() ? "expired" : entry.address;
  }

  /** Every access token of the mailbox expires now (refresh tokens stay good). */
  expireAccessTokens(address: string): void {
    for (const entry of this.accessTokens.values())
      if (entry.address.toLowerCase() === address.toLowerCase()) entry.expiresAt = 0;
  }

  /** The owner revoked consent (or changed the password): every token of the mailbox stops working. */
  revokeGrant(address: string): void {
    this.expireAccessTokens(address);
    for (const grant of this.refreshTokens.values())
      if (grant.address.toLowerCase() === address.toLowerCase()) grant.revoked = true;
  }

  // ---- failures and counters -----------------------------------------------------------------

  failNext(fault: FakeFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** 429 with Retry-After (seconds, or a Date sent as an HTTP-date) for the next `times` Graph requests (of an endpoint, if given). */
  throttleNext(times: number, retryAfter: number | Date, endpoint?: RegExp): void {
    this.failNext({
      status: 429,
      code: "ApplicationThrottled",
      ...(retryAfter instanceof Date ? { retryAfterDate: retryAfter } : { retryAfterSeconds: retryAfter }),
      times,
      ...(endpoint ? { endpoint } : {}),
    });
  }

  takeFault(endpoint: string): (FakeFault & { times: number }) | undefined {
    const index = this.faults.findIndex(
      (fault) =>
        (fault.endpoint === undefined || fault.endpoint.test(endpoint)) &&
        (fault.method === undefined || endpoint.startsWith(`${fault.method} `)),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index] as FakeFault & { times: number };
    fault.times--;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  countRequest(endpoint: string): void {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  /** Requests received per endpoint ("GET /me/messages/{id}/$value": 2, ...), login endpoints included. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Graph requests received (not the login endpoints), optionally only those of endpoints matching. */
  graphRequests(endpoint?: RegExp): number {
    let total = 0;
    for (const [name, count] of this.counts)
      if (!name.includes(" login/") && (endpoint === undefined || endpoint.test(name))) total += count;
    return total;
  }

  resetCounts(): void {
    this.counts.clear();
  }
}
