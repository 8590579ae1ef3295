// --slow: the rate windows. Calls are driven until the server says rate_limit_exceeded; its
// retryAfter must be whole seconds, and a call made once that time has passed must succeed.
// Minutes of calls against a real server, so only when asked for.
import { RATE_LIMITS } from "@mcpemails/generated";
import { failed, passed, skipped, type Check } from "../check.js";
import { describeAnswer } from "../answer-description.js";

// The largest window's limit, twice over: a server that never limits is a failure, not a hang.
const MAX_CALLS = 2 * Math.max(...RATE_LIMITS.windows.map((w) => w.limit));
// retryAfter can be up to a day; the check waits out at most this long.
const LONGEST_WAIT_SECONDS = 120;

export function rateLimitChecks(): Check[] {
  return [
    {
      id: "behaviour.rate-limit",
      stage: "behaviour",
      specRef: "rate_limits, errors.rate_limit_exceeded, decisions.rate-limits",
      description:
        "calls beyond a rate window get rate_limit_exceeded with retryAfter in whole seconds, and a call after retryAfter succeeds (--slow)",
      async run({ client, config }) {
        if (!config.slow) return skipped("takes minutes: needs --slow");
        const args = { inbox_id: config.inbox, limit: 1 };
        for (let calls = 1; calls <= MAX_CALLS; calls++) {
          const answer = await client.callTool("list_inbox", args, { waitOutRateLimit: false });
          if (answer.result?.errorCode !== "rate_limit_exceeded") {
            if (answer.error !== undefined || answer.result?.isError === true)
              return failed(`call ${calls} failed before any rate limit: ${describeAnswer(answer)}`, answer.exchange);
            continue;
          }
          const retryAfter = answer.result.retryAfter;
          if (typeof retryAfter !== "number" || !Number.isInteger(retryAfter) || retryAfter < 1)
            return failed(
              `retryAfter is ${JSON.stringify(retryAfter)}, not a whole number of seconds of at least 1`,
              answer.exchange,
            );
          if (retryAfter > LONGEST_WAIT_SECONDS)
            return skipped(
              `limited after ${calls} calls with retryAfter ${retryAfter} s, longer than the ${LONGEST_WAIT_SECONDS} s this check waits`,
            );
          await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
          const after = await client.callTool("list_inbox", args, { waitOutRateLimit: false });
          if (after.error !== undefined || after.result?.isError === true)
            return failed(
              `the call ${retryAfter} s later (retryAfter) was refused: ${describeAnswer(after)}`,
              after.exchange,
            );
          return passed(`limited after ${calls} calls; retryAfter ${retryAfter} s was enough`);
        }
        return failed(
          `${MAX_CALLS} calls in a row were never rate limited, though the spec's largest window allows ${MAX_CALLS / 2}`,
        );
      },
    },
  ];
}
