import { _iterSSEMessages } from 'openai/core/streaming';
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { RelayHttpError, ResponseStreamError, ResumeNotPossibleError, RxOpenAIError } from '../errors';
import { callQuietly, isDetaching } from '../internal/cancelResponse';
import { carriedResponseOf, isAnyTerminalEvent } from '../internal/events';
import {
  AFTER_COMMENT,
  isResumableFailure,
  type ResumeBackoff,
  type ResumeHooks,
  type ResumeState,
  resumeLoop,
} from '../internal/resumeLoop';
import type { ImageStreamEvent, ResponseEventStream, ResponseStreamEvent } from '../types';
import { fromEventStream } from './fromResponseStream';

/** A fetch `Response` (the DOM's, not the API's `Response` object). */
type FetchResponse = globalThis.Response;

/**
 * What `fromServerSentEvents` reads: a fetched `Response`, or a function that fetches one per subscription (and
 * per reconnection, with `resume`). The function gets the `signal` to pass to `fetch` (unsubscribing aborts it)
 * and the relay's last cursor: `null` for the first request, then, when resuming, the cursor to send back
 * (`headers: { 'last-event-id': cursor }`). It may pick another URL for a reconnection.
 */
export type ServerSentEventsInput =
  | FetchResponse
  | ((signal: AbortSignal, cursor: string | null) => Promise<FetchResponse>);

/** How `fromServerSentEvents` resumes a dropped stream (see {@link FromServerSentEventsOptions.resume}). */
export interface ServerSentEventsResumeOptions {
  /**
   * How many reconnections in a row may bring nothing new before giving up with `ResumeFailedError` (default
   * 5); the count starts again whenever one delivers a new event.
   */
  readonly retries?: number;
  /**
   * The delay before reconnection `attempt` (1, 2, ...), in milliseconds, or one delay for all. Default:
   * 500 ms doubling, at most 8 s. It runs on `scheduler` (marble tests run it in virtual time); unsubscribing
   * during the delay cancels the reconnection.
   */
  readonly backoff?: ResumeBackoff;
}

/** Options of {@link fromServerSentEvents}. */
export interface FromServerSentEventsOptions {
  /**
   * Milliseconds without an event (the API's `keepalive` events count; SSE comments, such as the relay's
   * heartbeat, do not) before the Observable errors with `StreamIdleError` and aborts the request. Default
   * 120000, as the other sources; `0` turns it off.
   */
  readonly idleTimeout?: number;
  /**
   * The scheduler of the time limits (the idle timeout, the deadline for reading an HTTP error's body, the
   * waits before reconnecting); default `asyncScheduler`. As RxJS's time-based operators take one: for tests in
   * virtual time.
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Resume a stream whose connection dropped, through a relay with a `cursor` option (any instance with the
   * same secret): `true` for the defaults, or `{ retries, backoff }`. Needs a function input, called again with
   * the last cursor. A cut (`TruncatedStreamError`, `MalformedEventError`), a stall (`StreamIdleError`), a
   * network failure (`TypeError`) or a relay's 5xx waits `backoff` and reconnects; the events are never
   * duplicated (those at or below the last sequence number passed on are dropped) and a jump in the sequence
   * numbers errors with `SequenceGapError`. A stream cut before the relay sent a cursor cannot resume:
   * `ResumeNotPossibleError` (reason `no-cursor`, or `not-background`), the cut as `cause`.
   */
  readonly resume?: boolean | ServerSentEventsResumeOptions;
  /**
   * Your relay's Cancel, called with the last cursor when the subscriber unsubscribes (a Cancel button,
   * `switchMap` to a new prompt, a component destroyed) before the response's terminal event, connected or
   * waiting to reconnect: e.g. `(cursor) => fetch('/api/cancel', { method: 'POST', headers: { 'last-event-id':
   * cursor }, keepalive: true })`, answered by `cancelFromRequest`. Not called after an error or the end, nor
   * when no cursor came (a response that is not a background one). A dropped connection is never a cancel: the
   * relay cannot tell it from a browser that will resume, so only this call stops the work.
   */
  readonly cancel?: (cursor: string) => unknown;
  /** Hears of a `cancel` that threw or rejected (it runs in teardown, which never throws). */
  readonly onCancelError?: (error: unknown) => void;
}

/** How much of an HTTP error's body is kept in {@link RelayHttpError}, in characters. */
const MAX_ERROR_BODY_CHARS = 4096;
/** How many bytes of an HTTP error's body are read at most (4096 characters of UTF-8 fit). */
const MAX_ERROR_BODY_BYTES = 4 * MAX_ERROR_BODY_CHARS;
/** How long an HTTP error's body may take to arrive; then the error is raised with what was read. */
const ERROR_BODY_DEADLINE_MS = 2000;

/** What the frame of the event being emitted said besides its data: its cursor and what it follows. */
interface FrameInfo {
  /** The frame's SSE `id:` (the relay's signed cursor), or `null` when it had none. */
  cursor: string | null;
  /** The sequence number the event follows, from an `: after <n>` comment, or `null`. */
  after: number | null;
}

