// Internal: not part of the public API, not importable from the package.
import type {
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputItemAddedEvent,
} from 'openai/resources/responses/responses';
import type { Subscriber } from 'rxjs';
import { MissingOutputItemError, RxOpenAIError } from '../errors';
import type { ResponseStreamEvent } from '../types';
import {
  type EventKind,
  eventKind,
  FUNCTION_ARGUMENTS_DELTA,
  FUNCTION_ARGUMENTS_DONE,
  ITEM_ADDED,
  ITEM_DONE,
  OTHER,
  RESPONSE_COMPLETED,
  RESPONSE_FAILED,
  STREAM_ERROR,
} from './eventKind';
import { failureOf, forFinishedItems, itemKeyOf } from './events';
import { KeysByIndex } from './KeysByIndex';
import { MAX_ITEMS_PER_RESPONSE } from './limits';
import { OperatorObserver } from './operate';
import { ResponseBoundary } from './ResponseBoundary';

// The pairing of `functionCalls` and `customToolCalls`: the same event shapes, another item type and field.

/** A call item: a function call or a custom tool call. */
type CallItem = ResponseFunctionToolCall | ResponseCustomToolCall;

/** How a kind of call is spread over events. */
export interface CallFormat<Item extends CallItem> {
  readonly itemType: Item['type'];
  /** The kind (see `eventKind`) of a piece of the call's text (`...arguments.delta`). */
  readonly deltaKind: EventKind;
  /** The kind of the call's final text (`...arguments.done`). */
  readonly doneKind: EventKind;
  /** The field of the call's text, on its item and on its `doneKind` event. */
  readonly textField: 'arguments' | 'input';
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
  deltaKind: FUNCTION_ARGUMENTS_DELTA,
  doneKind: FUNCTION_ARGUMENTS_DONE,
  textField: 'arguments',
};

/** A call whose parts have not all come: where it is, the announced item (call id, name), the final text. */
interface PendingCall<Item extends CallItem> {
  readonly outputIndex: number;
  announced: Item | null;
  text: string | null;
}

/** The mark of a call reported: its late or repeated events are ignored. */
const SETTLED = 0;

/**
 * Pairs each call's parts by item id, in either order, for one response, fed one event at a time; reports each
 * call once to `onCall`, when its call id, name and final text are known. Throws the typed error of a failed
 * response, and `MissingOutputItemError` (at `response.completed`, or from {@link end}) for a call that never
 * finished. Holds only the calls not reported yet, and the keys of those reported.
 */
export class CallPairer<Item extends CallItem> {
  /**
   * Every call of the response by key (item id): pending (some of its parts came) or {@link SETTLED}. One map,
   * so that a delta costs one lookup; made at the first call.
   */
  private calls: Map<string, PendingCall<Item> | typeof SETTLED> | null = null;
  /** How many of {@link calls} are pending: {@link end} looks only when some are. */
  private pendingCount = 0;
  /** The call of the last delta at each output index, which {@link calls} holds. */
  private readonly known = new KeysByIndex();

  constructor(
    private readonly format: CallFormat<Item>,
    private readonly onCall: (call: PairedCall<Item>) => void,
  ) {}

