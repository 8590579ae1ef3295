// A stateful in-memory Gmail, served through msw: the REST endpoints the provider uses, the
// batch endpoint and Google's token endpoint, with request counters and faults on demand.
//
//   const gmail = createFakeGmail();
//   gmail.oauth.registerClient(app.clientId, app.clientSecret);
//   gmail.mailboxes.addMailbox("me@example.com");
//   const server = setupServer(...gmail.handlers); server.listen({ onUnhandledRequest: "bypass" });
import { http } from "msw";
import { batchEndpointHandler } from "./batch-endpoint.js";
import { ROUTES, serve, type ApiState, type EndpointName, type Fault } from "./fake-gmail-api.js";
import { FakeMailboxes } from "./fake-mailbox.js";
import { FakeOAuth } from "./fake-oauth.js";
import { tokenEndpointHandler } from "./token-endpoint.js";

export type CountedEndpoint = EndpointName | "batch" | "token";

export interface FakeGmail {
  mailboxes: FakeMailboxes;
  oauth: FakeOAuth;
  handlers: ReturnType<typeof http.all>[];
  /** HTTP requests received, per endpoint (a batch is one "batch" request). */
  requests: Record<CountedEndpoint, number>;
  /** Calls carried inside batch requests, per endpoint; "refused": parts answered 429 for the user's concurrency. */
  batchedCalls: Partial<Record<EndpointName | "unknown" | "refused", number>>;
  /** Parts of one batch Gmail serves at once for a user (batch-endpoint.ts); the rest are answered 429. */
  concurrentPartsPerUser: number;
  /** The next matching requests fail as described. */
  fail(fault: Fault): void;
  resetCounters(): void;
  /** Requests of every endpoint, batches counted once. */
  totalRequests(): number;
}

export function createFakeGmail(options: { now?: () => number } = {}): FakeGmail {
  const now = options.now ?? Date.now;
  const faults: Fault[] = [];
  const zero = (): Record<CountedEndpoint, number> => ({
    token: 0,
    batch: 0,
    getProfile: 0,
    "labels.list": 0,
    "labels.get": 0,
    "threads.get": 0,
    "messages.list": 0,
    "messages.get": 0,
    "messages.modify": 0,
    "messages.send": 0,
    "messages.send.upload": 0,
    "drafts.create": 0,
    "drafts.update": 0,
    "drafts.get": 0,
    "drafts.delete": 0,
    "drafts.send": 0,
  });
  const state: ApiState = {
    mailboxes: new FakeMailboxes(now),
    oauth: new FakeOAuth(now),
    takeFault(endpoint) {
      const index = faults.findIndex((fault) => fault.endpoint === endpoint);
      if (index < 0) return undefined;
      const fault = faults[index] as Fault;
      const left = (fault.times ?? 1) - 1;
      if (left <= 0) faults.splice(index, 1);
      else faults[index] = { ...fault, times: left };
      return fault;
    },
  };
  const fake: FakeGmail = {
    mailboxes: state.mailboxes,
    oauth: state.oauth,
    requests: zero(),
    batchedCalls: {},
    concurrentPartsPerUser: 25,
    handlers: [],
    fail(fault) {
      faults.push(fault);
    },
    resetCounters() {
      fake.requests = zero();
      fake.batchedCalls = {};
    },
    totalRequests() {
      return Object.values(fake.requests).reduce((sum, count) => sum + count, 0);
    },
  };
  fake.handlers = [
    tokenEndpointHandler(state.oauth, { count: () => fake.requests.token++ }),
    batchEndpointHandler(state, {
      count: () => fake.requests.batch++,
      countPart: (endpoint) => {
        fake.batchedCalls[endpoint] = (fake.batchedCalls[endpoint] ?? 0) + 1;
      },
      concurrentPartsPerUser: () => fake.concurrentPartsPerUser,
    }),
    ...ROUTES.map((route) =>
      http[METHODS[route.method]](route.path, async ({ request, params }) => {
        fake.requests[route.endpoint]++;
        const url = new URL(request.url);
        return serve(state, route, params as Record<string, string>, {
          method: request.method,
          url,
          headers: request.headers,
          body: async () => Buffer.from(await request.arrayBuffer()),
        });
      }),
    ),
  ];
  return fake;
}

const METHODS = { GET: "get", POST: "post", PUT: "put", DELETE: "delete" } as const;
