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
import { itemKeyOf } from '../internal/events';
import { ImageStateTracker } from '../internal/ImageStateTracker';
import { MAX_ITEMS_PER_RESPONSE, MAX_PARTS_PER_ITEM } from '../internal/limits';
import { OrderedStates } from '../internal/OrderedStates';
import { operatePerResponse } from '../internal/operate';
import type { ImageState, ResponseStreamEvent } from '../types';
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
  /** The item as announced (`output_item.added`), then as finished (`output_item.done`): its fields above follow the stream. */
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
 * - Each entry's fields (`text`, `summary`, `arguments`, `input`, `code`, `status`, `annotations`) follow the
 *   streamed events; its `item` is the item as announced (`output_item.added`), replaced by the finished item
 *   at `output_item.done` (or from `response.completed`'s output), whose fields then win.
 * - Errors like the other operators: `ResponseStreamError`, `ResponseFailedError`, `ResponseIncompleteError`;
 *   an image whose bytes never came is `MissingImageError`, and any other item announced that never finished
 *   (no `output_item.done`, absent from `response.completed`) is `MissingOutputItemError`. Unknown events are
 *   ignored.
 *
 * State belongs to a response (the list starts afresh with each, see `imageStates()`). Memory: what the list
 * shows (each item's text so far, each image's latest bytes), and the parts of the text of the items still
 * streaming; bounded by the items of one response.
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
    /** The text streamed so far of each item, by part: what its fields are made of. */
    const drafts = new Map<string, Draft>();
    /** Items announced, and those finished (done, or in a terminal event's output). */
    const announced = new Map<string, { outputIndex: number; type: string }>();
    const done = new Set<string>();

    /** Shows an item as the API sent it (added or done): its fields from the item itself. */
    const showItem = (item: ResponseOutputItem, outputIndex: number, finished: boolean) => {
      if (item.type === 'image_generation_call') return;
      const itemId = itemKeyOf(item, outputIndex);
      if (finished && done.has(itemId)) return;
      if (!announced.has(itemId)) {
        // Past the bound, a new item is neither shown (the list refuses it too) nor tracked.
        if (announced.size >= MAX_ITEMS_PER_RESPONSE) return;
        announced.set(itemId, { outputIndex, type: item.type });
      }
      const state = stateOf(item, itemId, outputIndex);
      if (finished) {
        // A finished item is what the API sent: its drafts are over.
        done.add(itemId);
        drafts.delete(itemId);
        list.set(itemId, state);
        return;
      }
      const draft = drafts.get(itemId);
      list.set(itemId, draft ? withDraft(state, draft) : state);
    };

    /** Adds streamed text to part `index` (`alt`: the second text of reasoning), or replaces it (`final`). */
    const stream = (itemId: string, index: number, text: string, final: boolean, alt = false) => {
      if (done.has(itemId) || !Number.isSafeInteger(index) || index < 0 || index >= MAX_PARTS_PER_ITEM)
        return;
      let draft = drafts.get(itemId);
      if (!draft) {
        if (drafts.size >= MAX_ITEMS_PER_RESPONSE) return;
        draft = { parts: [], alt: [] };
        drafts.set(itemId, draft);
      }
      const parts = alt ? draft.alt : draft.parts;
      const previous = parts[index] ?? '';
      const next = final ? text : previous + text;
      if (next === previous && parts[index] !== undefined) return;
      parts[index] = next;
      const state = list.get(itemId);
      if (state) list.set(itemId, withDraft(state, draft));
    };

    const setStatus = (itemId: string, status: string) => {
      const state = list.get(itemId);
      if (!state || state.type === 'image_generation_call' || done.has(itemId) || state.status === status)
        return;
      list.set(itemId, { ...state, status } as ItemState);
    };

    const checkFinished = () => {
      for (const [itemId, { outputIndex, type }] of announced)
        if (!done.has(itemId)) throw new MissingOutputItemError(itemId, outputIndex, type);
    };

    return {
      next(event, kind) {
        // Images, and the typed errors of a failed response (and a missing image at `response.completed`).
        images.push(event, kind);
        switch (event.type) {
          case 'response.output_item.added':
            showItem(event.item, event.output_index, false);
            break;
          case 'response.output_item.done':
            showItem(event.item, event.output_index, true);
            break;
          case 'response.completed': {
            const output = event.response?.output ?? [];
            for (let index = 0; index < output.length; index++) {
              const item = output[index] as ResponseOutputItem;
              showItem(item, announced.get(itemKeyOf(item, index))?.outputIndex ?? index, true);
            }
            checkFinished();
            break;
          }
          case 'response.output_text.delta':
          case 'response.refusal.delta':
            stream(event.item_id, event.content_index, event.delta, false);
            break;
          case 'response.output_text.done':
            stream(event.item_id, event.content_index, event.text, true);
            break;
          case 'response.refusal.done':
            stream(event.item_id, event.content_index, event.refusal, true);
            break;
          case 'response.output_text.annotation.added': {
            const state = list.get(event.item_id);
            if (
              state?.type === 'message' &&
              !done.has(event.item_id) &&
              state.annotations.length < MAX_PARTS_PER_ITEM
            )
              list.set(event.item_id, {
                ...state,
                annotations: [
                  ...state.annotations,
                  event.annotation as MessageItemState['annotations'][number],
                ],
              });
            break;
          }
          case 'response.reasoning_summary_text.delta':
            stream(event.item_id, event.summary_index, event.delta, false);
            break;
          case 'response.reasoning_summary_text.done':
            stream(event.item_id, event.summary_index, event.text, true);
            break;
          case 'response.reasoning_text.delta':
            stream(event.item_id, event.content_index, event.delta, false, true);
            break;
          case 'response.reasoning_text.done':
            stream(event.item_id, event.content_index, event.text, true, true);
            break;
          case 'response.function_call_arguments.delta':
          case 'response.custom_tool_call_input.delta':
          case 'response.mcp_call_arguments.delta':
          case 'response.code_interpreter_call_code.delta':
            stream(event.item_id, 0, event.delta, false);
            break;
          case 'response.function_call_arguments.done':
          case 'response.mcp_call_arguments.done':
            stream(event.item_id, 0, event.arguments, true);
            break;
          case 'response.custom_tool_call_input.done':
            stream(event.item_id, 0, event.input, true);
            break;
          case 'response.code_interpreter_call_code.done':
            stream(event.item_id, 0, event.code, true);
            break;
          default: {
            // Progress of a tool call: `response.web_search_call.searching` and the like.
            const status = PROGRESS[event.type];
            if (status) setStatus((event as { item_id: string }).item_id, status);
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
        list.clear();
        drafts.clear();
        announced.clear();
        done.clear();
      },
    };
  });
}

