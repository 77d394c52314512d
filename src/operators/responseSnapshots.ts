import type { OperatorFunction } from 'rxjs';
import { copyResponse, ResponseAccumulator } from '../internal/accumulate';
import { operatePerResponse } from '../internal/operate';
import type { Response, ResponseStreamEvent } from '../types';

/**
 * Emits the whole `Response` as it builds up: the SDK's own accumulated snapshot after each event.
 *
 * The state is built by the SDK's `accumulateResponse` (`openai/lib/responses/ResponseAccumulator`), the same
 * code behind `client.responses.stream()`, so `output`, each message's text and `output_text` match what the
 * SDK would give. Each snapshot emitted is its own copy: the SDK updates its working snapshot in place, and a
 * snapshot you keep (in a signal, a store, `pairwise()`) never changes afterwards. The copy shares the
 * strings, so an image's base64 is never copied.
 *
 * - One snapshot per event, from the first lifecycle event (`response.created`, or `response.in_progress` and
 *   the like when the stream starts there). Events before it, and event types the SDK does not know (the API
 *   adds new ones), are skipped: they never break the stream.
 * - It mirrors the state, it does not judge it: `response.failed` and `response.incomplete` are emitted as
 *   snapshots with that `status`, and the stream ends as the source ends. Use {@link finalResponse} for "the
 *   response, or an error".
 * - An event the SDK cannot apply (e.g. a delta for an item that was never added) errors with the SDK's
 *   `OpenAIError`. Output indexes that skip a number (seen in real streams) are tolerated, as the SDK's
 *   `client.responses.stream()` helper tolerates them.
 * - State belongs to a response: with several responses in one stream, each starts from its own first
 *   lifecycle event.
 *
 * Memory: the snapshot holds the whole response, and so every finished image's base64 (`result` of each
 * `image_generation_call` item: ~1-3 MB each at 1024x1024) until the stream ends, plus whatever snapshots
 * you keep (they share those strings). Partial previews are not kept. When you only need the images, prefer
 * `withFinalImage()`, which holds no bytes.
 *
 * ```
 * source:  --created--added--delta("Hi")--delta("!")--completed|
 * result:  --r0-------r1-----r2-----------r3----------r4--------|     r2.output_text = "Hi", r3 = "Hi!"
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { responseSnapshots, streamResponse } from 'rxjs-openai';
 *
 * readonly response = toSignal(streamResponse(client, params).pipe(responseSnapshots()));
 * // template: {{ response()?.status }} · {{ response()?.output_text }}
 * ```
 *
 * @return An operator from the response's events to its accumulated snapshots.
 * @see finalResponse
 * @see outputText
 */
export function responseSnapshots(): OperatorFunction<ResponseStreamEvent, Response> {
  return operatePerResponse<Response>((subscriber) => {
    const accumulator = new ResponseAccumulator();
    return {
      next(event, kind) {
        if (accumulator.snapshot === undefined && !('response' in event)) return;
        if (!accumulator.push(event, kind)) return;
        const snapshot = accumulator.snapshot;
        if (snapshot) subscriber.next(copyResponse(snapshot));
      },
      teardown: () => accumulator.clear(),
    };
  });
}
