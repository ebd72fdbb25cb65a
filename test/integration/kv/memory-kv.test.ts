import { createMemoryKeyValueStore } from "@/server/kv/memory-kv";
import { describeKeyValueContract } from "./kv-contract";

describeKeyValueContract("memory", () => {
  const kv = createMemoryKeyValueStore();
  return { a: kv, b: kv };
});
