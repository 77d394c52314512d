// rxjs-openai/server: relay Responses API events to a browser as server-sent events.

export { DEFAULT_IDLE_TIMEOUT_MS } from '../internal/idleTimeout';
export {
  CURSOR_VERSION,
  type Cursor,
  CursorError,
  type CursorOptions,
  signCursor,
  verifyCursor,
} from './cursor';
export { pipeServerSentEvents, type ServerResponseLike } from './pipeServerSentEvents';
export {
  DEFAULT_MAX_BODY_BYTES,
  type IncomingMessageLike,
  type JsonBodySource,
  type ReadJsonBodyOptions,
  RequestBodyError,
  readJsonBody,
} from './readJsonBody';
export {
  type CancelAnswer,
  type CancellableResponsesClient,
  type CursorSourceOptions,
  cancelFromRequest,
  cursorOf,
  type FromRequestOptions,
  type RelayRequest,
  resumeFromRequest,
} from './resumeRequest';
export { GENERIC_SAFE_ERROR, redact, type SafeError, toSafeError } from './safeError';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_RESPONSE_FIELDS,
  type ServerSentEventsOptions,
} from './serverSentEventsOptions';
export {
  SERVER_SENT_EVENTS_HEADERS,
  type ServerSentEventsResponseOptions,
  serverSentEventsResponse,
} from './serverSentEventsResponse';
export { toServerSentEvents } from './toServerSentEvents';
