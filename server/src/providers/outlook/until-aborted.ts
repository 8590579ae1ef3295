// Waiting for work that takes no signal of its own (MSAL's token acquisition, a lookup shared by
// several calls): the caller stops waiting when its signal aborts, the work runs on for whoever else
// waits for it.
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let leave: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    leave = () => reject(signal.reason as Error);
    signal.addEventListener("abort", leave, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (leave) signal.removeEventListener("abort", leave);
  }
}
