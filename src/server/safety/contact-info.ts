import "server-only";

/**
 * Finds and masks contact details (links, emails, phone numbers) in already-cleaned chat text.
 * Strangers are steered off-platform with these; masking them keeps the rest of the message.
 */

export const MASK = {
  link: "[link removed]",
  email: "[email removed]",
  phone: "[number removed]",
} as const;

export type ContactKind = keyof typeof MASK;

// TLDs that are not English words: a bare "foo.com" or "foo.gg" is masked.
const STRONG_TLDS = [
  "com",
  "net",
  "org",
  "info",
  "biz",
  "io",
  "gg",
  "co",
  "tv",
  "ly",
  "cc",
  "xyz",
  "ru",
  "su",
  "uk",
  "de",
  "fr",
  "es",
  "nl",
  "pl",
  "br",
  "ca",
  "au",
  "jp",
  "cn",
  "ua",
  "tk",
  "ml",
  "ga",
  "cf",
  "gq",
  "pw",
  "ws",
  "fm",
  "gl",
  "la",
  "onion",
  "mobi",
  "icu",
  "sbs",
  "cfd",
  "ai",
  "xxx",
];
// TLDs that are also words ("ok.me too", "thanks.love you" typed without a space): these only
// count with a path ("snap.me/x") or when the dot is spelled out ("foo dot me").
const WORD_TLDS = [
  "me",
  "to",
  "it",
  "in",
  "is",
  "so",
  "us",
  "be",
  "at",
  "no",
  "do",
  "my",
  "am",
  "go",
  "as",
  "by",
  "im",
  "app",
  "dev",
  "link",
  "live",
  "chat",
  "site",
  "online",
  "club",
  "fun",
  "top",
  "vip",
  "page",
  "store",
  "shop",
  "social",
  "dating",
  "cam",
  "sex",
  "porn",
  "tel",
  "pro",
  "one",
  "love",
  "life",
  "world",
  "today",
  "space",
  "website",
  "click",
  "buzz",
  "lol",
];
// "foo . com" with spaces around the dot: only the TLDs nobody types as the next sentence.
const SPACED_TLDS = ["com", "net", "org", "gg", "io", "xyz", "ru", "onion"];

const tldAlternation = (list: string[]) => `(?:${list.join("|")})`;
const ANY_TLD = tldAlternation([...STRONG_TLDS, ...WORD_TLDS]);
const STRONG_TLD = tldAlternation(STRONG_TLDS);
const WORD_TLD = tldAlternation(WORD_TLDS);
const SPACED_TLD = tldAlternation(SPACED_TLDS);

const L = "[\\p{L}\\p{N}]"; // letter or digit, any script
const LABEL = `${L}(?:[\\p{L}\\p{N}-]{0,61}${L})?`;
const PATH = "(?:[/?#][^\\s]*)";
const NOT_AFTER = "(?![\\p{L}\\p{N}-])";
const NOT_BEFORE = "(?<![\\p{L}\\p{N}@._-])";

const EMAIL = new RegExp(`[\\p{L}\\p{N}._%+-]+@(?:${LABEL}\\.)+\\p{L}{2,}${NOT_AFTER}`, "giu");

const LINK_PATTERNS: RegExp[] = [
  // scheme links, including the ones apps use to jump off-platform
  /\b(?:https?|ftp|hxxps?):\/\/[^\s]+/giu,
  /\b(?:tg|whatsapp|snapchat|discord|skype|kik|signal):(?:\/\/)?[^\s]+/giu,
  // www. anything
  /\bwww\d?\.[^\s]+/giu,
  // bare domains: foo.com, sub.foo.gg/path
  new RegExp(`${NOT_BEFORE}(?:${LABEL}\\.)+${STRONG_TLD}${NOT_AFTER}${PATH}?`, "giu"),
  new RegExp(`${NOT_BEFORE}(?:${LABEL}\\.)+${WORD_TLD}${PATH}`, "giu"),
  // spelled-out dots: "foo dot com", "foo (dot) gg", "foo [.] com", "foo d0t com"
  new RegExp(
    `${NOT_BEFORE}${LABEL}(?:\\s*[([{<]\\s*(?:dot|d0t|\\.)\\s*[)\\]}>]\\s*|\\s+(?:dot|d0t)\\s+)${ANY_TLD}${NOT_AFTER}`,
    "giu",
  ),
  // a dot preceded by a space: "foo . com", "foo .com" (never "end. Com" of a sentence)
  new RegExp(`${NOT_BEFORE}${LABEL}\\s+\\.\\s*${SPACED_TLD}${NOT_AFTER}`, "giu"),
];

// A run of digits with common separators: "+1 (555) 123-4567", "555.123.4567", "5551234567".
const PHONE_CANDIDATE = /(?<![\p{N}])(?:\+\s?)?\(?\p{N}(?:[\p{N}]|[\s.\-()]{1,2}(?=[\p{N}(]))*\p{N}\)?(?![\p{N}])/gu;
const MIN_PHONE_DIGITS = 7;
// Dates and times look like numbers with separators but are not contact details.
const DATE_LIKE = /^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$/u;

function countDigits(s: string): number {
  return s.match(/\p{N}/gu)?.length ?? 0;
}

export interface MaskResult {
  text: string;
  found: Set<ContactKind>;
}

/**
 * Replaces emails, then links, then phone numbers (in that order, so the address inside an email
 * is not reported as a link and digits inside a URL are not reported as a phone).
 */
export function maskContactInfo(cleaned: string): MaskResult {
  const found = new Set<ContactKind>();
  let text = cleaned.replace(EMAIL, () => {
    found.add("email");
    return MASK.email;
  });
  for (const pattern of LINK_PATTERNS) {
    text = text.replace(pattern, () => {
      found.add("link");
      return MASK.link;
    });
  }
  text = text.replace(PHONE_CANDIDATE, (match) => {
    if (countDigits(match) < MIN_PHONE_DIGITS || DATE_LIKE.test(match.trim())) return match;
    found.add("phone");
    return MASK.phone;
  });
  return { text, found };
}
