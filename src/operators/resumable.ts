import type { MonoTypeOperatorFunction } from 'rxjs';
import { ResumeNotPossibleError } from '../errors';
import { cancelQuietly, isDetaching } from '../internal/cancelResponse';
import { failOnCallerAbort } from '../internal/failOnCallerAbort';
import { isResumableFailure, type ResumeBackoff, type ResumeHooks, resumeLoop } from '../internal/resumeLoop';
import { resumeResponse } from '../sources/resumeResponse';
import type {
  CancelOnUnsubscribeOptions,
  ResponseStreamEvent,
  ResumableResponsesClient,
  StreamRequestOptions,
} from '../types';

/** Options of {@link resumable}. */
export interface ResumableOptions extends CancelOnUnsubscribeOptions {
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
  backoff?: ResumeBackoff;
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
 * - Cancel: unsubscribing stops everything silently, and cancels the background response on the API's side
 *   (`client.responses.cancel(id)`, once, whether connected or waiting to reconnect; `cancelOnUnsubscribe:
 *   false` turns it off for the whole stream, `onCancelError` hears of a failed cancel). The `signal` you gave
 *   `streamResponse` stops only the first request; give it to `resumable` too (`options.signal`), and its abort
 *   stops the replays and the waits before them, erroring with the SDK's `APIUserAbortError`, and cancels the
 *   response. Errors cancel nothing, and neither does a relay (`rxjs-openai/server`) whose browser went away.
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
 * unsubscribe:--c(0)--1--!                       POST /responses/{id}/cancel at `!`
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
 * @param options `retries`, `backoff`, the reconnections' `requestOptions`, your Cancel `signal`,
 *   `cancelOnUnsubscribe` and `onCancelError`.
 * @return An operator that mirrors the response's events across reconnections.
 * @see resumeResponse
 */
export function resumable(
  client: ResumableResponsesClient,
  options: ResumableOptions = {},
): MonoTypeOperatorFunction<ResponseStreamEvent> {
  const cancel = options.cancelOnUnsubscribe !== false;
  // Replays never cancel on their own: this operator does, once, whether it is connected or waiting.
  const replayOptions = { ...options.requestOptions, cancelOnUnsubscribe: false };
  const hooks: ResumeHooks = {
    isResumable: isResumableFailure,
    inspect(event, state) {
      if (state.responseId !== null || !('response' in event) || !event.response) return;
      state.responseId = event.response.id;
      state.background = event.response.background === true;
      if (!state.background) throw new ResumeNotPossibleError(state.responseId, 'not-background');
    },
    // Nothing to resume from: the request's own error (a 5xx, a connection error) is what `retry()` needs.
    unresumable: (error, state) => (state.responseId === null ? error : null),
    reconnect: (state) =>
      resumeResponse(client, state.responseId!, { startingAfter: state.last }, replayOptions),
    abandoned(state) {
      if (cancel && state.responseId !== null && !state.ended && !isDetaching()) {
        cancelQuietly(client, state.responseId, options.onCancelError);
      }
    },
  };
  return (source) => resumeLoop(source, options, hooks).pipe(failOnCallerAbort(options.signal));
}
