/**
 * The matching library's Lua lives in src/server/matching/lua/*.lua (so editors, diffs and a Lua
 * linter see it) and reaches the app as a generated TypeScript module, sources.generated.ts.
 * Why generated rather than read with fs at start: a plain module is bundled by `next build`,
 * loaded by vitest and tsx alike, and needs no output-file tracing of non-TS files and no
 * assumption about the working directory at run time. The price is one step after editing a
 * .lua file, `npm run lua:generate`; a unit test (lua/sources.test.ts) fails while it is stale.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const LUA_DIR = fileURLToPath(new URL("../src/server/matching/lua/", import.meta.url));
export const GENERATED_PATH = join(LUA_DIR, "sources.generated.ts");

/** The generated module's text for the .lua files now in LUA_DIR: file name → its lines. */
export function renderLuaSources(): string {
  const files = readdirSync(LUA_DIR)
    .filter((name) => name.endsWith(".lua"))
    .sort();
  const entries = files.map((name) => {
    const lines = readFileSync(join(LUA_DIR, name), "utf8").replace(/\n$/, "").split("\n");
    // one string literal per line, so the generated file diffs line by line like its source
    return `  ${JSON.stringify(name)}: [\n${lines.map((line) => `    ${JSON.stringify(line)},`).join("\n")}\n  ].join("\\n"),`;
  });
  return [
    "// Generated from the .lua files beside it by `npm run lua:generate` (scripts/lua-sources.ts): edit those, not this.",
    "export const LUA_SOURCES = {",
    ...entries,
    "} as const;",
    "",
  ].join("\n");
}
