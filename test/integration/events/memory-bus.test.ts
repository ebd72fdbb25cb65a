import { createMemoryEventBus } from "@/server/events/memory-bus";
import { describeEventBusContract } from "./bus-contract";

describeEventBusContract("memory", async ({ logCapacity }) => {
  const bus = createMemoryEventBus({ logCapacity, onError: () => {} });
  return { publisher: bus, listener: bus, dispose: () => bus.close() };
});
