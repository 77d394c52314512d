import { APIError } from 'openai/core/error';
import { Stream } from 'openai/core/streaming';
import type { ResponseErrorEvent } from 'openai/resources/responses/responses';
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { RelayHttpError, ResponseStreamError, RxOpenAIError } from '../errors';
import { idleTimeout, idleTimeoutMs } from '../internal/idleTimeout';
import type { ResponseEventStream, ResponseStreamEvent } from '../types';
import { fromResponseStream } from './fromResponseStream';

/** A fetch `Response` (the DOM's, not the API's `Response` object). */
type FetchResponse = globalThis.Response;

/** What `fromServerSentEvents` reads: a fetched `Response`, or a function that fetches one per subscription. */
export type ServerSentEventsInput = FetchResponse | ((signal: AbortSignal) => Promise<FetchResponse>);

/** Options of {@link fromServerSentEvents}. */
export interface FromServerSentEventsOptions {
  /**
   * Milliseconds without an event (the API's `keepalive` events count; SSE comments, such as the relay's
   * heartbeat, do not) before the Observable errors with `StreamIdleError` and aborts the request. Default
   * 120000, as the other sources; `0` turns it off.
   */
  readonly idleTimeout?: number;
  /**
   * The scheduler of the time limits (the idle timeout, and the deadline for reading an HTTP error's body);
   * default `asyncScheduler`. As RxJS's time-based operators take one: for tests in virtual time.
   */
  readonly scheduler?: SchedulerLike;
}

/** How much of an HTTP error's body is kept in {@link RelayHttpError}, in characters. */
const MAX_ERROR_BODY_CHARS = 4096;
/** How many bytes of an HTTP error's body are read at most (4096 characters of UTF-8 fit). */
const MAX_ERROR_BODY_BYTES = 4 * MAX_ERROR_BODY_CHARS;
/** How long an HTTP error's body may take to arrive; then the error is raised with what was read. */
const ERROR_BODY_DEADLINE_MS = 2000;

/**
 * Reads Responses API events from a server-sent events response, such as one relayed by
 * `rxjs-openai/server`, in the browser or any runtime with `fetch`.
 *
 * The body is decoded by the SDK's own SSE decoder (`Stream.fromSSEResponse` from `openai/core/streaming`,
 * in its `events` mode where the SDK has it, so that an `error` event reaches us as data rather than as the
 * SDK's `APIError`), and every event is emitted as received. Then:
 *
 * - an HTTP status other than 2xx errors with {@link RelayHttpError} (status and the body's first 4 KiB, read
 *   for at most 2 s: a body that stalls does not hold the error back), and so does a 2xx whose `content-type`
 *   is not `text/event-stream` (parameters allowed) or is missing (say, an HTML fallback page of a dev server
 *   whose proxy missed the route), which would otherwise look like an empty, truncated stream;
 * - an `error` event, flat or nested (`{ type: 'error', error: { code, message } }`), errors with
 *   {@link ResponseStreamError} (its `code` and `message`), with every supported SDK;
 * - a body that ends without `response.completed`, `response.failed` or `response.incomplete` errors with
 *   `TruncatedStreamError`: a dropped connection is never mistaken for success;
 * - no event for `idleTimeout` ms (default 120000) errors with `StreamIdleError`;
 * - unsubscribing aborts: with a function input, the `signal` it was given (so the fetch and the relay's
 *   upstream request stop); with a `Response`, its body is cancelled, whatever the SDK version.
 *
 * A function input makes the Observable cold: one fetch per subscription, so `retry()` fetches again. A
 * `Response` can be read once, so that Observable can be subscribed once.
 *
 * ```
 * relay:   --created--partial--completed|
 * result:  --created--partial--completed|
 * relay:   --created--error|
 * result:  --created--#                    (ResponseStreamError)
 * ```
 *
 * @example
 * ```ts
 * import { fromServerSentEvents, imageStates } from 'rxjs-openai';
 *
 * const events$ = fromServerSentEvents(
 *   (signal) => fetch('/api/images', { method: 'POST', body: JSON.stringify({ prompt }), signal }),
 *   { idleTimeout: 60_000 },
 * );
 * events$.pipe(imageStates()).subscribe((images) => render(images));
 * ```
 *
 * @param input A fetch `Response`, or `(signal) => fetch(..., { signal })` for a cold source.
 * @param options The idle timeout, and the scheduler of the time limits.
 * @return An Observable of the relayed events.
 * @see fromResponseStream
 */
