// One deadline per call: the caller's signal (its client went away) and the call's own time limit
// in one AbortSignal, and which of the two ended it. A provider passes `signal` to everything it
// waits on; the tool layer (provider-tools.ts) answers search_timeout when the deadline, not the
// caller, ended a search.

export interface CallDeadline {
  readonly signal: AbortSignal;
  /** True once the time limit passed (not the caller's abort). */
  readonly expired: boolean;
  /** Stops the timer; the call is over. */
  done(): void;
}

export function callDeadline(caller: AbortSignal, seconds: number | undefined): CallDeadline {
  if (seconds === undefined) return { signal: caller, expired: false, done: () => undefined };
  const own = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    own.abort(new DOMException(`the call took longer than ${seconds} s`, "TimeoutError"));
  }, seconds * 1000);
  timer.unref();
  return {
    signal: AbortSignal.any([caller, own.signal]),
    get expired() {
      return expired;
    },
    done: () => clearTimeout(timer),
  };
}
