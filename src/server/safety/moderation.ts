import "server-only";
import { maskContactInfo, MASK } from "./contact-info";
import { cleanText, foldForMatching, decodeLeet, tokenize, type WordToken } from "./text-normalize";

/**
 * Rule-based chat filter (policy in instructions/safety-and-operations.md):
 * - a configured blocked word anywhere in the message → the whole message is withheld;
 * - links, emails and phone numbers → the message is delivered with those parts masked, so a
 *   conversation is not lost over "my insta is foo.com" but the contact detail is.
 * Everything else passes unchanged apart from Unicode clean-up (NFKC, invisible characters).
 */

export type ChatFlag = "blocked_word" | "link" | "phone" | "email";

export interface ChatCheck {
  allowed: boolean;
  /** the text to deliver: cleaned, with contact details masked */
  text: string;
  flags: ChatFlag[];
}

export interface ChatFilter {
  check(text: string): ChatCheck;
}

export interface ChatFilterOptions {
  /** words or short phrases; matched as whole words, case/diacritic/leetspeak-insensitive */
  blockedWords: string[];
}

export { MASK };

/** Letters typed apart ("b a d", "b.a.d", "b-a-d") are joined when the gap is this short. */
const MAX_SPACED_GAP = 3;

export function createChatFilter({ blockedWords }: ChatFilterOptions): ChatFilter {
  const single = new Set<string>();
  const phrases: string[][] = [];
  for (const entry of blockedWords) {
    const words = tokenize(foldForMatching(cleanText(entry))).map((t) => t.word);
    if (words.length === 1) single.add(words[0]);
    else if (words.length > 1) phrases.push(words);
  }

  const containsBlocked = (tokens: WordToken[]): boolean =>
    tokens.some((t) => single.has(t.word)) ||
    phrases.some((p) => containsSequence(tokens, p)) ||
    spacedRuns(tokens).some((run) => runContainsBlocked(run, single));

  return {
    check(input) {
      const cleaned = cleanText(input);
      const flags: ChatFlag[] = [];
      if (single.size + phrases.length > 0 && containsBlocked(tokenize(foldForMatching(cleaned)))) {
        flags.push("blocked_word");
      }
      const masked = maskContactInfo(cleaned);
      if (masked.found.has("link")) flags.push("link");
      if (masked.found.has("phone")) flags.push("phone");
      if (masked.found.has("email")) flags.push("email");
      const text = masked.text.trim();
      // A message that was only invisible characters has nothing left to deliver.
      const allowed = !flags.includes("blocked_word") && text.length > 0;
      return { allowed, text, flags };
    },
  };
}

function containsSequence(tokens: WordToken[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j].word !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/** Maximal runs (length ≥ 2) of one-character tokens separated by short gaps. */
function spacedRuns(tokens: WordToken[]): WordToken[][] {
  const runs: WordToken[][] = [];
  let run: WordToken[] = [];
  const flush = () => {
    if (run.length >= 2) runs.push(run);
    run = [];
  };
  for (const t of tokens) {
    const isSingleChar = [...t.raw].length === 1;
    const prev = run[run.length - 1];
    if (isSingleChar && prev && t.start - prev.end <= MAX_SPACED_GAP) run.push(t);
    else {
      flush();
      if (isSingleChar) run.push(t);
    }
  }
  flush();
  return runs;
}

/** Any contiguous part of a spaced run that spells a blocked word ("this is a b a d word"). */
function runContainsBlocked(run: WordToken[], blocked: Set<string>): boolean {
  for (let from = 0; from < run.length - 1; from++) {
    let raw = run[from].raw;
    for (let to = from + 1; to < run.length; to++) {
      raw += run[to].raw;
      // Decode the joined run as one word, so "a 5 5" reads as a word but "1 2 3" stays digits.
      if (blocked.has(decodeLeet(raw))) return true;
    }
  }
  return false;
}
