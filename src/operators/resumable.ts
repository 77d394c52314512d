import { APIConnectionError, APIError } from 'openai/core/error';
import { type MonoTypeOperatorFunction, Observable, type Observer, Subscription, timer } from 'rxjs';
import {
  MalformedEventError,
  ResumeFailedError,
  ResumeNotPossibleError,
  RxOpenAIError,
  SequenceGapError,
  StreamIdleError,
  TruncatedStreamError,
} from '../errors';
import { failOnCallerAbort } from '../internal/failOnCallerAbort';
import { ResponseBoundary } from '../internal/ResponseBoundary';
import { isTerminalEvent, sequenceNumberOf } from '../internal/events';
import { resumeResponse } from '../sources/resumeResponse';
import type { ResponseStreamEvent, ResumableResponsesClient, StreamRequestOptions } from '../types';

/** Options of {@link resumable}. */
export interface ResumableOptions {
  /**
   * How many reconnections in a row may fail before giving up with `ResumeFailedError` (default 5). The count
   * starts again whenever a reconnection delivers a new event, so a long response survives any number of
   * drops as long as each reconnection makes progress.
   */
  retries?: number;
  /**
   * The delay before reconnection `attempt` (1, 2, ...), in milliseconds, or one delay for all. Default:
   * 500 ms doubling each time, at most 8 s (0.5, 1, 2, 4, 8 s). It runs on RxJS's `timer`, so marble tests
   * run it in virtual time; unsubscribing during the delay cancels the reconnection.
   */
  backoff?: number | ((attempt: number, error: unknown) => number);
  /** The SDK's request options for the reconnections (`timeout`, `headers`, `idleTimeout`, ...). */
  requestOptions?: StreamRequestOptions;
  /**
   * Your Cancel: the same `signal` you gave `streamResponse`. The first request honours it there; the
   * reconnections (and the waits before them) honour it here. When it aborts, the output errors with the SDK's
   * `APIUserAbortError` and the running replay is aborted.
   */
  signal?: AbortSignal | null | undefined;
}

/**
 * Keeps a background response's event stream going across dropped connections: the subscriber sees one
 * uninterrupted stream, every event once, in order.
 *
 * Apply it right on the source, `streamResponse(client, { ...params, background: true })`. It remembers the
 * response id (from `response.created`) and the `sequence_number` of the last event it passed on. When the
 * stream fails with a transport error (the SDK's `APIConnectionError`, a connection reset, a frame torn in
 * the middle (`MalformedEventError`), an HTTP 5xx on reconnecting), is truncated (`TruncatedStreamError`) or
 * stalls (`StreamIdleError`), it waits `backoff` and reconnects with {@link resumeResponse}, `starting_after` = that number.
 *
 * - Events are never duplicated: a replayed event with a `sequence_number` at or below the last one passed
 *   on is dropped. Events are never skipped silently: a jump in the numbers errors with `SequenceGapError`.
 * - API errors are not retried: an HTTP 4xx (`NotFoundError`, `RateLimitError`, ...) and the stream's own
 *   `error` event pass through unchanged, and `response.failed` / `response.incomplete` are events like any
 *   other (the operators downstream turn them into errors).
 * - A response created without `background: true` cannot be replayed by the API: its `response.created`
 *   errors the stream at once with `ResumeNotPossibleError` (reason `not-background`), rather than when a
 *   connection drops. A stream that fails before `response.created` told its id has nothing to resume from:
 *   its own error passes through unchanged (the SDK's `APIConnectionError`, `InternalServerError`, ...), so
 *   that a `retry()` after `resumable()` can re-send the request.
 * - A stall (`StreamIdleError`, after the source's `idleTimeout`) is a dropped connection: it resumes.
 * - Cancel: unsubscribing stops everything silently. The `signal` you gave `streamResponse` stops only the
 *   first request; give it to `resumable` too (`options.signal`), and its abort stops the replays and the
 *   waits before them, erroring with the SDK's `APIUserAbortError`.
 * - State belongs to a response: when the stream carries another response (a new id), the count starts
 *   afresh, its events are never dropped as old, and its own `background` is checked.
 * - A connection that drops after the terminal event loses nothing: the output completes.
 * - After `retries` reconnections in a row without a new event it errors with `ResumeFailedError`, whose
 *   `cause` is the last failure.
 *
 * Cost: each reconnection is a new request that replays the events after the last one seen, so nothing is
 * sent twice to you, but a cut in the middle of a large frame (a partial or final image) is downloaded again.
 *
 * ```
 * source:     --c(0)--1--2--X                   X = connection dropped
 * resume:                   ....3--4--5(done)|  after `backoff`, starting_after = 2
 * result:     --c(0)--1--2-------3--4--5(done)|
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { share } from 'rxjs';
 * import { resumable, streamResponse, withFinalImage } from 'rxjs-openai';
 *
 * const client = new OpenAI();
 * const cancel = new AbortController(); // a Cancel button calls cancel.abort()
 * const params = { model: 'gpt-5', input: 'A lighthouse', tools: [{ type: 'image_generation' as const }], background: true };
 * streamResponse(client, params, { signal: cancel.signal })
 *   .pipe(resumable(client, { retries: 5, signal: cancel.signal }), withFinalImage())
 *   .subscribe((image) => save(image.b64));
 * ```
 *
 * @param client The client to reconnect with: anything with `responses.retrieve` (the `OpenAI` client).
 * @param options `retries`, `backoff`, the reconnections' `requestOptions`, and your Cancel `signal`.
 * @return An operator that mirrors the response's events across reconnections.
 * @see resumeResponse
 */
