import type { OperatorFunction } from 'rxjs';
import { RxOpenAIError } from '../errors';
import { failureOf } from '../internal/events';
import { MAX_ITEMS_PER_RESPONSE, MAX_PARTS_PER_ITEM } from '../internal/limits';
import { insertByOutputIndex } from '../internal/OrderedStates';
import { operatePerResponse } from '../internal/operate';
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

interface MessageText {
  readonly itemId: string;
  readonly outputIndex: number;
  /** The text of each `output_text` part, by `content_index`. */
  readonly parts: string[];
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
    const byId = new Map<string, MessageText>();
    /** The messages in output order. */
    let ordered: MessageText[] = [];
    let text = '';

    const messageOf = (itemId: string, outputIndex: number): MessageText => {
      let message = byId.get(itemId);
      if (message) return message;
      if (byId.size >= MAX_ITEMS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ITEMS_PER_RESPONSE} messages in one response: refusing to track more.`,
        );
      }
      message = { itemId, outputIndex, parts: [] };
      byId.set(itemId, message);
      ordered = insertByOutputIndex(ordered, message);
      return message;
    };

    const checkPart = (index: number) => {
      if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_PARTS_PER_ITEM) {
        throw new RxOpenAIError(`Text part index ${index} is out of range (0 to ${MAX_PARTS_PER_ITEM - 1}).`);
      }
    };

    const emit = (message: MessageText) =>
      subscriber.next({
        text,
        itemId: message.itemId,
        outputIndex: message.outputIndex,
        messageText: message.parts.join(''),
      });

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_text.delta': {
            if (event.delta === '') return;
            checkPart(event.content_index);
            const message = messageOf(event.item_id, event.output_index);
            const index = event.content_index;
            const isLastPart = index >= message.parts.length - 1;
            message.parts[index] = (message.parts[index] ?? '') + event.delta;
            // Appending to the very end of the text is the common case: no need to join everything again.
            text =
              isLastPart && ordered[ordered.length - 1] === message
                ? text + event.delta
                : ordered.map((m) => m.parts.join('')).join('');
            emit(message);
            return;
          }
          case 'response.output_text.done': {
            checkPart(event.content_index);
            const message = messageOf(event.item_id, event.output_index);
            if (message.parts[event.content_index] === event.text) return;
            message.parts[event.content_index] = event.text;
            text = ordered.map((m) => m.parts.join('')).join('');
            emit(message);
            return;
          }
          default: {
            const failure = failureOf(event);
            if (failure) throw failure;
          }
        }
      },
      teardown: () => {
        byId.clear();
        ordered = [];
        text = '';
      },
    };
  });
}
