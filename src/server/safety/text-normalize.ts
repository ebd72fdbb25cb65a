import "server-only";

/**
 * Text normalisation for the chat filter. Two layers:
 * - `cleanText` produces what is delivered: NFKC (full-width and compatibility forms become
 *   plain letters/digits) without invisible characters that could hide a word or a link.
 * - `foldForMatching` produces a comparison skeleton for blocked-word checks only: lower case,
 *   no diacritics, look-alike Cyrillic/Greek letters mapped to Latin.
 */

// Zero-width and invisible format characters, bidi overrides/isolates (used to spoof text order),
// soft hyphen, Mongolian vowel separator, combining grapheme joiner, word joiner, BOM.
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0]/gu;

// A zero-width joiner is kept only where it glues an emoji sequence (👨‍👩‍👧), which it cannot hide.
const STRAY_ZWJ = /(?<![\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

// C0/C1 control characters other than tab and newline.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/gu;

/** The text as it will be delivered: NFKC, invisible characters and stray controls removed. */
export function cleanText(input: string): string {
  return input.normalize("NFKC").replace(INVISIBLE, "").replace(STRAY_ZWJ, "").replace(CONTROL, "");
}

// Letters that carry no combining mark in NFD but read as a Latin letter, plus common Cyrillic
// and Greek homoglyphs. The skeleton is only compared with blocked words folded the same way.
const LETTER_FOLD: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
  ŧ: "t",
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
};

/** Lower case, no diacritics, homoglyphs folded. Length may change; used for comparison only. */
export function foldForMatching(cleaned: string): string {
  const lowered = cleaned
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "");
  let out = "";
  for (const ch of lowered) out += LETTER_FOLD[ch] ?? ch;
  return out;
}

// Simple leetspeak. Applied only to tokens that also contain a letter (or @/$), so plain numbers
// such as "455" or "3" are never read as words.
const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };
const HAS_LETTER_OR_LEET_SYMBOL = /[\p{L}@$]/u;

export function decodeLeet(token: string): string {
  if (!HAS_LETTER_OR_LEET_SYMBOL.test(token)) return token;
  let out = "";
  for (const ch of token) out += LEET[ch] ?? ch;
  return out;
}

export interface WordToken {
  /** folded + leet-decoded text of the token */
  word: string;
  /** the raw folded token, before leet decoding (needed to decode spaced runs as a whole) */
  raw: string;
  start: number;
  end: number;
}

// Word characters plus the leet symbols that stand for letters.
const TOKEN = /[\p{L}\p{N}@$]+/gu;

/** Splits a folded string into word tokens with their offsets in that string. */
export function tokenize(folded: string): WordToken[] {
  const tokens: WordToken[] = [];
  for (const m of folded.matchAll(TOKEN)) {
    const raw = m[0];
    tokens.push({ word: decodeLeet(raw), raw, start: m.index, end: m.index + raw.length });
  }
  return tokens;
}