export function resumable(
  client: ResumableResponsesClient,
  options: ResumableOptions = {},
): MonoTypeOperatorFunction<ResponseStreamEvent> {
  const retries = options.retries ?? 5;
  const backoff = options.backoff ?? defaultBackoff;
  const delayFor = (attempt: number, error: unknown) =>
    typeof backoff === 'number' ? backoff : backoff(attempt, error);

  return (source) =>
    new Observable<ResponseStreamEvent>((subscriber) => {
      // State per response: a new response in the same subscription starts afresh.
      const boundary = new ResponseBoundary();
      let responseId: string | null = null;
      let last: number | null = null;
      let attempts = 0;
      /** A terminal or `error` event was passed on: the response is over, nothing to resume. */
      let ended = false;
      /** A terminal event (`response.completed`, `.failed`, `.incomplete`) was passed on. */
      let terminated = false;

      const onEvent = (event: ResponseStreamEvent) => {
        if (boundary.starts(event)) {
          responseId = last = null;
          attempts = 0;
          ended = terminated = false;
        }
        const sequenceNumber = sequenceNumberOf(event);
        if (sequenceNumber !== null && last !== null) {
          if (sequenceNumber <= last) return;
          if (sequenceNumber > last + 1) throw new SequenceGapError(responseId, last + 1, sequenceNumber);
        }
        if (responseId === null && 'response' in event && event.response) {
          responseId = event.response.id;
          if (event.response.background !== true) {
            throw new ResumeNotPossibleError(responseId, 'not-background');
          }
        }
        if (sequenceNumber !== null) {
          last = sequenceNumber;
          attempts = 0;
        }
        if (isTerminalEvent(event)) terminated = ended = true;
        else if (event.type === 'error') ended = true;
        subscriber.next(event);
      };

      const onError = (error: unknown) => {
        if (!isResumable(error)) {
          subscriber.error(error);
          return;
        }
        if (ended) {
          // The connection dropped after the response was over: nothing is missing, nothing to resume.
          if (terminated) subscriber.complete();
          else subscriber.error(error);
          return;
        }
        if (responseId === null) {
          // Nothing to resume from: the request's own error (a 5xx, a connection error) is what `retry()` needs.
          subscriber.error(error);
          return;
        }
        if (attempts >= retries) {
          subscriber.error(new ResumeFailedError(responseId, attempts, last, { cause: error }));
          return;
        }
        attempts++;
        const id = responseId;
        let delay: number;
        try {
          delay = delayFor(attempts, error);
        } catch (backoffError) {
          subscriber.error(backoffError);
          return;
        }
        const waiting = timer(delay).subscribe(() => {
          connect(resumeResponse(client, id, { startingAfter: last }, options.requestOptions));
        });
        // Added to the output: unsubscribing during the delay cancels the reconnection.
        subscriber.add(waiting);
      };

      const connect = (stream: Observable<ResponseStreamEvent>) => {
        const link = new Link(subscriber, onEvent, onError);
        stream.subscribe(link);
      };

      connect(source);
    }).pipe(failOnCallerAbort(options.signal));
}

/** 500 ms, doubling, at most 8 s. */
function defaultBackoff(attempt: number): number {
  return Math.min(500 * 2 ** (attempt - 1), 8000);
}

/**
 * Whether a stream's failure is the network's (resume) rather than the API's or ours (pass it on): a
 * truncated stream or a torn frame, the SDK's `APIConnectionError`, an HTTP 5xx, or an error that comes from
 * neither the SDK nor this library (a reset socket's `TypeError: terminated`).
 */
function isResumable(error: unknown): boolean {
  if (
    error instanceof TruncatedStreamError ||
    error instanceof MalformedEventError ||
    error instanceof StreamIdleError
  )
    return true;
  if (error instanceof RxOpenAIError || !(error instanceof Error)) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return isServerError(error);
  // An error of another copy of the SDK (where `instanceof` fails) is recognised by its classes' names.
  const names = classNames(error);
  if (names.includes('APIConnectionError')) return true;
  if (names.includes('APIError')) return isServerError(error as { status?: unknown });
  return !names.includes('OpenAIError');
}

function isServerError(error: { status?: unknown }): boolean {
  return typeof error.status === 'number' && error.status >= 500;
}

function classNames(error: Error): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    names.push(String(proto.constructor?.name));
  }
  return names;
}

/**
 * An observer that is also a `Subscription` (RxJS subscribes it directly, so unsubscribing the output stops
 * the connection at once, even synchronously inside `subscribe`). Completion ends the output; an error, or a
 * callback that throws, goes to `onError` after this connection is closed.
 */
class Link extends Subscription implements Observer<ResponseStreamEvent> {
  constructor(
    private readonly destination: {
      complete(): void;
      error(error: unknown): void;
      add(teardown: Subscription): void;
    },
    private readonly onEvent: (event: ResponseStreamEvent) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    super();
    destination.add(this);
  }

  next(event: ResponseStreamEvent): void {
    if (this.closed) return;
    try {
      this.onEvent(event);
    } catch (error) {
      // Our own verdict (a gap, a response that cannot resume): never resumed.
      this.unsubscribe();
      this.destination.error(error);
    }
  }

  error(error: unknown): void {
    if (this.closed) return;
    this.unsubscribe();
    this.onError(error);
  }

  complete(): void {
    if (this.closed) return;
    this.unsubscribe();
    this.destination.complete();
  }
}
