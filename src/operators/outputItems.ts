import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import type { OperatorFunction } from 'rxjs';
import { MissingOutputItemError, RxOpenAIError } from '../errors';
import { failureOf, forFinishedItems } from '../internal/events';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import { operatePerResponse } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';

/** Every `type` of the SDK's `ResponseOutputItem` union (`message`, `function_call`, `reasoning`, ...). */
export type OutputItemType = ResponseOutputItem['type'];

/** One finished output item and its place in the response's `output`. Emitted by `outputItems()`. */
export interface OutputItem<Item extends ResponseOutputItem = ResponseOutputItem> {
  /** The item as it finished (`response.output_item.done`'s, or `response.completed`'s when no done event came). */
  readonly item: Item;
  /**
   * The item's index in the response's `output`: the done event's `output_index`, or its position in
   * `response.completed`'s `output` for an item that only came there.
   */
  readonly outputIndex: number;
}

/** The `OutputItem` of the members of `ResponseOutputItem` whose `type` is one of `Type`. */
export type OutputItemOf<Type extends OutputItemType> = OutputItem<
  Extract<ResponseOutputItem, { type: Type }>
>;

/**
 * Emits each output item of the response once it is done, with its output index, in the order items finish.
 *
 * The whole response, item by item: messages, function calls, reasoning, tool calls, images. An item is done
 * at its `response.output_item.done`; an item that never had one is taken from `response.completed`'s
 * `response.output`. Each item is emitted once (a repeated done event, or the same item again in
 * `response.completed`, is ignored). Pass item types to keep only those, with `item` narrowed to them.
 *
 * - An item announced by `response.output_item.added` that does not finish before its response completes (or
 *   the stream ends) errors with `MissingOutputItemError`: an item is never dropped silently. With types
 *   given, only items of those types are checked.
 * - `response.failed`, `response.incomplete` and `error` error with `ResponseFailedError`,
 *   `ResponseIncompleteError` and `ResponseStreamError`; other events are ignored, unknown types included.
 * - Item types newer than the SDK pass through (when no types are given), typed as the SDK's union: check
 *   `item.type` before reading its fields.
 * - An item's `status` is not judged: a failed image or tool call is emitted as it is (see `withFinalImage()`,
 *   `functionCalls()` and `mcpCalls()` for typed errors).
 * - State belongs to one response: in a stream of several (`concatMap`, `repeat()`, `retry()` upstream), each
 *   response's items are emitted, and what an abandoned response left unfinished is dropped. It holds item ids
 *   only, at most 4096 per response.
 *
 * ```
 * source:  --added(m)--added(f)--done(f)--done(m)--completed|
 * result:  -------------------------f--------m--------------|
 *            f = { item: function_call, outputIndex: 1 }, m = { item: message, outputIndex: 0 }
 * ```
 *
 * @example
 * ```ts
 * import { outputItems, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, params)
 *   .pipe(outputItems('function_call', 'message'))
 *   .subscribe(({ item, outputIndex }) => {
 *     // item: ResponseFunctionToolCall | ResponseOutputMessage
 *     if (item.type === 'function_call') console.log(outputIndex, item.name, item.arguments);
 *   });
 * ```
 *
 * @param types Item types to keep (none: every item); `item` is narrowed to the matching union members.
 * @return An operator from the response's events to its finished output items.
 * @see functionCalls for function calls paired with their call id and parsed arguments
 * @see finalResponse for the whole response at once
 */
export function outputItems<const Type extends OutputItemType = OutputItemType>(
  ...types: Type[]
): OperatorFunction<ResponseStreamEvent, OutputItemOf<Type>> {
  const wanted: ReadonlySet<string> | null = types.length > 0 ? new Set(types) : null;
  const keeps = (type: unknown) => wanted === null || (typeof type === 'string' && wanted.has(type));
  return operatePerResponse<OutputItemOf<Type>>((subscriber) => {
    /** Items announced and not finished yet, by key. */
    const announced = new Map<string, { itemId: string; outputIndex: number; itemType: string }>();
    /** Keys of the items emitted. */
    const settled = new Set<string>();

    const track = () => {
      if (announced.size + settled.size >= MAX_ITEMS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ITEMS_PER_RESPONSE} output items in one response: refusing to track more.`,
        );
      }
    };

    const finish = (item: ResponseOutputItem | null | undefined, outputIndex: number) => {
      if (item == null || !keeps(item.type)) return;
      const key = keyOf(item, outputIndex);
      if (settled.has(key)) return;
      // An item announced without an id is known by its output index.
      if (!announced.delete(key)) announced.delete(`#${outputIndex}`);
      track();
      settled.add(key);
      subscriber.next({ item, outputIndex } as OutputItemOf<Type>);
    };

    const checkFinished = () => {
      for (const missing of announced.values())
        throw new MissingOutputItemError(missing.itemId, missing.outputIndex, missing.itemType);
    };

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_item.added': {
            const item = event.item;
            if (item == null || !keeps(item.type)) return;
            const key = keyOf(item, event.output_index);
            if (settled.has(key) || announced.has(key)) return;
            track();
            announced.set(key, { itemId: idOf(item), outputIndex: event.output_index, itemType: item.type });
            return;
          }
          case 'response.output_item.done':
          case 'response.completed':
            if (forFinishedItems(event, finish)) checkFinished();
            return;
          default: {
            const failure = failureOf(event);
            if (failure) throw failure;
          }
        }
      },
      complete: checkFinished,
      teardown: () => {
        announced.clear();
        settled.clear();
      },
    };
  });
}

/** The item's id; a function or custom tool call may lack one (its `call_id` then). */
function idOf(item: ResponseOutputItem): string {
  const { id, call_id } = item as { id?: unknown; call_id?: unknown };
  return typeof id === 'string' ? id : typeof call_id === 'string' ? call_id : '';
}

/** What identifies an item within its response: its id, else its call id, else its output index. */
function keyOf(item: ResponseOutputItem, outputIndex: number): string {
  const { id, call_id } = item as { id?: unknown; call_id?: unknown };
  if (typeof id === 'string' && id !== '') return id;
  if (typeof call_id === 'string' && call_id !== '') return `call:${call_id}`;
  return `#${outputIndex}`;
}
