// Contract cases a provider fails today because of the provider, not the test: each is marked in the
// matrix as "diverges", and its test asserts the current, wrong behaviour (the assertion's message
// matches `fails`), so that it fails once the provider is fixed and the entry must go.

export interface KnownDivergence {
  /** The adapter's name (the matrix's column). */
  provider: string;
  /** The case's title, as the suite names it. */
  testCase: string;
  reason: string;
  /** The provider's file and line at fault. */
  at: string;
  /** What the case's assertion says today. */
  fails: RegExp;
}

const RESOLVED_NORMALLY = /instead of rejecting/u;

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  {
    provider: "sandbox",
    testCase: "a list_inbox whose caller has gone does not resolve normally",
    reason: "list_inbox never looks at the call's signal, so a caller gone still gets its page",
    at: "server/src/providers/sandbox/tools/list-inbox.ts:5 (listInbox takes no ToolCall)",
    fails: RESOLVED_NORMALLY,
  },
  {
    provider: "sandbox",
    testCase: "a read_email whose caller has gone does not resolve normally",
    reason: "read_email checks the signal only before marking a message read",
    at: "server/src/providers/sandbox/tools/read-email.ts:21 (call.signal is checked only under mark_as_read)",
    fails: RESOLVED_NORMALLY,
  },
  {
    provider: "sandbox",
    testCase: "a search_emails aborted while it runs does not resolve normally",
    reason: "search_emails never looks at the call's signal",
    at: "server/src/providers/sandbox/tools/search-emails.ts:12 (searchEmails takes no ToolCall)",
    fails: RESOLVED_NORMALLY,
  },
  {
    provider: "sandbox",
    testCase: "search_timeout when the search outlasts the spec's deadline",
    reason: "search_emails never looks at the call's signal, so a slow store holds the search past its deadline",
    at: "server/src/providers/sandbox/tools/search-emails.ts:12 (searchEmails takes no ToolCall; the store reads of sandbox-context.ts loadSummaries are not given the signal)",
    fails: /to match object \{ isError: true/u,
  },
];

export function knownDivergence(provider: string, testCase: string): KnownDivergence | undefined {
  return KNOWN_DIVERGENCES.find((entry) => entry.provider === provider && entry.testCase === testCase);
}
