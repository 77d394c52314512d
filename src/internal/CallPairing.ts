// Internal: not part of the public API, not importable from the package.
import type {
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseOutputItem,
} from 'openai/resources/responses/responses';
import type { OperatorFunction } from 'rxjs';
import { MissingOutputItemError, RxOpenAIError } from '../errors';
import type { ResponseStreamEvent } from '../types';
import { failureOf } from './events';
import { MAX_ITEMS_PER_RESPONSE } from './limits';
import { operatePerResponse } from './operate';

// The pairing of `functionCalls` and `customToolCalls`: the same event shapes, another item type and field.

/** A call item: a function call or a custom tool call. */
type CallItem = ResponseFunctionToolCall | ResponseCustomToolCall;

/** How a kind of call is spread over events. */
export interface CallFormat<Item extends CallItem> {
  readonly itemType: Item['type'];
  /** The event type of a piece of the call's text (`...arguments.delta`). */
  readonly deltaType: ResponseStreamEvent['type'];
  /** The event type of the call's final text (`...arguments.done`). */
  readonly doneType: ResponseStreamEvent['type'];
  /** The final text on a `doneType` event. */
  textOfEvent(event: ResponseStreamEvent): string;
  /** The text on an item. */
  textOfItem(item: Item): string;
  /** The item with its final text (and status `completed`, when it has a status). */
  withText(item: Item, text: string): Item;
}

/** A call paired from its events. */
export interface PairedCall<Item extends CallItem> {
  readonly callId: string;
  readonly name: string;
  /** The call's final text: a function call's `arguments`, a custom tool call's `input`. */
  readonly text: string;
  readonly itemId: string;
  readonly outputIndex: number;
  readonly item: Item;
}

/** A function call: its `arguments`, streamed by `response.function_call_arguments.*`. */
export const FUNCTION_CALL: CallFormat<ResponseFunctionToolCall> = {
  itemType: 'function_call',
  deltaType: 'response.function_call_arguments.delta',
  doneType: 'response.function_call_arguments.done',
  textOfEvent: (event) => (event as { arguments: string }).arguments,
  textOfItem: (item) => item.arguments,
  withText: (item, text) => ({
    ...item,
    arguments: text,
    ...('status' in item ? { status: 'completed' } : {}),
  }),
};

/**
 * Pairs each call's parts by item id, in either order, per response; emits each call once, when its call id,
 * name and final text are known. Throws `MissingOutputItemError` for a call that never finished.
 */
export function pairCalls<Item extends CallItem>(
  format: CallFormat<Item>,
): OperatorFunction<ResponseStreamEvent, PairedCall<Item>> {
  const isCall = (item: ResponseOutputItem | null | undefined): item is Item =>
    item != null && item.type === format.itemType;
  return operatePerResponse<PairedCall<Item>>((subscriber) => {
    /** Calls seen and not emitted: where they are, the announced item (call id, name), the final text. */
    const pending = new Map<string, { outputIndex: number; announced: Item | null; text: string | null }>();
    /** Keys of the calls emitted, so that late or repeated events are ignored. */
    const settled = new Set<string>();

    const track = () => {
      if (pending.size + settled.size >= MAX_ITEMS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ITEMS_PER_RESPONSE} ${format.itemType} items in one response: refusing to track more.`,
        );
      }
    };
    const pendingOf = (key: string, outputIndex: number) => {
      let entry = pending.get(key);
      if (!entry) {
        track();
        entry = { outputIndex, announced: null, text: null };
        pending.set(key, entry);
      }
      return entry;
    };
    const emit = (key: string, item: Item, text: string, outputIndex: number) => {
      pending.delete(key);
      track();
      settled.add(key);
      subscriber.next({
        callId: item.call_id,
        name: item.name,
        text,
        itemId: item.id ?? '',
        outputIndex,
        item,
      });
    };
    const finish = (item: Item, outputIndex: number) => {
      const key = keyOf(item, outputIndex);
      if (settled.has(key)) return;
      // Cut short (its response is incomplete): never emitted with partial text.
      if ((item as { status?: unknown }).status === 'incomplete') {
        pendingOf(key, outputIndex);
        return;
      }
      emit(key, item, format.textOfItem(item), outputIndex);
    };
    const checkFinished = () => {
      for (const [key, entry] of pending)
        throw new MissingOutputItemError(key.startsWith('#') ? '' : key, entry.outputIndex, format.itemType);
    };

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_item.added': {
            const item = event.item;
            if (!isCall(item)) return;
            const key = keyOf(item, event.output_index);
            if (settled.has(key)) return;
            const entry = pendingOf(key, event.output_index);
            entry.announced = item;
            if (entry.text !== null)
              emit(key, format.withText(item, entry.text), entry.text, entry.outputIndex);
            return;
          }
          case 'response.output_item.done':
            if (isCall(event.item)) finish(event.item, event.output_index);
            return;
          case 'response.completed': {
            const output = event.response?.output ?? [];
            for (let index = 0; index < output.length; index++) {
              const item = output[index];
              if (isCall(item)) finish(item, index);
            }
            checkFinished();
            return;
          }
          default: {
            if (event.type === format.deltaType || event.type === format.doneType) {
              const { item_id: key, output_index: outputIndex } = event as {
                item_id: string;
                output_index: number;
              };
              if (typeof key !== 'string' || settled.has(key)) return;
              const entry = pendingOf(key, outputIndex);
              if (event.type === format.deltaType) return;
              const text = format.textOfEvent(event);
              entry.text = text;
              if (entry.announced) emit(key, format.withText(entry.announced, text), text, entry.outputIndex);
              return;
            }
            const failure = failureOf(event);
            if (failure) throw failure;
          }
        }
      },
      complete: checkFinished,
      teardown: () => {
        pending.clear();
        settled.clear();
      },
    };
  });
}

function keyOf(item: CallItem, outputIndex: number): string {
  return typeof item.id === 'string' && item.id !== '' ? item.id : `#${outputIndex}`;
}
