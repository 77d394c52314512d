import type { Response, ResponseStreamEvent, ResponseStreamEventType } from '../types';
import type { CursorOptions } from './cursor';
import type { SafeError } from './safeError';

/** Options of `toServerSentEvents` and the helpers built on it (`serverSentEventsResponse`, `pipeServerSentEvents`). */
export interface ServerSentEventsOptions {
  /**
   * The event types to relay (an allowlist), or a predicate. Other events are dropped. The terminal events
   * (`response.completed`, `response.failed`, `response.incomplete`) are always relayed, so that the browser
   * can tell a finished stream from a cut one, and so are the API's `keepalive` events (they feed the
   * browser's idle timeout) and the `error` event this relay writes. Default: all.
   */
  readonly events?:
    | readonly (ResponseStreamEventType | (string & {}))[]
    | ((event: ResponseStreamEvent) => boolean);
  /**
   * The fields of the `Response` object that `response.*` events carry (`response.created`,
   * `response.completed`...) to relay; the others are left out. The default, {@link DEFAULT_RESPONSE_FIELDS},
   * keeps what a page needs (id, status, output, usage, error...) and leaves out the request as the server
   * made it: `instructions`, `tools` (MCP server URLs and headers), `prompt` (variables), `metadata`, `user`,
   * `safety_identifier`, `prompt_cache_key`, the sampling settings... A list replaces the default (spread
   * `DEFAULT_RESPONSE_FIELDS` to add to it); `'all'` relays the `Response` unchanged.
   */
  readonly responseFields?: 'all' | readonly (keyof Response | (string & {}))[];
  /**
   * The largest frame to send, in bytes of UTF-8 (default 32 MiB: a `response.completed` carries every
   * image of the response). A larger event is not sent: the relay sends an `error` event with code
   * `event_too_large` instead, unsubscribes from the source and closes the stream.
   */
  readonly maxEventBytes?: number;
  /**
   * How many bytes may wait for a slow client (default 64 MiB, and never less than `maxEventBytes`). The
   * source cannot be paused, so when the client falls further behind than this, the relay gives up: it
   * unsubscribes from the source and errors the stream, which drops the connection. (`pipeServerSentEvents`
   * writes the frames as text and counts what waits in characters: the same as bytes for the API's JSON, at
   * most a third of them for other text.)
   */
  readonly maxBufferedBytes?: number;
  /**
   * Sends an SSE comment (`: keepalive`) after this many milliseconds without a frame, so that proxies do not
   * close a quiet connection while an image is being generated (default 15000; `0` turns it off). SSE
   * parsers, the SDK's included, ignore comments.
   */
  readonly heartbeatMs?: number;
  /**
   * Milliseconds without an event from the source (the API's `keepalive` events count; the relay's own
   * heartbeat comments do not) before the relay gives up: one `error` event with code `stream_idle`, then the
   * stream closes and the source is unsubscribed (which aborts the upstream request). Default 120000
   * (`DEFAULT_IDLE_TIMEOUT_MS`, as the sources); `0` turns it off. Without it, a stalled upstream would get keepalives forever.
   */
  readonly idleTimeout?: number;
  /**
   * Maps a source error to what the browser sees; return `undefined` to use the default,
   * `toSafeError`. Whatever it returns is sent, so keep secrets out of it. It also maps the failures the API
   * reports inside the stream: an `error` event (as a `ResponseStreamError`) and the error of a
   * `response.failed` (as a `ResponseFailedError`; its mapped `code` and `message` replace the event's).
   */
  readonly mapError?: (error: unknown) => SafeError | undefined;
  /**
   * Makes background responses resumable through any relay instance, with nothing stored on the relay: every
   * event of a response created with `background: true` gets a signed cursor as its SSE `id:` (the response id
   * and the event's sequence number, HMAC-SHA256 with `secret`; see `signCursor`). The browser sends the last
   * one back (`Last-Event-ID`) after a dropped connection, and `resumeFromRequest` replays the response from
   * there; `cancelFromRequest` cancels it. With it, the upstream's sequence numbers are checked (duplicates
   * dropped, a gap is an error event), an event after others that were not relayed (`events`) carries an
   * `: after <n>` comment so that the browser can tell the difference, and a resumable upstream failure (a cut, a
   * torn frame, a stall, a connection error or a 5xx) drops the connection rather than sending an `error`
   * event: the browser resumes. The same secret on every instance; a list rotates keys.
   */
  readonly cursor?: CursorOptions;
}

/** The default of {@link ServerSentEventsOptions.maxEventBytes}. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024;
/** The default of {@link ServerSentEventsOptions.maxBufferedBytes}. */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** How far a client may fall behind: `maxBufferedBytes`, never below one event (`maxEventBytes`). */
export function maxBufferedBytesOf(options: ServerSentEventsOptions): number {
  return Math.max(
    options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
  );
}

/** The default of {@link ServerSentEventsOptions.heartbeatMs}. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The `Response` fields a relay sends by default (see {@link ServerSentEventsOptions.responseFields}): what the
 * operators in the page use (`imageStates`, `finalResponse`, `throwOnFailure`, `resumable`...) and nothing
 * of the request the server made.
 */
export const DEFAULT_RESPONSE_FIELDS: readonly (keyof Response)[] = Object.freeze([
  'id',
  'object',
  'created_at',
  'completed_at',
  'status',
  'background',
  'model',
  'output',
  'output_text',
  'usage',
  'error',
  'incomplete_details',
] satisfies (keyof Response)[]);
