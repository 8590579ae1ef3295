// Text reduced to what it looks like: invisible characters dropped, compatibility forms folded
// (NFKC), Unicode confusables replaced by the Latin letters they imitate, lower case.
import { remove } from "confusables";

// Zero-width and bidirectional controls, word joiners and invisible operators, BOM, soft hyphen:
// they change nothing a reader sees but split the words a pattern looks for.
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

export function withoutInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}

// eslint-disable-next-line no-control-regex -- every ASCII character, the controls included
const ASCII_ONLY = /^[\x00-\x7f]*$/;
// eslint-disable-next-line no-control-regex -- the controls are the characters meant
const ASCII_CONTROLS = /[\x00-\x08\x0e-\x1f\x7f]/g;

/** The confusable skeleton of a text, lower case. */
export function skeleton(text: string): string {
  // Most mail is ASCII, where NFKC changes nothing and the table has no letter to fold: only the
  // control characters it drops go (its "|" -> "l" applies only to text with other characters in
  // it, so the patterns accept both). The same result without walking the table.
  if (ASCII_ONLY.test(text)) return text.replace(ASCII_CONTROLS, "").toLowerCase();
  return remove(withoutInvisible(text).normalize("NFKC")).toLowerCase();
}