/**
 * Reads Responses API events from a server-sent events response, such as one relayed by
 * `rxjs-openai/server`, in the browser or any runtime with `fetch`.
 *
 * The body is decoded by the SDK's own SSE decoder (`_iterSSEMessages` from `openai/core/streaming`, what its
 * `Stream` reads), each frame's `data` parsed as JSON, and every event is emitted as received. Then:
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
 *   upstream request stop); with a `Response`, its body is cancelled, whatever the SDK version;
 * - with `resume`, a dropped connection is picked up where it stopped, through any relay instance (see
 *   {@link FromServerSentEventsOptions.resume}); with `cancel`, unsubscribing stops the work on the server.
 *
 * A function input makes the Observable cold: one fetch per subscription, so `retry()` fetches again. A
 * `Response` can be read once, so that Observable can be subscribed once (and cannot resume).
 *
 * ```
 * relay:   --created--partial--completed|
 * result:  --created--partial--completed|
 * relay:   --created--error|
 * result:  --created--#                    (ResponseStreamError)
 * resume:  --c(0)--1--2--X                  X = connection dropped, last id: cursor of 2
 * relay B:                ....3--4(done)|   after `backoff`: input(signal, cursor of 2)
 * result:  --c(0)--1--2-------3--4(done)|
 * ```
 *
 * @example
 * ```ts
 * import { fromServerSentEvents, imageStates } from 'rxjs-openai';
 *
 * const events$ = fromServerSentEvents(
 *   (signal, cursor) =>
 *     fetch('/api/images', {
 *       method: 'POST',
 *       headers: cursor ? { 'last-event-id': cursor } : {},
 *       body: JSON.stringify({ prompt }),
 *       signal,
 *     }),
 *   {
 *     resume: { retries: 5 },
 *     cancel: (cursor) => fetch('/api/cancel', { method: 'POST', headers: { 'last-event-id': cursor }, keepalive: true }),
 *   },
 * );
 * events$.pipe(imageStates()).subscribe((images) => render(images));
 * ```
 *
 * The relayed stream may be the Images API's (`streamImageGeneration`, `streamImageEdit` on the server): its
 * `image_generation.completed` / `image_edit.completed` event ends it as a response's terminal event does; type the
 * result `fromServerSentEvents<ImageStreamEvent>(...)` and the image operators read it as they read the source.
 *
 * @param input A fetch `Response`, or `(signal, cursor) => fetch(..., { signal })` for a cold source.
 * @param options The idle timeout, the scheduler of the time limits, `resume`, `cancel`.
 * @return An Observable of the relayed events.
 * @see fromResponseStream
 */
export function fromServerSentEvents<E extends ImageStreamEvent = ResponseStreamEvent>(
  input: ServerSentEventsInput,
  options: FromServerSentEventsOptions = {},
): Observable<E> {
  return relayedEvents(input, options) as Observable<ImageStreamEvent> as Observable<E>;
}

function relayedEvents(
  input: ServerSentEventsInput,
  options: FromServerSentEventsOptions,
): Observable<ResponseStreamEvent> {
  const resume = options.resume === true ? {} : options.resume || null;
  if (resume && typeof input !== 'function') {
    return new Observable((subscriber) =>
      subscriber.error(new RxOpenAIError('resume needs a function input: a Response can be read only once.')),
    );
  }
  return new Observable<ResponseStreamEvent>((subscriber) => {
    // One frame at a time is being emitted: the connection fills this in before each event.
    const frame: FrameInfo = { cursor: null, after: null };
    const connect = (cursor: string | null) => connection(input, cursor, frame, options);
    const hooks: ResumeHooks = {
      isResumable: resume ? isResumableFailure : () => false,
      inspect(event, state) {
        const response = carriedResponseOf(event);
        if (response) {
          state.responseId = response.id;
          if (response.background !== null) state.background = response.background;
        }
        if (frame.cursor !== null) state.cursor = frame.cursor;
      },
      // Only a relay with `cursor` says what an event follows, and only then is a jump a gap.
      follows: () => (frame.cursor === null ? undefined : frame.after),
      unresumable(error, state) {
        if (state.cursor !== null) return null;
        if (!state.received) return error;
        const reason = state.background === false ? 'not-background' : 'no-cursor';
        return new ResumeNotPossibleError(state.responseId, reason, { cause: error });
      },
      reconnect: (state) => connect(state.cursor),
      abandoned: (state) => cancelOnLeave(state, options),
    };
    const policy = {
      retries: resume?.retries,
      backoff: resume?.backoff,
      scheduler: options.scheduler,
      // Without `resume`, the events pass as they come: nothing to resume, so nothing to check across cuts.
      checkSequence: resume !== null,
    };
    return resumeLoop(connect(null), policy, hooks).subscribe(subscriber);
  });
}

/** The `cancel` option's call, when the subscriber left a background response that was still running. */
function cancelOnLeave(state: ResumeState, options: FromServerSentEventsOptions): void {
  const cancel = options.cancel;
  if (!cancel || state.cursor === null || state.ended || isDetaching()) return;
  const cursor = state.cursor;
  callQuietly(
    () => cancel(cursor),
    (error) => options.onCancelError?.(error),
  );
}

