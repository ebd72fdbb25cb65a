export {
  DEFAULT_EVENT_LOG_LIMITS,
  isReplayable,
  type EventBus,
  type EventListener,
  type EventLogLimits,
  type StoredEvent,
  type Unsubscribe,
} from "./bus";
export { createMemoryEventBus, type MemoryEventBusOptions } from "./memory-bus";
export { createRedisEventBus, eventKeys, type RedisEventBusOptions } from "./redis-bus";
export { SSE_HEADERS, createSseResponse, formatSseComment, formatSseEvent, parseLastEventId, type SseSink } from "./sse";
export { isNoticeEvent, openUserEventStream, type UserEventStreamOptions } from "./user-stream";
