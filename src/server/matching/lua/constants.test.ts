import { describe, expect, it } from "vitest";
import { MOODS } from "@/lib/schemas";
import { decodeTicket, encodeRequest, QUEUE_SCORE_SCALE } from "../redis-codec";
import { DEFAULT_REQUEUE, WAIT_SAMPLES } from "../rules";
import { SAME_MOOD_BONUS } from "../select";
import { LUA_CONSTANTS, luaConstantsHeader, luaLiteral } from "./constants";
import { LUA_SOURCES } from "./sources.generated";

/** A Lua literal as luaLiteral writes it → its value. */
function fromLuaLiteral(literal: string): string | number {
  if (!literal.startsWith("'")) return Number(literal);
  const bytes: number[] = [];
  const body = literal.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const escape = /^\\(\d{1,3})/.exec(body.slice(i));
    if (escape) {
      bytes.push(Number(escape[1]));
      i += escape[0].length - 1;
    } else bytes.push(body.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** A .lua file without its comments and string literals: the code that names things. */
const codeOf = (source: string) =>
  source
    .split("\n")
    .map((line) => line.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/--.*$/, ""))
    .join("\n");

const sources = Object.entries(LUA_SOURCES);

describe("constants shared by TypeScript and the Lua", () => {
  it("are the TypeScript values", () => {
    expect(LUA_CONSTANTS).toMatchObject({
      QUEUE_SCORE_SCALE,
      SAME_MOOD_BONUS,
      WAIT_SAMPLES,
      RANDOM_MOOD: MOODS.indexOf("random"),
      DEFAULT_REQUEUE_REQUEST: encodeRequest(DEFAULT_REQUEUE.prefs, DEFAULT_REQUEUE.profile),
    });
    // the mode digit the Lua tests against is the one a request of mode "any" carries
    expect(encodeRequest({ ...DEFAULT_REQUEUE.prefs, mode: "any" }, DEFAULT_REQUEUE.profile)[1]).toBe(
      String(LUA_CONSTANTS.MODE_ANY),
    );
  });

  it("the injected header gives the Lua exactly those values", () => {
    const lines = luaConstantsHeader()
      .split("\n")
      .filter((line) => !line.startsWith("--"));
    const injected = Object.fromEntries(
      lines.map((line) => {
        const [, name, literal] = /^local (\w+) = (.+)$/.exec(line)!;
        return [name, fromLuaLiteral(literal!)];
      }),
    );
    expect(injected).toEqual(LUA_CONSTANTS);
  });

  it("luaLiteral escapes separators, quotes and backslashes", () => {
    expect(luaLiteral("a\x1e'\\b")).toBe("'a\\30\\39\\92b'");
    expect(fromLuaLiteral(luaLiteral(LUA_CONSTANTS.DEFAULT_REQUEUE_REQUEST))).toBe(LUA_CONSTANTS.DEFAULT_REQUEUE_REQUEST);
    // a ticket made from the default request decodes as the default re-queue
    const request = LUA_CONSTANTS.DEFAULT_REQUEUE_REQUEST;
    expect(decodeTicket(`${request.slice(0, 2)}7,1000${request.slice(2)}`)).toMatchObject({
      prefs: DEFAULT_REQUEUE.prefs,
      profile: DEFAULT_REQUEUE.profile,
    });
  });

  it("no .lua file defines one again", () => {
    for (const [file, source] of sources) {
      for (const name of Object.keys(LUA_CONSTANTS)) {
        expect(new RegExp(`\\blocal\\b[^=\\n]*\\b${name}\\b[^=\\n]*=`).test(codeOf(source)), `${file} defines ${name}`).toBe(
          false,
        );
      }
    }
  });

  it("no .lua file keeps a literal copy of a distinctive value", () => {
    // (small integers such as RANDOM_MOOD's 4 also occur as offsets, so only the others are looked for)
    const distinctive = Object.entries(LUA_CONSTANTS).filter(
      ([, v]) => typeof v === "string" || !Number.isInteger(v) || Math.abs(v) >= 10,
    );
    expect(distinctive.map(([name]) => name)).toEqual(
      expect.arrayContaining(["QUEUE_SCORE_SCALE", "SAME_MOOD_BONUS", "WAIT_SAMPLES", "DEFAULT_REQUEUE_REQUEST"]),
    );
    for (const [file, source] of sources) {
      const code = source.replace(/--.*$/gm, "");
      for (const [name, value] of distinctive) {
        const copies =
          typeof value === "string" ? [luaLiteral(value), `'${value}'`, JSON.stringify(value).slice(1, -1)] : [String(value)];
        for (const copy of copies) {
          const found =
            typeof value === "string"
              ? code.includes(copy)
              : new RegExp(`(?<![\\w.])${copy.replace(".", "\\.")}(?![\\w.])`).test(code);
          expect(found, `${file} holds ${name} (${copy})`).toBe(false);
        }
      }
    }
  });

  it("every capitalised name the Lua uses is defined in the Lua or injected, and every injected one is used", () => {
    const code = sources.map(([, source]) => codeOf(source)).join("\n");
    const defined = new Set(["KEYS", "ARGV"]);
    for (const m of code.matchAll(/\blocal\s+(?!function\b)([\w\s,]+?)\s*(?:=|$)/gm))
      for (const n of m[1]!.split(",")) defined.add(n.trim());
    const used = new Set([...code.matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)].map((m) => m[0]));
    const notDefined = [...used].filter((n) => !defined.has(n)).sort();
    expect(notDefined).toEqual(Object.keys(LUA_CONSTANTS).sort());
  });
});
