// The shape of a behaviour check: it runs once the inbox has what data it can get, and a skip for
// want of messages says why the inbox has too few.
import { skipped, type Check, type Outcome } from "../check.js";
import type { RunContext } from "../run-context.js";

/** A behaviour check: run once the inbox has what data it can get, a skip saying why it has too little. */
export const behaviour = (
  id: string,
  specRef: string,
  description: string,
  run: (context: RunContext) => Promise<Outcome>,
  { needsMessages = true } = {},
): Check => ({
  id: `behaviour.${id}`,
  stage: "behaviour",
  specRef,
  description,
  async run(context) {
    if (!needsMessages) return run(context);
    await context.inbox.messages();
    const outcome = await run(context);
    const { shortage } = context.inbox;
    return outcome.status === "skipped" && shortage !== undefined
      ? skipped(`${outcome.reason} (${shortage})`)
      : outcome;
  },
});
