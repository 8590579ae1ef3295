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

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [];

export function knownDivergence(provider: string, testCase: string): KnownDivergence | undefined {
  return KNOWN_DIVERGENCES.find((entry) => entry.provider === provider && entry.testCase === testCase);
}