/** One request to the relay (or the `Response` given), read into events; `frame` tells each one's cursor. */
function connection(
  input: ServerSentEventsInput,
  cursor: string | null,
  frame: FrameInfo,
  options: FromServerSentEventsOptions,
): Observable<ResponseStreamEvent> {
  const scheduler = options.scheduler;
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const controller = new AbortController();
    subscriber.add(() => controller.abort());

    const open = async (): Promise<FetchResponse> => {
      if (typeof input === 'function') return input(controller.signal, cursor);
      if (input.bodyUsed) {
        throw new RxOpenAIError(
          'This Response was already read: pass a function that fetches to subscribe again.',
        );
      }
      return input;
    };

    open()
      .then(
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
          // The SDK's decoder aborts the controller it is given whenever reading fails, so that one cannot tell
          // our unsubscribe from a dropped connection. `fromResponseStream` sees only `controller`, which only
          // unsubscribing aborts; the SDK gets its own, linked to ours.
          const sdkController = new AbortController();
          const abortSdk = () => sdkController.abort();
          controller.signal.addEventListener('abort', abortSdk, { once: true });
          subscriber.add(() => controller.signal.removeEventListener('abort', abortSdk));
          const decoded = decode(cancellable(response, controller.signal), sdkController, frame);
          const events: ResponseEventStream = {
            [Symbol.asyncIterator]: () => decoded,
            controller,
          };
          // Either API's stream: a response's terminal events end it, and so does an Images API image's.
          const events$ = fromEventStream(
            events,
            { idleTimeout: options.idleTimeout },
            isAnyTerminalEvent,
            scheduler,
          );
          subscriber.add(
            events$.subscribe({
              next: (event) => {
                if (event.type === 'error') subscriber.error(new ResponseStreamError(event));
                else subscriber.next(event);
              },
              error: (error: unknown) => subscriber.error(error),
              complete: () => subscriber.complete(),
            }),
          );
        },
        (error: unknown) => {
          // Our own abort (on unsubscribe) is not an error; anything else (network, a caller's throw) is.
          if (!subscriber.closed) subscriber.error(error);
        },
      )
      // Whatever else goes wrong reading the answer errors the stream: it never hangs silently.
      .catch((error: unknown) => subscriber.error(error));
  });
}

/**
 * The events of an SSE body, decoded by the SDK's own decoder (`_iterSSEMessages`, what its `Stream` reads,
 * the same in SDK 6 and 7), each frame's `data` parsed as JSON (a `SyntaxError` for a torn or mangled frame).
 * Before each event is yielded, `frame` gets its SSE `id:` (the relay's cursor) and its `: after <n>` comment,
 * from the frame's raw lines. An `error` frame, flat or nested, with or without a `type`, is yielded as an
 * `error` event (the caller turns it into `ResponseStreamError`); `[DONE]` ends the stream.
 */
async function* decode(
  response: FetchResponse,
  controller: AbortController,
  frame: FrameInfo,
): AsyncGenerator<ResponseStreamEvent> {
  for await (const sse of _iterSSEMessages(response, controller)) {
    if (sse.data === '[DONE]') return;
    let cursor: string | null = null;
    let after: number | null = null;
    for (const line of sse.raw) {
      if (line.startsWith('id:')) cursor = line.slice(line.startsWith('id: ') ? 4 : 3) || null;
      else if (line.startsWith(AFTER_COMMENT)) {
        const n = Number(line.slice(AFTER_COMMENT.length));
        after = Number.isSafeInteger(n) ? n : null;
      }
    }
    const data = JSON.parse(sse.data) as unknown;
    frame.cursor = cursor;
    frame.after = after;
    if (sse.event === 'error' || isUntypedError(data)) {
      yield { ...(data as object), type: 'error' } as ResponseStreamEvent;
    } else yield data as ResponseStreamEvent;
  }
}

/** `{ error: { ... } }` without a `type`: an error as some servers frame it. */
function isUntypedError(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    !('type' in data) &&
    typeof (data as { error?: unknown }).error === 'object'
  );
}

/** Whether a `content-type` is `text/event-stream`, with or without parameters, in any case. */
function isEventStream(type: string | null): boolean {
  return type !== null && /^\s*text\/event-stream\s*(;|$)/i.test(type);
}

/**
 * The response with a body that `signal` cancels, whatever the SDK does: SDK 6's decoder waits for the next
 * chunk before it lets go of the body, so on its own a stalled body of a `Response` input would never be
 * cancelled. The pipe, when aborted, cancels the original body and errors the copy with an `AbortError`,
 * which ends the decoder (the connection's own abort is not an error).
 */
function cancellable(response: FetchResponse, signal: AbortSignal): FetchResponse {
  if (!response.body) return response;
  const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal });
  return new Response(body, { headers: response.headers });
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
  // A body already read (or locked) has nothing more to tell: the status is the error.
  if (!body || response.bodyUsed || body.locked) return '';
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
