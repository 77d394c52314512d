import type { OperatorFunction } from 'rxjs';
import { failureOf } from '../internal/events';
import { operate } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';

/**
 * Emits each piece of the model's text as it arrives: the `delta` of every `response.output_text.delta`
 * event, of every message, in order.
 *
 * For writing text out as it streams (a terminal, a chat bubble). Every other event is ignored, unknown types
 * included. A failed response errors like the other operators (`ResponseStreamError`,
 * `ResponseFailedError`, `ResponseIncompleteError`), so text of a failed response is not mistaken for a
 * finished one. It holds nothing. For the text so far, use {@link outputText}; to know which message a delta
 * belongs to, use `ofType('response.output_text.delta')`.
 *
 * ```
 * source:  --created--delta("Here ")--partial--delta("it is")--completed|
 * result:  -----------"Here "------------------"it is"--------------------|
 * ```
 *
 * @example
 * ```ts
 * import { streamResponse, textDeltas } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'Draw a fox and describe it', tools: [{ type: 'image_generation' }] })
 *   .pipe(textDeltas())
 *   .subscribe((delta) => process.stdout.write(delta));
 * ```
 *
 * @return An operator from the response's events to its text deltas.
 * @see outputText
 */
export function textDeltas(): OperatorFunction<ResponseStreamEvent, string> {
  return operate<ResponseStreamEvent, string>((subscriber) => ({
    next(event) {
      if (event.type === 'response.output_text.delta') {
        subscriber.next(event.delta);
        return;
      }
      const failure = failureOf(event);
      if (failure) throw failure;
    },
  }));
}
