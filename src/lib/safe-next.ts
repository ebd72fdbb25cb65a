/**
 * Where to go after sign-in (`/?next=…`): only a path on this site, never another origin
 * (instructions/safety-and-operations.md "Redirect after sign-in"). Isomorphic: no Node or DOM APIs.
 *
 * Browsers read `\` as `/` in URLs, so `/\evil.com` and `/%5Cevil.com` (once decoded by a router
 * or a proxy) are `//evil.com`, a protocol-relative link to another site; URL parsers drop tabs and
 * newlines (`/\t/evil.com`). So: the value and every decoding of it must be a single-slash absolute
 * path with no backslash or control character, and resolving it against our origin must keep our origin.
 */
export const DEFAULT_NEXT = "/video-chat";
const BASE = "https://moodmatch.invalid";

export function safeNext(next: string | null | undefined, fallback = DEFAULT_NEXT): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  let current = next;
  for (let i = 0; i < 4; i++) {
    if (!isPlainPath(current)) return fallback;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return fallback; // malformed escapes: not a path we produced
    }
    if (decoded === current) break;
    current = decoded;
  }
  if (!isPlainPath(current)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

function isPlainPath(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.startsWith("/") && !value.startsWith("//") && !/[\\\u0000-\u001f\u007f]/.test(value);
}
