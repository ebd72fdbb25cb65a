/** `npm run lua:generate`: rewrites src/server/matching/lua/sources.generated.ts from the .lua files. */
import { writeFileSync } from "node:fs";
import { GENERATED_PATH, renderLuaSources } from "./lua-sources";

writeFileSync(GENERATED_PATH, renderLuaSources());
console.log(`wrote ${GENERATED_PATH}`);
