import type {
  ResponseCodeInterpreterToolCall,
  ResponseCustomToolCall,
  ResponseFileSearchToolCall,
  ResponseFunctionToolCall,
  ResponseFunctionWebSearch,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseReasoningItem,
} from 'openai/resources/responses/responses';
import type { OperatorFunction } from 'rxjs';
import { MissingOutputItemError } from '../errors';
import { copyResponse, ResponseAccumulator } from '../internal/accumulate';
import { isTerminalEvent } from '../internal/events';
import { ImageStateTracker } from '../internal/ImageStateTracker';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import { OrderedStates } from '../internal/OrderedStates';
import { operatePerResponse } from '../internal/operate';
import type { ImageState, Response, ResponseStreamEvent } from '../types';
import type { McpCallItem } from './mcpCalls';

/** What every item's state has: its type, id, place, status and the item as streamed so far. */
interface ItemStateBase<Item extends { type: string }> {
  /** The item's `type`: `switch` on it to narrow the state. */
  readonly type: Item['type'];
  /** The item's id. */
  readonly itemId: string;
  /** The item's index in the response's `output`: the list is ordered by it. */
  readonly outputIndex: number;
  /** The item's `status` as streamed so far (`in_progress`, `searching`, `completed`, ...), or `null`. */
  readonly status: string | null;
  /** The item as streamed so far (its own copy: it never changes after it was emitted). */
  readonly item: Item;
}

/** A message: its text so far (its `output_text` parts joined) and its citations. */
export interface MessageItemState extends ItemStateBase<ResponseOutputMessage> {
  readonly text: string;
  /** The annotations of its text (URL, file and container file citations), in order. */
  readonly annotations: readonly ResponseOutputText['annotations'][number][];
}

/** Reasoning: its summary so far (parts separated by a blank line) and the raw reasoning text where streamed. */
export interface ReasoningItemState extends ItemStateBase<ResponseReasoningItem> {
  readonly summary: string;
  readonly text: string;
}

/** A function call: its arguments so far. */
export interface FunctionCallItemState extends ItemStateBase<ResponseFunctionToolCall> {
  readonly callId: string;
  readonly name: string;
  readonly arguments: string;
}

/** A custom tool call: its input so far. */
export interface CustomToolCallItemState extends ItemStateBase<ResponseCustomToolCall> {
  readonly callId: string;
  readonly name: string;
  readonly input: string;
}

/** A call the API ran on a remote MCP server: its arguments so far, and its output or error once known. */
export interface McpCallItemState extends ItemStateBase<McpCallItem> {
  readonly name: string;
  readonly serverLabel: string;
  readonly arguments: string;
  readonly output: string | null;
  readonly error: unknown;
}

/** A web search: its action (the query, and the sources when `include` asks for them). */
export interface WebSearchItemState extends ItemStateBase<ResponseFunctionWebSearch> {
  readonly action: ResponseFunctionWebSearch['action'] | null;
}

/** A file search: its queries, and its results when `include` asks for them. */
export interface FileSearchItemState extends ItemStateBase<ResponseFileSearchToolCall> {
  readonly queries: readonly string[];
  readonly results: ResponseFileSearchToolCall['results'];
}

/** A code interpreter run: its code so far, and its outputs (logs, images) once known. */
export interface CodeInterpreterItemState extends ItemStateBase<ResponseCodeInterpreterToolCall> {
  readonly code: string;
  readonly outputs: NonNullable<ResponseCodeInterpreterToolCall['outputs']>;
}

/** An image generation call: exactly its `imageStates()` state (previews, final bytes, failure). */
export type ImageItemState = ImageState & { readonly type: 'image_generation_call' };

/** The item types with fields of their own in {@link ItemState}. */
type ItemTypeWithFields =
  | 'message'
  | 'reasoning'
  | 'function_call'
  | 'custom_tool_call'
  | 'mcp_call'
  | 'web_search_call'
  | 'file_search_call'
  | 'code_interpreter_call'
  | 'image_generation_call';

