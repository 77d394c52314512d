import type { Observable } from 'rxjs';
import { cancelOnUnsubscribe } from '../internal/cancelResponse';
import { requestStream } from '../internal/requestStream';
import type { ResponseStreamEvent, ResponseStreamOptions, ResumableResponsesClient } from '../types';

/** Where `resumeResponse` picks a stored response's events up. */
export interface ResumeResponseParams {
  /**
   * Replay only the events whose `sequence_number` is greater than this (the API's `starting_after`);
   * omit it to replay the response from its first event.
   */
  startingAfter?: number | null;
}

/**
 * Streams a background response's events again, from the server's store: cold and lazy, one request per
 * subscription.
 *
 * Each subscription calls `client.responses.retrieve(responseId, { stream: true, starting_after }, { ...options,
 * signal })` and emits the events after `startingAfter` as the API replays them (while the response is still
 * running, the replay goes on live until its end). It behaves like {@link streamResponse}: unsubscribing aborts
 * the request at once, your own `signal` errors with the SDK's `APIUserAbortError`, `idleTimeout` ms without
 * an event errors with `StreamIdleError`, an HTTP error (the SDK's `APIError`, e.g.
 * `NotFoundError` for an unknown id or a response created without `background: true`) passes through
 * unchanged, and a stream that ends without `response.completed`, `response.failed` or `response.incomplete`
 * errors with `TruncatedStreamError`.
 *
 * Every replay is billed as network traffic, not tokens: the events after `startingAfter` are sent again,
 * images included. {@link resumable} uses this to pick a dropped stream up where it left off.
 *
 * Cancel: unsubscribing before the terminal event (or your `signal` aborting) also calls
 * `client.responses.cancel(responseId)`, as {@link streamResponse} does for a background response (the only
 * kind that can be replayed); `cancelOnUnsubscribe: false` turns it off, `onCancelError` hears of a failed
 * cancel. A relay of `rxjs-openai/server` never cancels when its browser goes away.
 *
 * ```
 * stored:  0--1--2--3--4--5(completed)
 * resumeResponse(client, id, { startingAfter: 2 })
 * result:  ---3--4--5|
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { resumeResponse, withFinalImage } from 'rxjs-openai';
 *
 * // After a restart: pick up a background response whose id and last sequence number you saved.
 * resumeResponse(new OpenAI(), saved.responseId, { startingAfter: saved.lastSequenceNumber })
 *   .pipe(withFinalImage())
 *   .subscribe((image) => show(image.b64));
 * ```
 *
 * @param client Anything with `responses.retrieve`: the `OpenAI` client, or a fake in tests.
 * @param responseId The response's id (`resp_...`), from its `response.created` event.
 * @param params `startingAfter`: the last `sequence_number` already seen.
 * @param options The SDK's request options (`timeout`, `headers`, `signal`, ...), `idleTimeout`,
 *   `cancelOnUnsubscribe` and `onCancelError`.
 * @return A cold Observable of the replayed events.
 * @see resumable
 */
export function resumeResponse(
  client: ResumableResponsesClient,
  responseId: string,
  params: ResumeResponseParams = {},
  options?: ResponseStreamOptions,
): Observable<ResponseStreamEvent> {
  const startingAfter = params.startingAfter;
  const { cancelOnUnsubscribe: cancel, onCancelError, ...requestOptions } = options ?? {};
  return requestStream(
    (sdkOptions) =>
      client.responses.retrieve(
        responseId,
        startingAfter == null ? { stream: true } : { stream: true, starting_after: startingAfter },
        sdkOptions,
      ),
    requestOptions,
  ).pipe(
    cancelOnUnsubscribe(client, {
      cancelOnUnsubscribe: cancel,
      onCancelError,
      signal: options?.signal,
      responseId,
    }),
  );
}
