// MCPEMAILS_RATE_LIMITS: an operator's rate windows, written as the product page writes them
// ("100/minute,1000/hour,10000/day"). A window the setting does not name keeps the spec's limit.
import type { RateWindowName } from "@mcpemails/generated";
import type { RateWindows } from "./rate-limit.js";

export function parseRateLimits(setting: string, specWindows: RateWindows): RateWindows {
  const limits = new Map<RateWindowName, number>();
  const names = specWindows.map((w) => w.name);
  for (const part of setting.split(",").map((p) => p.trim())) {
    const match = /^(\d+)\s*\/\s*([a-z]+)$/u.exec(part);
    const name = match?.[2] as RateWindowName | undefined;
    const limit = Number(match?.[1]);
    if (match === null || name === undefined || !names.includes(name) || !Number.isSafeInteger(limit) || limit < 1)
      throw new Error(
        `MCPEMAILS_RATE_LIMITS: "${part}" is not a window; write LIMIT/WINDOW with WINDOW one of ${names.join(", ")} and LIMIT a whole number of at least 1, e.g. 100/minute,1000/hour,10000/day.`,
      );
    if (limits.has(name)) throw new Error(`MCPEMAILS_RATE_LIMITS names the ${name} window twice.`);
    limits.set(name, limit);
  }
  return specWindows.map((w) => ({ ...w, limit: limits.get(w.name) ?? w.limit }));
}
