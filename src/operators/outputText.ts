import type { OperatorFunction } from 'rxjs';
import { failureOf } from '../internal/events';
import { operatePerResponse } from '../internal/operate';
import { type ItemParts, PartTexts } from '../internal/PartTexts';
import type { ResponseStreamEvent } from '../types';

/** The text of a response so far, overall and for the message that just changed. Emitted by `outputText()`. */
export interface OutputText {
  /**
   * All the text so far: every message's `output_text` parts, in output order, joined with nothing between
   * them (what the finished response's `output_text` holds).
   */
  readonly text: string;
  /** The id of the message that just changed (`msg_...`). */
  readonly itemId: string;
  /** That message's index in the response's `output`. */
  readonly outputIndex: number;
  /** That message's text so far (its `output_text` parts joined). */
  readonly messageText: string;
}

/**
 * Emits the text written so far after each change: overall (`text`) and for the message that changed
 * (`itemId`, `messageText`).
 *
 * One value per `response.output_text.delta`, and one per `response.output_text.done` whose final text
 * differs from the deltas (the API's `done` text wins). Models often write a message before or after an
 * image: several messages are kept apart, ordered by their `output_index`, and `text` joins them as the
 * response's `output_text` does. Other events are ignored, unknown types included; a failed response errors
 * like the other operators. State belongs to a response: with several responses in one stream (`concatMap`,
 * `repeat()`, `retry()` upstream), `text` starts afresh at each, so a retried attempt's text is never
 * doubled. It holds the text only (never images); for a UI signal of the whole text,
 * `map(({ text }) => text)`.
 *
 * ```
 * source:  --delta("Here ")--delta("it is")--done("Here it is")--completed|
 * result:  --a--------------b-------------------------------------------|
 *            a = { text: "Here ", messageText: "Here ", ... }, b = { text: "Here it is", ... }
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { map } from 'rxjs';
 * import { outputText, streamResponse } from 'rxjs-openai';
 *
 * readonly caption = toSignal(
 *   streamResponse(client, params).pipe(outputText(), map(({ text }) => text)),
 *   { initialValue: '' },
 * );
 * ```
 *
 * @return An operator from the response's events to the text so far.
 * @see textDeltas
 * @see responseSnapshots for the text inside the whole response
 */
export function outputText(): OperatorFunction<ResponseStreamEvent, OutputText> {
  return operatePerResponse<OutputText>((subscriber) => {
    const texts = new PartTexts({ separator: '', items: 'messages', part: 'Text' });

    const emit = (message: ItemParts) =>
      subscriber.next({
        text: texts.text,
        itemId: message.itemId,
        outputIndex: message.outputIndex,
        messageText: message.parts.join(''),
      });

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_text.delta': {
            if (event.delta === '') return;
            const message = texts.item(event.item_id, event.output_index, event.content_index);
            texts.append(message, event.content_index, event.delta);
            emit(message);
            return;
          }
          case 'response.output_text.done': {
            const message = texts.item(event.item_id, event.output_index, event.content_index);
            if (message.parts[event.content_index] === event.text) return;
            texts.replace(message, event.content_index, event.text);
            emit(message);
            return;
          }
          default: {
            const failure = failureOf(event);
            if (failure) throw failure;
          }
        }
      },
      teardown: () => texts.clear(),
    };
  });
}
