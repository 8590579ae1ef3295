// Blocked phrases as a reader would see them: compatibility forms folded (NFKC: full-width letters,
// ligatures), case ignored, invisible format characters (zero-width spaces and joiners, soft
// hyphens) dropped and every run of whitespace made one space, on both the phrase and the text.
const INVISIBLE = /[\p{Cf}]/gu;
const WHITESPACE = /\s+/gu;

export function foldForPhrases(text: string): string {
  return text.normalize("NFKC").replace(INVISIBLE, "").toLowerCase().replace(WHITESPACE, " ");
}

/** The first phrase found in any of the texts (already folded), or undefined. */
export function firstBlockedPhrase(phrases: readonly string[], foldedTexts: readonly string[]): string | undefined {
  return phrases.find((phrase) => {
    const folded = foldForPhrases(phrase).trim();
    return folded !== "" && foldedTexts.some((text) => text.includes(folded));
  });
}
