// Retry-After, for every provider that waits on a service's throttling: "either an HTTP-date or a
// number of seconds to delay after receiving the response" (RFC 9110 §10.2.3), and a recipient of an
// HTTP-date must accept its two obsolete forms too (§5.6.7). Graph documents seconds, but a gateway
// in front of a service may send a date.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, "u");
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, "u");
/** Sun Nov  6 08:49:37 1994 (UTC, though it does not say so) */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, "u");

/** The seconds a Retry-After value says to wait from `now` (0 for a date already past), or undefined when it is neither form. */
export function retryAfterSeconds(value: string | null | undefined, now: Date = new Date()): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+$/u.test(text)) return Number(text);
  const date = httpDate(text, now);
  return date === undefined ? undefined : Math.max(0, Math.ceil((date.getTime() - now.getTime()) / 1000));
}

/** An HTTP-date in any of its three forms (RFC 9110 §5.6.7), or undefined. */
function httpDate(text: string, now: Date = new Date()): Date | undefined {
  let parts: { day: string; month: string; year: number; hour: string; minute: string; second: string };
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day = "", month = "", year = "", hour = "", minute = "", second = ""] = match;
    parts = { day, month, year: Number(year), hour, minute, second };
  } else if ((match = RFC850_DATE.exec(text))) {
    const [, day = "", month = "", year = "", hour = "", minute = "", second = ""] = match;
    // "a timestamp that appears to be more than 50 years in the future" is of the last century with those digits.
    const century = Math.floor(now.getUTCFullYear() / 100) * 100;
    let full = century + Number(year);
    if (full > now.getUTCFullYear() + 50) full -= 100;
    parts = { day, month, year: full, hour, minute, second };
  } else if ((match = ASCTIME_DATE.exec(text))) {
    const [, month = "", day = "", hour = "", minute = "", second = "", year = ""] = match;
    parts = { day: day.trim(), month, year: Number(year), hour, minute, second };
  } else {
    return undefined;
  }
  const [month, day, hour, minute, second] = [
    MONTHS.indexOf(parts.month),
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  ];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(Date.UTC(2000, month, day, hour, minute, Math.min(second, 59)));
  date.setUTCFullYear(parts.year, month, day);
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined;
  // :60 is a leap second, which Date cannot hold: the second after it is as good a time to retry.
  return second === 60 ? new Date(date.getTime() + 1000) : date;
}