/** The status a progress event of a tool call reports. */
const PROGRESS: Readonly<Record<string, string>> = {
  'response.web_search_call.in_progress': 'in_progress',
  'response.web_search_call.searching': 'searching',
  'response.web_search_call.completed': 'completed',
  'response.file_search_call.in_progress': 'in_progress',
  'response.file_search_call.searching': 'searching',
  'response.file_search_call.completed': 'completed',
  'response.code_interpreter_call.in_progress': 'in_progress',
  'response.code_interpreter_call.interpreting': 'interpreting',
  'response.code_interpreter_call.completed': 'completed',
  'response.mcp_call.in_progress': 'in_progress',
  'response.mcp_call.completed': 'completed',
  'response.mcp_call.failed': 'failed',
};

/** The text an item has streamed so far, by part (`alt`: reasoning's raw text beside its summary). */
interface Draft {
  readonly parts: string[];
  readonly alt: string[];
}

/** `state` with the fields its draft makes: the text, summary, arguments, input or code streamed so far. */
function withDraft(state: ItemState, draft: Draft): ItemState {
  switch (state.type) {
    case 'message':
      return { ...state, text: joinParts(draft.parts, '') };
    case 'reasoning':
      return { ...state, summary: joinParts(draft.parts, '\n\n'), text: joinParts(draft.alt, '\n\n') };
    case 'function_call':
      return { ...state, arguments: draft.parts[0] ?? '' };
    case 'custom_tool_call':
      return { ...state, input: draft.parts[0] ?? '' };
    case 'mcp_call':
      return { ...state, arguments: draft.parts[0] ?? '' };
    case 'code_interpreter_call':
      return { ...state, code: draft.parts[0] ?? '' };
    default:
      return state;
  }
}

/** The parts joined; one part (the common case) is returned as it is, with no join on every delta. */
function joinParts(parts: readonly string[], separator: string): string {
  return parts.length === 1 ? (parts[0] ?? '') : parts.join(separator);
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
