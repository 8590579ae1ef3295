// Text reduced to what it looks like: invisible characters dropped, compatibility forms folded
// (NFKC), Unicode confusables replaced by the Latin letters they imitate, lower case.
import { remove } from "confusables";

// Zero-width and bidirectional controls, word joiners and invisible operators, BOM, soft hyphen:
// they change nothing a reader sees but split the words a pattern looks for.
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

export function withoutInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** The confusable skeleton of a text, lower case. */
export function skeleton(text: string): string {
  return remove(withoutInvisible(text).normalize("NFKC")).toLowerCase();
}
