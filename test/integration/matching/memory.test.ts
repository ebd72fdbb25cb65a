import { createMemoryMatchStore } from "@/server/matching/memory-store";
import { matchStoreContract } from "./contract";

matchStoreContract("memory", async (config) => ({ store: createMemoryMatchStore(config), cleanup: async () => {} }));
