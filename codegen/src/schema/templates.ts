/**
 * A {placeholder} of an error message template; {name|quoted} marks a value a stranger may have
 * chosen (an address from a received message), written as a short JSON string so that it reads as
 * data, never as the server's own words.
 */
export const PLACEHOLDER = /\{([A-Za-z_]+)(\|quoted)?\}/g;

/** At most this many characters of a quoted value are written, then "…". */
export const QUOTED_MAX_LENGTH = 80;

/** The {placeholder} names of an error message template, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}
