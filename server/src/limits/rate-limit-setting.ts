// Rate windows as the product page writes them ("100/minute,1000/hour,10000/day"): an operator's
// MCPEMAILS_RATE_LIMITS, and a workspace's override. A window the setting does not name keeps the limit it had.
import type { RateWindowName } from "@mcpemails/generated";
import { withLimits, type RateWindows } from "./rate-limit.js";

/** The limits a setting names, by window; `source` names the setting in the error that says what is wrong. */
export function parseRateLimitList(
  setting: string,
  windowNames: readonly RateWindowName[],
  source: string,
): Partial<Record<RateWindowName, number>> {
  const limits: Partial<Record<RateWindowName, number>> = {};
  for (const part of setting.split(",").map((p) => p.trim())) {
    const match = /^(\d+)\s*\/\s*([a-z]+)$/u.exec(part);
    const name = match?.[2] as RateWindowName | undefined;
    const limit = Number(match?.[1]);
    if (
      match === null ||
      name === undefined ||
      !windowNames.includes(name) ||
      !Number.isSafeInteger(limit) ||
      limit < 1
    )
      throw new Error(
        `${source}: "${part}" is not a window; write LIMIT/WINDOW with WINDOW one of ${windowNames.join(", ")} and LIMIT a whole number of at least 1, e.g. 100/minute,1000/hour,10000/day.`,
      );
    if (limits[name] !== undefined) throw new Error(`${source} names the ${name} window twice.`);
    limits[name] = limit;
  }
  return limits;
}

export function parseRateLimits(setting: string, specWindows: RateWindows): RateWindows {
  const limits = parseRateLimitList(
    setting,
    specWindows.map((w) => w.name),
    "MCPEMAILS_RATE_LIMITS",
  );
  return withLimits(specWindows, limits);
}
