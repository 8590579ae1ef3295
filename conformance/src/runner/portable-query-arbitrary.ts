// Queries in the portable search syntax (spec search.portable_terms), for positive search inputs:
// a random string is almost never a valid query, so the schema alone cannot generate one.
import fc from "fast-check";

const word = fc.stringMatching(/^[a-z0-9]{1,10}$/);
const day = fc
  .date({ min: new Date("2000-01-01T00:00:00.000Z"), max: new Date("2030-12-31T00:00:00.000Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll("-", "/"));

const positiveTerm: fc.Arbitrary<string> = fc.oneof(
  word,
  word.map((w) => `"${w} ${w}"`),
  word.map((w) => `from:${w}`),
  word.map((w) => `to:${w}`),
  word.map((w) => `subject:${w}`),
  day.map((d) => `after:${d}`),
  day.map((d) => `before:${d}`),
  fc.constant("is:unread"),
  fc.constant("has:attachment"),
);

const term = fc.oneof(
  { arbitrary: positiveTerm, weight: 4 },
  { arbitrary: positiveTerm.map((t) => `-${t}`), weight: 1 },
  { arbitrary: fc.tuple(positiveTerm, positiveTerm).map(([a, b]) => `${a} OR ${b}`), weight: 1 },
);

export const portableQuery: fc.Arbitrary<string> = fc
  .array(term, { minLength: 1, maxLength: 4 })
  .map((terms) => terms.join(" "));
