import type { Observable, Subscription } from 'rxjs';
import { isTerminalEvent } from '../internal/events';
import type { ResponseStreamEvent, ResponseStreamEventType } from '../types';
import { type SafeError, toSafeError } from './safeError';

/** Options of {@link toServerSentEvents} and the helpers built on it. */
export interface ServerSentEventsOptions {
  /**
   * The event types to relay (an allowlist), or a predicate. Other events are dropped. The terminal events
   * (`response.completed`, `response.failed`, `response.incomplete`) are always relayed, so that the browser
   * can tell a finished stream from a cut one, and so is the `error` event this relay writes. Default: all.
   */
  readonly events?:
    | readonly (ResponseStreamEventType | (string & {}))[]
    | ((event: ResponseStreamEvent) => boolean);
  /**
   * The largest frame to send, in bytes of UTF-8 (default 32 MiB: a `response.completed` carries every
   * image of the response). A larger event is not sent: the relay sends an `error` event with code
   * `event_too_large` instead, unsubscribes from the source and closes the stream.
   */
  readonly maxEventBytes?: number;
  /**
   * How many bytes may wait for a slow client (default 64 MiB, and never less than `maxEventBytes`). The
   * source cannot be paused, so when the client falls further behind than this, the relay gives up: it
   * unsubscribes from the source and errors the stream, which drops the connection.
   */
  readonly maxBufferedBytes?: number;
  /**
   * Sends an SSE comment (`: keepalive`) after this many milliseconds without data, so that proxies do not
   * close a quiet connection while an image is being generated (default 15000; `0` turns it off). SSE
   * parsers, the SDK's included, ignore comments.
   */
  readonly heartbeatMs?: number;
  /**
   * Maps a source error to what the browser sees; return `undefined` to use the default,
   * {@link toSafeError}. Whatever it returns is sent, so keep secrets out of it.
   */
  readonly mapError?: (error: unknown) => SafeError | undefined;
}

/** The default of {@link ServerSentEventsOptions.maxEventBytes}. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024;
/** The default of {@link ServerSentEventsOptions.maxBufferedBytes}. */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** The default of {@link ServerSentEventsOptions.heartbeatMs}. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * Encodes an Observable of Responses API events as a server-sent events byte stream in the API's own
 * framing (`event: <type>\ndata: <json>\n\n`), for a relay between the API and a browser that must never
 * see the API key.
 *
 * - Subscribes when the stream starts; cancelling the stream (the browser went away) unsubscribes, which
 *   aborts the upstream request when the source is `streamResponse`.
 * - The source completing closes the stream.
 * - A source error becomes one `error` event (`{ type: 'error', code, message, param: null,
 *   sequence_number }`, see {@link toSafeError}: no headers, keys or stacks) and then the stream closes.
 * - Bounded: an event over `maxEventBytes` becomes an `event_too_large` error event; a client more than
 *   `maxBufferedBytes` behind is dropped.
 *
 * Read it with `fromServerSentEvents` in the browser, or with any SSE client.
 *
 * ```
 * events$:  --created--partial--completed|
 * bytes:    --"event: response.created\ndata: {...}\n\n"--...--|
 * events$:  --created--#
 * bytes:    --"event: response.created..."--"event: error\ndata: {"type":"error","code":...}\n\n"|
 * ```
 *
 * @example
 * ```ts
 * // A fetch-style route handler (Next.js, Hono, Deno, Bun, Cloudflare):
 * import { serverSentEventsResponse } from 'rxjs-openai/server';
 * export const POST = async (request: Request) =>
 *   serverSentEventsResponse(streamResponse(client, { model: 'gpt-5', input: (await request.json()).prompt }));
 * // Or the bare stream:
 * const body = toServerSentEvents(events$, { events: ['response.image_generation_call.partial_image'] });
 * ```
 *
 * @param events$ The events to relay, usually `streamResponse(client, params)`.
 * @param options An allowlist, size caps, a heartbeat and an error mapper.
 * @return A `ReadableStream` of the SSE bytes.
 * @see serverSentEventsResponse
 * @see pipeServerSentEvents
 */
export function toServerSentEvents(
  events$: Observable<ResponseStreamEvent>,
  options: ServerSentEventsOptions = {},
): ReadableStream<Uint8Array> {
  const allowed = allowlist(options.events);
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const maxBufferedBytes = Math.max(options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES, maxEventBytes);
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const encoder = new TextEncoder();

  let subscription: Subscription | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let done = false;
  let sentSinceBeat = false;
  let lastSequenceNumber = -1;

  const stop = () => {
    done = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
    subscription?.unsubscribe();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const enqueue = (bytes: Uint8Array) => {
          controller.enqueue(bytes);
          sentSinceBeat = true;
          if ((controller.desiredSize ?? 0) < 0) {
            stop();
            controller.error(
              new Error(`The client fell more than ${maxBufferedBytes} bytes behind; the relay gave up.`),
            );
          }
        };
        const fail = (safeError: SafeError) => {
          const event = {
            type: 'error',
            code: safeError.code,
            message: safeError.message,
            param: null,
            sequence_number: lastSequenceNumber + 1,
          };
          stop();
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify(event)}\n\n`));
          controller.close();
        };
        const close = () => {
          stop();
          controller.close();
        };

        subscription = events$.subscribe({
          next(event) {
            if (done) return;
            const type = (event as { type?: unknown } | null)?.type;
            if (typeof type !== 'string' || /[\r\n]/.test(type)) return;
            let frame: Uint8Array;
            try {
              if (type !== 'error' && !isTerminalEvent(event) && !allowed(event)) return;
              frame = encoder.encode(`event: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
            } catch (error) {
              // A throwing allowlist predicate, or an event that cannot be serialized (a cycle, a BigInt).
              fail(mapError(options, error));
              return;
            }
            if (frame.byteLength > maxEventBytes) {
              fail({
                code: 'event_too_large',
                message: `A ${type} event of ${frame.byteLength} bytes is over the relay's limit of ${maxEventBytes} bytes.`,
              });
              return;
            }
            const sequenceNumber = (event as { sequence_number?: unknown }).sequence_number;
            if (typeof sequenceNumber === 'number') lastSequenceNumber = sequenceNumber;
            enqueue(frame);
          },
          error(error: unknown) {
            if (!done) fail(mapError(options, error));
          },
          complete() {
            if (!done) close();
          },
        });
        // The source may have ended synchronously, before `subscription` was assigned.
        if (done) subscription.unsubscribe();
        else if (heartbeatMs > 0) {
          heartbeat = setInterval(() => {
            if (!sentSinceBeat && (controller.desiredSize ?? 0) >= maxBufferedBytes) {
              controller.enqueue(encoder.encode(': keepalive\n\n'));
            }
            sentSinceBeat = false;
          }, heartbeatMs);
        }
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: maxBufferedBytes, size: (chunk) => chunk.byteLength },
  );
}

function mapError(options: ServerSentEventsOptions, error: unknown): SafeError {
  try {
    return options.mapError?.(error) ?? toSafeError(error);
  } catch {
    return toSafeError(error);
  }
}

function allowlist(events: ServerSentEventsOptions['events']): (event: ResponseStreamEvent) => boolean {
  if (events === undefined) return () => true;
  if (typeof events === 'function') return events;
  const types = new Set<string>(events);
  return (event) => types.has(event.type);
}
