// Text written for an AI assistant rather than for the person owning the mailbox: attempts to
// override its instructions, to address it, to hide something from the user, fake prompt markup,
// and orders to act on the mailbox. Only words that address an assistant count, never the topic: a
// newsletter about AI assistants or language models is ordinary mail. Looked for in what the text looks like (skeleton.ts), so that
// homoglyphs, zero-width characters and case change nothing.
import { skeleton } from "./skeleton.js";

/** Only the start of a message is read: enough for any instruction an assistant would meet first. */
export const INSTRUCTION_INPUT_MAX_LENGTH = 200_000;
const PHRASE_MAX_LENGTH = 60;
/** Matches of one pattern looked at before giving up on it (each excluded by its context). */
const MATCHES_PER_PATTERN = 20;
const CONTEXT_LENGTH = 200;

interface InstructionPattern {
  pattern: RegExp;
  /** A match whose surroundings match this is ordinary mail (a confidentiality footer). */
  unless?: RegExp;
}

// Linear-time expressions only: literals, single-character classes, bounded gaps, no nested
// quantifiers. The text has one space between words and straight apostrophes.
const PATTERNS: readonly InstructionPattern[] = [
  {
    pattern:
      /\b(?:ignore|disregard|forget|override)(?: (?:all|any|every|of|your|the|my|these|those|its)){0,3} (?:previous|prior|above|earlier|preceding|former|original|existing|system)(?: (?:ai|system|assistant))? (?:instructions?|prompts?|rules|messages|directions|directives|guidelines|commands)\b/g,
  },
  {
    pattern:
      /\bsystem prompt\b|\[\/?(?:system|inst)\]|<[|l]im_(?:start|end)[|l]>|<[|l](?:system|user|assistant)[|l]>|<<sys>>|#{2,3} ?(?:instructions?|system)\b|\bnew instructions ?:/g,
  },
  {
    pattern:
      /\b(?:do not|don't|dont|never|without) (?:tell|telling|inform|informing|notify|notifying|alert|alerting|mention|mentioning|let|letting) (?:the |your )?(?:user|owner|recipient|human)s?\b|\bwithout telling\b/g,
  },
  {
    pattern:
      /\b(?:forward|send) (?:all|every)\b[^.!?]{0,80}? to\b|\breply with (?:the|your) (?:password|passcode|code|verification code|api key|token|credentials)\b|\bdelete this (?:e-mail|email|message)\b/g,
    unless: /\bin error\b|\bintended recipient\b|\breceived this\b|\bconfidential/,
  },
  {
    pattern:
      /\b(?:to|attention|hey|hi|hello|note to|instructions? for) (?:the |any |all |my |our )?(?:ai|llm) (?:assistant|agent)s?\b|\bdear (?:ai|assistant|agent|llm|chatbot)\b|\b(?:assistant|ai|agent|llm|model) reading this\b|\bif you are an? (?:ai|llm|assistant|agent|chatbot|language model|large language model)\b|\byou are (?:now )?(?:chatgpt|claude|copilot|gemini)\b/g,
  },
];

/** The text as the patterns read it: invisible characters gone, skeleton, one space between words. */
export function instructionReadable(text: string): string {
  return skeleton(text)
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\s+/g, " ");
}

/** A short phrase of the text that is aimed at an assistant, or null. */
export function findInstructionPhrase(subject: string, text: string): string | null {
  const readable = instructionReadable(`${subject}\n${text}`.slice(0, INSTRUCTION_INPUT_MAX_LENGTH));
  for (const { pattern, unless } of PATTERNS) {
    let seen = 0;
    for (const match of readable.matchAll(pattern)) {
      if (++seen > MATCHES_PER_PATTERN) break;
      if (unless !== undefined) {
        const around = readable.slice(
          Math.max(0, match.index - CONTEXT_LENGTH),
          match.index + match[0].length + CONTEXT_LENGTH,
        );
        if (unless.test(around)) continue;
      }
      return quotable(match[0]);
    }
  }
  return null;
}

function quotable(phrase: string): string {
  const plain = phrase.replace(/\p{C}/gu, "").replace(/"/g, "'").trim();
  const characters = Array.from(plain);
  return characters.length <= PHRASE_MAX_LENGTH ? plain : `${characters.slice(0, PHRASE_MAX_LENGTH - 1).join("")}…`;
}
