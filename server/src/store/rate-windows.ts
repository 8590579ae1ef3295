// What both adapters agree on before they touch their sliding logs: windows in milliseconds, and
// the refusal of windows no request could ever pass (a log cannot say when a 0-limit window frees).
import type { RateWindow } from "./store.js";

export interface RateWindowMs {
  name: string;
  ms: number;
  limit: number;
}

export function rateWindowsInMs(windows: readonly RateWindow[]): RateWindowMs[] {
  if (windows.length === 0) throw new RangeError("hitRateWindows needs at least one window");
  return windows.map(({ name, seconds, limit }) => {
    const ms = Math.round(seconds * 1000);
    if (!(ms > 0)) throw new RangeError(`rate window ${name}: seconds must be positive, got ${seconds}`);
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`rate window ${name}: limit must be a positive integer, got ${limit}`);
    return { name, ms, limit };
  });
}

export function longestWindowMs(windows: readonly RateWindowMs[]): number {
  return Math.max(...windows.map((window) => window.ms));
}
