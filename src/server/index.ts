// rxjs-openai/server: relay Responses API events to a browser as server-sent events.

export { pipeServerSentEvents, type ServerResponseLike } from './pipeServerSentEvents';
export { GENERIC_SAFE_ERROR, type SafeError, toSafeError } from './safeError';
export {
  SERVER_SENT_EVENTS_HEADERS,
  type ServerSentEventsResponseOptions,
  serverSentEventsResponse,
} from './serverSentEventsResponse';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_EVENT_BYTES,
  type ServerSentEventsOptions,
  toServerSentEvents,
} from './toServerSentEvents';
