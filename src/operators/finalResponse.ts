import type { OperatorFunction } from 'rxjs';
import { TruncatedStreamError } from '../errors';
import { ResponseAccumulator } from '../internal/accumulate';
import { failureOf, sequenceNumberOf } from '../internal/events';
import { operatePerResponse } from '../internal/operate';
import type { Response, ResponseStreamEvent } from '../types';

/**
 * Emits the finished `Response` of each response, at its `response.completed`: equal to what the SDK's
 * `client.responses.stream(...).finalResponse()` gives (less the `output_parsed` / `parsed` fields of its
 * structured-output parsing, and the `parsed_arguments: null` it adds to function calls), built by the SDK's
 * own accumulator, with the helper's tolerance of `output_index` values that skip a number.
 *
 * Unlike that helper it stays an Observable (cancellable, composable) and an event type the SDK does not know
 * is skipped rather than fatal. It fails like the other operators: `error` becomes `ResponseStreamError`,
 * `response.failed` becomes `ResponseFailedError` and `response.incomplete` becomes `ResponseIncompleteError`
 * (each carries the response); a source that ends without a terminal event errors with
 * `TruncatedStreamError`; an event the SDK cannot apply errors with the SDK's `OpenAIError`. Nothing is copied
 * while the response builds up; it holds the response (images included) until `response.completed`.
 *
 * One value per response: a stream of one response (what `streamResponse` gives) emits once and completes
 * with the source; a stream that carries several (`concatMap` over prompts, `repeat()`) emits each, and an
 * abandoned one (a new `response.created` before its terminal event, as after `retry()`) is dropped.
 *
 * ```
 * source:  --created--added--delta--done--completed|
 * result:  ---------------------------------(r|)         r = the completed Response
 * source:  --created--failed|
 * result:  -----------#                                   (ResponseFailedError)
 * ```
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { finalResponse, streamResponse } from 'rxjs-openai';
 *
 * const response = await lastValueFrom(streamResponse(client, params).pipe(finalResponse()));
 * console.log(response.output_text, response.usage?.total_tokens);
 * ```
 *
 * @return An operator from the response's events to the completed response.
 * @see responseSnapshots
 */
export function finalResponse(): OperatorFunction<ResponseStreamEvent, Response> {
  return operatePerResponse<Response>((subscriber) => {
    const accumulator = new ResponseAccumulator();
    let count = 0;
    let lastSequenceNumber: number | null = null;
    let done = false;
    return {
      next(event, kind) {
        count++;
        lastSequenceNumber = sequenceNumberOf(event) ?? lastSequenceNumber;
        const failure = failureOf(event);
        if (failure) throw failure;
        if (done || (accumulator.snapshot === undefined && !('response' in event))) return;
        accumulator.push(event, kind);
        const snapshot = accumulator.snapshot;
        if (event.type === 'response.completed' && snapshot) {
          done = true;
          accumulator.clear();
          subscriber.next(snapshot);
        }
      },
      complete() {
        if (!done) throw new TruncatedStreamError(count, lastSequenceNumber);
      },
      teardown: () => accumulator.clear(),
    };
  });
}