export function fromServerSentEvents(
  input: ServerSentEventsInput,
  options: FromServerSentEventsOptions = {},
): Observable<ResponseStreamEvent> {
  const scheduler = options.scheduler;
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const controller = new AbortController();
    subscriber.add(() => controller.abort());

    const open = async (): Promise<FetchResponse> => {
      if (typeof input === 'function') return input(controller.signal);
      if (input.bodyUsed) {
        throw new RxOpenAIError(
          'This Response was already read: pass a function that fetches to subscribe again.',
        );
      }
      return input;
    };

    open().then(
      async (response) => {
        if (subscriber.closed) {
          cancelBody(response);
          return;
        }
        if (!response.ok || !isEventStream(response.headers.get('content-type'))) {
          const body = await readErrorBody(response, controller.signal, scheduler ?? asyncScheduler);
          subscriber.error(new RelayHttpError(response.status, response.statusText, body));
          return;
        }
        // The SDK aborts the controller it is given whenever reading fails, so that one cannot tell our
        // unsubscribe from a dropped connection. `fromResponseStream` sees only `controller`, which only
        // unsubscribing aborts; the SDK gets its own, linked to ours.
        const sdkController = new AbortController();
        const abortSdk = () => sdkController.abort();
        controller.signal.addEventListener('abort', abortSdk, { once: true });
        subscriber.add(() => controller.signal.removeEventListener('abort', abortSdk));
        const stream = Stream.fromSSEResponse<ResponseStreamEvent>(
          cancellable(response, controller.signal),
          sdkController,
          undefined,
          false,
          'events',
        );
        const events: ResponseEventStream = {
          [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
          controller,
        };
        const idleMs = idleTimeoutMs(options.idleTimeout);
        const events$ = scheduler
          ? fromResponseStream(events, { idleTimeout: 0 }).pipe(idleTimeout(idleMs, scheduler))
          : fromResponseStream(events, { idleTimeout: idleMs });
        subscriber.add(
          events$.subscribe({
            next: (event) => {
              if (event.type === 'error') subscriber.error(new ResponseStreamError(event));
              else subscriber.next(event);
            },
            error: (error: unknown) => subscriber.error(streamErrorOf(error)),
            complete: () => subscriber.complete(),
          }),
        );
      },
      (error: unknown) => {
        // Our own abort (on unsubscribe) is not an error; anything else (network, a caller's throw) is.
        if (!subscriber.closed) subscriber.error(error);
      },
    );
  });
}

/** Whether a `content-type` is `text/event-stream`, with or without parameters, in any case. */
function isEventStream(type: string | null): boolean {
  return type !== null && /^\s*text\/event-stream\s*(;|$)/i.test(type);
}

/**
 * The response with a body that `signal` cancels, whatever the SDK does: SDK 6's decoder waits for the next
 * chunk before it lets go of the body, so on its own a stalled body of a `Response` input would never be
 * cancelled. The pipe, when aborted, cancels the original body and errors the copy with an `AbortError`,
 * which the SDK takes for an abort (it ends quietly).
 */
function cancellable(response: FetchResponse, signal: AbortSignal): FetchResponse {
  if (!response.body) return response;
  const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal });
  return new Response(body, { headers: response.headers });
}

/**
 * SDK 6 throws a nested `error` event (`{ type: 'error', error: { code, message } }`) as an `APIError` without
 * a status, where SDK 7's `events` mode yields it: both are the same `ResponseStreamError` here. No request
 * is made here, so an `APIError` without a status can only come from the decoder.
 */
function streamErrorOf(error: unknown): unknown {
  if (!(error instanceof APIError) || error.status !== undefined) return error;
  const nested = (error.error ?? { message: error.message }) as Record<string, unknown>;
  return new ResponseStreamError({ type: 'error', error: nested } as unknown as ResponseErrorEvent);
}

/**
 * Reads at most 4 KiB of text (16 KiB of bytes) of an error's body, for at most 2 s on `scheduler`, then
 * cancels the rest; never throws. A body that stalls gives what arrived before the deadline.
 */
async function readErrorBody(
  response: FetchResponse,
  signal: AbortSignal,
  scheduler: SchedulerLike,
): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const stop = () => {
    reader.cancel().catch(() => undefined);
  };
  // A cancel resolves a pending read as done: the loop ends with what it has.
  const deadline = scheduler.schedule(stop, ERROR_BODY_DEADLINE_MS);
  signal.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = value.subarray(0, MAX_ERROR_BODY_BYTES - size);
      chunks.push(chunk);
      size += chunk.byteLength;
    }
  } catch {
    // A body that fails half-way still gives its status; what was read is kept.
  } finally {
    deadline.unsubscribe();
    signal.removeEventListener('abort', stop);
    stop();
  }
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return (text + decoder.decode()).slice(0, MAX_ERROR_BODY_CHARS);
}

function cancelBody(response: FetchResponse): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}
