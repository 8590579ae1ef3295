/** The {placeholder} names of an error message template, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => m[1] as string))];
}
