// Internal: not part of the public API, not importable from the package.
import type {
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseOutputItem,
} from 'openai/resources/responses/responses';
import type { Subscriber } from 'rxjs';
import { MissingOutputItemError, RxOpenAIError } from '../errors';
import type { ResponseStreamEvent } from '../types';
import { failureOf, forFinishedItems } from './events';
import { MAX_ITEMS_PER_RESPONSE } from './limits';
import { OperatorObserver } from './operate';
import { ResponseBoundary } from './ResponseBoundary';

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

/** A call whose parts have not all come: where it is, the announced item (call id, name), the final text. */
interface PendingCall<Item extends CallItem> {
  readonly outputIndex: number;
  announced: Item | null;
  text: string | null;
}

/**
 * Pairs each call's parts by item id, in either order, for one response, fed one event at a time; reports each
 * call once to `onCall`, when its call id, name and final text are known. Throws the typed error of a failed
 * response, and `MissingOutputItemError` (at `response.completed`, or from {@link end}) for a call that never
 * finished. Holds only the calls not reported yet, and the keys of those reported.
 */
export class CallPairer<Item extends CallItem> {
  private readonly pending = new Map<string, PendingCall<Item>>();
  /** Keys of the calls reported, so that late or repeated events are ignored. */
  private readonly settled = new Set<string>();

  constructor(
    private readonly format: CallFormat<Item>,
    private readonly onCall: (call: PairedCall<Item>) => void,
  ) {}

  push(event: ResponseStreamEvent): void {
    const type = event.type;
    if (type === this.format.deltaType || type === this.format.doneType) {
      const { item_id: key, output_index: outputIndex } = event as { item_id: string; output_index: number };
      if (typeof key !== 'string' || this.settled.has(key)) return;
      const entry = this.pendingOf(key, outputIndex);
      if (type === this.format.deltaType) return;
      const text = this.format.textOfEvent(event);
      entry.text = text;
      if (entry.announced)
        this.report(key, this.format.withText(entry.announced, text), text, entry.outputIndex);
      return;
    }
    switch (event.type) {
      case 'response.output_item.added': {
        const item = event.item;
        if (!this.isCall(item)) return;
        const key = keyOf(item, event.output_index);
        if (this.settled.has(key)) return;
        const entry = this.pendingOf(key, event.output_index);
        entry.announced = item;
        if (entry.text !== null)
          this.report(key, this.format.withText(item, entry.text), entry.text, entry.outputIndex);
        return;
      }
      case 'response.output_item.done':
      case 'response.completed': {
        const completed = forFinishedItems(event, (item, outputIndex) => {
          if (this.isCall(item)) this.finish(item, outputIndex);
        });
        if (completed) this.end();
        return;
      }
      default: {
        const failure = failureOf(event);
        if (failure) throw failure;
      }
    }
  }

  /** The response or the stream ended: throws `MissingOutputItemError` for a call that never finished. */
  end(): void {
    for (const [key, entry] of this.pending)
      throw new MissingOutputItemError(
        key.startsWith('#') ? '' : key,
        entry.outputIndex,
        this.format.itemType,
      );
  }

  clear(): void {
    this.pending.clear();
    this.settled.clear();
  }

  private isCall(item: ResponseOutputItem | null | undefined): item is Item {
    return item != null && item.type === this.format.itemType;
  }

  private track(): void {
    if (this.pending.size + this.settled.size >= MAX_ITEMS_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_ITEMS_PER_RESPONSE} ${this.format.itemType} items in one response: refusing to track more.`,
      );
    }
  }

  private pendingOf(key: string, outputIndex: number): PendingCall<Item> {
    let entry = this.pending.get(key);
    if (!entry) {
      this.track();
      entry = { outputIndex, announced: null, text: null };
      this.pending.set(key, entry);
    }
    return entry;
  }

  private finish(item: Item, outputIndex: number): void {
    const key = keyOf(item, outputIndex);
    if (this.settled.has(key)) return;
    // Cut short (its response is incomplete): never reported with partial text.
    if ((item as { status?: unknown }).status === 'incomplete') {
      this.pendingOf(key, outputIndex);
      return;
    }
    this.report(key, item, this.format.textOfItem(item), outputIndex);
  }

  private report(key: string, item: Item, text: string, outputIndex: number): void {
    if (!this.pending.delete(key)) this.track();
    this.settled.add(key);
    this.onCall({ callId: item.call_id, name: item.name, text, itemId: item.id ?? '', outputIndex, item });
  }
}

/**
 * The observer of a call operator: pairs the calls of each response (a new response starts afresh) and hands
 * each to `onCall`, which emits (or throws, for the output's error). Its own class, as `withFinalImage`'s: its
 * `next` calls the pairer directly (see `OperatorObserver`).
 */
export class CallsObserver<Item extends CallItem> extends OperatorObserver<ResponseStreamEvent> {
  private readonly boundary = new ResponseBoundary();
  private readonly pairer: CallPairer<Item>;

  constructor(
    destination: Subscriber<unknown>,
    format: CallFormat<Item>,
    onCall: (call: PairedCall<Item>) => void,
  ) {
    super(destination);
    const pairer = new CallPairer(format, onCall);
    this.pairer = pairer;
    destination.add(() => pairer.clear());
  }

  next(event: ResponseStreamEvent): void {
    if (this.closed) return;
    try {
      if (this.boundary.starts(event)) this.pairer.clear();
      this.pairer.push(event);
    } catch (error) {
      this.error(error);
    }
  }

  protected override end(): void {
    this.pairer.end();
  }
}

function keyOf(item: CallItem, outputIndex: number): string {
  return typeof item.id === 'string' && item.id !== '' ? item.id : `#${outputIndex}`;
}
