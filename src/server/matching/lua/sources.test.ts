import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, renderLuaSources } from "../../../../scripts/lua-sources";
import { LUA_SOURCES } from "./sources.generated";
import { MATCH_FUNCTIONS, MATCH_LIBRARY, MATCH_LIBRARY_NAME } from "./library";

describe("the Lua sources", () => {
  it("sources.generated.ts is what the .lua files give (else: npm run lua:generate)", () => {
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(renderLuaSources());
  });

  it("the library holds every .lua file once and registers every function", () => {
    for (const file of Object.keys(LUA_SOURCES)) {
      expect(
        MATCH_LIBRARY.split("\n").filter((line) => line === `-- ${file}`),
        file,
      ).toHaveLength(1);
    }
    const registered = [...MATCH_LIBRARY.matchAll(/redis\.register_function\('([^']+)'/g)].map((m) => m[1]);
    expect(registered).toEqual(MATCH_FUNCTIONS.map((name) => `${MATCH_LIBRARY_NAME}_${name}`));
    expect(MATCH_LIBRARY.startsWith(`#!lua name=${MATCH_LIBRARY_NAME}\n`)).toBe(true);
  });
});