  /** Feeds one event; `kind` is its kind, when the caller has read it already (see `eventKind`). */
  push(event: ResponseStreamEvent, kind: EventKind = eventKind(event.type)): void {
    if (kind === this.format.deltaKind || kind === this.format.doneKind) {
      const { item_id: key, output_index: outputIndex } = event as { item_id: string; output_index: number };
      if (typeof key !== 'string') return;
      if (kind === this.format.deltaKind) {
        // A delta only announces its call (missing if it never finishes); the final text is on `.done`. Most
        // deltas are of a call known already, at their output index: a comparison, not a lookup.
        if (this.known.has(outputIndex, key)) return;
        if (this.calls?.get(key) === undefined) this.startPending(key, outputIndex);
        this.known.remember(outputIndex, key);
        return;
      }
      const entry = this.calls?.get(key);
      if (entry === SETTLED) return;
      const pending = entry ?? this.startPending(key, outputIndex);
      const text = this.textOf(event);
      pending.text = text;
      if (pending.announced)
        this.report(key, this.withText(pending.announced, text), text, pending.outputIndex, pending);
      return;
    }
    switch (kind) {
      case ITEM_ADDED: {
        const { item, output_index: outputIndex } = event as ResponseOutputItemAddedEvent;
        if (!this.isCall(item)) return;
        const key = itemKeyOf(item, outputIndex);
        const entry = this.calls?.get(key);
        if (entry === SETTLED) return;
        const pending = entry ?? this.startPending(key, outputIndex);
        pending.announced = item;
        if (pending.text !== null)
          this.report(key, this.withText(item, pending.text), pending.text, pending.outputIndex, pending);
        return;
      }
      case ITEM_DONE:
      case RESPONSE_COMPLETED: {
        const completed = forFinishedItems(event, (item, outputIndex) => {
          if (this.isCall(item)) this.finish(item, outputIndex);
        });
        if (completed) this.end();
        return;
      }
      case STREAM_ERROR:
      case RESPONSE_FAILED:
        throw failureOf(event);
    }
  }

  /** The response or the stream ended: throws `MissingOutputItemError` for a call that never finished. */
  end(): void {
    if (this.pendingCount === 0 || this.calls === null) return;
    for (const [key, entry] of this.calls)
      if (entry !== SETTLED)
        throw new MissingOutputItemError(
          key.startsWith('#') ? '' : key,
          entry.outputIndex,
          this.format.itemType,
        );
  }

  clear(): void {
    this.calls = null;
    this.pendingCount = 0;
    this.known.clear();
  }

  /** The call's text on its `doneKind` event or its item. */
  private textOf(holder: object): string {
    return (holder as Record<string, string>)[this.format.textField]!;
  }

  /** The announced item with its final text (and status `completed`, when it has a status). */
  private withText(item: Item, text: string): Item {
    return {
      ...item,
      [this.format.textField]: text,
      ...('status' in item ? { status: 'completed' } : {}),
    } as Item;
  }

  private isCall(item: ResponseOutputItem | null | undefined): item is Item {
    return item != null && item.type === this.format.itemType;
  }

  /** {@link calls}, made at the first call. */
  private callMap(): Map<string, PendingCall<Item> | typeof SETTLED> {
    this.calls ??= new Map();
    return this.calls;
  }

  private track(): void {
    if (this.calls !== null && this.calls.size >= MAX_ITEMS_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_ITEMS_PER_RESPONSE} ${this.format.itemType} items in one response: refusing to track more.`,
      );
    }
  }

  /** Records a new call as pending. */
  private startPending(key: string, outputIndex: number): PendingCall<Item> {
    this.track();
    const pending: PendingCall<Item> = { outputIndex, announced: null, text: null };
    this.callMap().set(key, pending);
    this.pendingCount++;
    return pending;
  }

  private finish(item: Item, outputIndex: number): void {
    const key = itemKeyOf(item, outputIndex);
    const entry = this.calls?.get(key);
    if (entry === SETTLED) return;
    // Cut short (its response is incomplete): never reported with partial text.
    if ((item as { status?: unknown }).status === 'incomplete') {
      if (entry === undefined) this.startPending(key, outputIndex);
      return;
    }
    this.report(key, item, this.textOf(item), outputIndex, entry);
  }

  /** Reports a call and marks it settled; `pending` is its record, `undefined` for a call new to the map. */
  private report(
    key: string,
    item: Item,
    text: string,
    outputIndex: number,
    pending: PendingCall<Item> | undefined,
  ): void {
    if (pending === undefined) this.track();
    else this.pendingCount--;
    this.callMap().set(key, SETTLED);
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
    // The event's kind, read once for the boundary and the pairer.
    const kind = eventKind(event.type);
    if (kind === OTHER) return;
    try {
      if (this.boundary.starts(event, kind)) this.pairer.clear();
      this.pairer.push(event, kind);
    } catch (error) {
      this.error(error);
    }
  }

  protected override end(): void {
    this.pairer.end();
  }
}