/** Any other item (a type this library has no fields for yet): its item as streamed. */
export interface OtherItemState
  extends ItemStateBase<Exclude<ResponseOutputItem, { type: ItemTypeWithFields }>> {}

/** The state of one output item, for UIs: `switch (state.type)` narrows to its fields. */
export type ItemState =
  | MessageItemState
  | ReasoningItemState
  | FunctionCallItemState
  | CustomToolCallItemState
  | McpCallItemState
  | WebSearchItemState
  | FileSearchItemState
  | CodeInterpreterItemState
  | ImageItemState
  | OtherItemState;

/**
 * Emits the state of **every** output item of the response, for UIs: a new array, ordered by `outputIndex`, each
 * time an item changes; entries that did not change keep their identity (as in `imageStates()`), so `OnPush`
 * components and signals re-render only what changed.
 *
 * - A message shows its `text` so far and its `annotations` (citations); reasoning its `summary` (and raw
 *   `text`) so far, so a UI shows "thinking" before the image starts; function, custom tool and MCP calls
 *   their arguments (input) so far and their status; web and file search their status (and sources or results
 *   when included); code interpreter its code so far and its outputs, images included.
 * - Image generation calls are exactly what `imageStates()` gives (`status`, `partials`, `b64`, `final`,
 *   `error`), with `type: 'image_generation_call'`.
 * - Every item but images is built by the SDK's own accumulator (`accumulateResponse`), the code behind
 *   `client.responses.stream()`, so each item is what the SDK would give; an event type the installed SDK does
 *   not know leaves its item unchanged until the item is done.
 * - Errors like the other operators: `ResponseStreamError`, `ResponseFailedError`, `ResponseIncompleteError`;
 *   an image whose bytes never came is `MissingImageError`, and any other item announced that never finished
 *   (no `output_item.done`, absent from `response.completed`) is `MissingOutputItemError`. Unknown events are
 *   ignored.
 *
 * State belongs to a response (the list starts afresh with each, see `imageStates()`). Memory: the list holds
 * what it shows (each item as streamed, each image's latest bytes), bounded by the items of one response; the
 * SDK's accumulator holds the same response once more, sharing its strings.
 *
 * ```
 * source:  --reasoning.delta--msg.delta--image.partial--image.done--completed|
 * result:  --[r]--------------[r,m]------[r,m,i(p1)]----[r,m,i(ok)]-----------|
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { itemStates, streamResponse } from 'rxjs-openai';
 *
 * readonly items = toSignal(streamResponse(client, params).pipe(itemStates()), { initialValue: [] });
 * // template: @for (item of items(); track item.itemId) { @switch (item.type) {
 * //   @case ('reasoning') { <p class="thinking">{{ item.summary }}</p> }
 * //   @case ('message') { <p>{{ item.text }}</p> }
 * //   @case ('image_generation_call') { <img [src]="'data:image/png;base64,' + item.b64"> } } }
 * ```
 *
 * @return An operator from the response's events to the list of its items' states.
 * @see imageStates
 * @see outputItems
 */
export function itemStates(): OperatorFunction<ResponseStreamEvent, readonly ItemState[]> {
  return operatePerResponse<readonly ItemState[]>((subscriber, response) => {
    const list = new OrderedStates<ItemState>(MAX_ITEMS_PER_RESPONSE);
    const images = new ImageStateTracker(
      (image) => list.set(image.itemId, { ...image, type: 'image_generation_call' }),
      response,
    );
    const accumulator = new ResponseAccumulator();
    /** Items done (or in `response.completed`'s output): never reported missing. */
    const done = new Set<string>();
    /** Each non-image item's wire `output_index`, by id. */
    const indexOf = new Map<string, number>();

    /** Shows the item's new state; `resent` items (a lifecycle event re-sends all) only when they changed. */
    const show = (item: ResponseOutputItem | undefined, outputIndex: number, resent: boolean) => {
      if (!item || item.type === 'image_generation_call') return;
      const itemId = keyOf(item, outputIndex);
      const previous = list.get(itemId);
      if (resent && previous && 'item' in previous && JSON.stringify(previous.item) === JSON.stringify(item))
        return;
      if (!indexOf.has(itemId) && indexOf.size >= MAX_ITEMS_PER_RESPONSE) return;
      indexOf.set(itemId, outputIndex);
      list.set(itemId, stateOf(copyItem(item), itemId, outputIndex));
    };

    const checkFinished = () => {
      for (const [itemId, outputIndex] of indexOf) {
        if (done.has(itemId)) continue;
        const state = list.get(itemId);
        throw new MissingOutputItemError(itemId, outputIndex, state?.type ?? 'unknown');
      }
    };

    return {
      next(event) {
        // Images, and the typed errors of a failed response (and a missing image at `response.completed`).
        images.push(event);
        if (accumulator.snapshot !== undefined || 'response' in event) {
          if (accumulator.push(event)) {
            const snapshot = accumulator.snapshot as Response;
            if ('output_index' in event && typeof event.output_index === 'number') {
              const outputIndex = event.output_index;
              show(snapshot.output[accumulator.positionOf(outputIndex)], outputIndex, false);
              if (event.type === 'response.output_item.done') done.add(keyOf(event.item, outputIndex));
            } else if ('response' in event) {
              snapshot.output.forEach((item, position) => {
                const outputIndex = indexOf.get(keyOf(item, position)) ?? position;
                show(item, outputIndex, true);
                if (isTerminalEvent(event)) done.add(keyOf(item, outputIndex));
              });
              if (event.type === 'response.completed') checkFinished();
            }
          }
        }
        if (list.changed) subscriber.next(list.take());
      },
      complete: () => {
        images.end();
        checkFinished();
      },
      teardown: () => {
        images.clear();
        accumulator.clear();
        list.clear();
        done.clear();
        indexOf.clear();
      },
    };
  });
}

function keyOf(item: { id?: string | null }, outputIndex: number): string {
  return typeof item.id === 'string' && item.id !== '' ? item.id : `#${outputIndex}`;
}

/** A copy of one item: the SDK's accumulator updates its items in place. */
function copyItem(item: ResponseOutputItem): ResponseOutputItem {
  return copyResponse({ output: [item] } as unknown as Response).output[0] as ResponseOutputItem;
}

/** The state of a (non-image) item, with the fields of its type. */
function stateOf(item: ResponseOutputItem, itemId: string, outputIndex: number): ItemState {
  const status = 'status' in item && typeof item.status === 'string' ? item.status : null;
  const base = { itemId, outputIndex, status };
  switch (item.type) {
    case 'message': {
      const texts = item.content.flatMap((part) => (part.type === 'output_text' ? [part] : []));
      return {
        ...base,
        type: 'message',
        item,
        text: texts.map((part) => part.text).join(''),
        annotations: texts.flatMap((part) => part.annotations ?? []),
      };
    }
    case 'reasoning':
      return {
        ...base,
        type: 'reasoning',
        item,
        summary: item.summary.map((part) => part.text).join('\n\n'),
        text: (item.content ?? []).map((part) => part.text).join('\n\n'),
      };
    case 'function_call':
      return {
        ...base,
        type: 'function_call',
        item,
        callId: item.call_id,
        name: item.name,
        arguments: item.arguments,
      };
    case 'custom_tool_call':
      return {
        ...base,
        type: 'custom_tool_call',
        item,
        callId: item.call_id,
        name: item.name,
        input: item.input,
      };
    case 'mcp_call':
      return {
        ...base,
        type: 'mcp_call',
        item,
        name: item.name,
        serverLabel: item.server_label,
        arguments: item.arguments,
        output: item.output ?? null,
        error: item.error ?? null,
      };
    case 'web_search_call':
      return { ...base, type: 'web_search_call', item, action: item.action ?? null };
    case 'file_search_call':
      return {
        ...base,
        type: 'file_search_call',
        item,
        queries: item.queries ?? [],
        results: item.results ?? null,
      };
    case 'code_interpreter_call':
      return {
        ...base,
        type: 'code_interpreter_call',
        item,
        code: item.code ?? '',
        outputs: item.outputs ?? [],
      };
    default:
      return { ...base, type: item.type, item } as OtherItemState;
  }
}
