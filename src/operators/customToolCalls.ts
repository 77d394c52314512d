import type { ResponseCustomToolCall } from 'openai/resources/responses/responses';
import { Observable, type OperatorFunction } from 'rxjs';
import { type CallFormat, CallsObserver } from '../internal/CallPairing';
import { CUSTOM_INPUT_DELTA, CUSTOM_INPUT_DONE } from '../internal/eventKind';
import type { ResponseStreamEvent } from '../types';

/** A finished custom tool call: its call id, name and free-form input. Emitted by `customToolCalls()`. */
export interface CustomToolCall {
  /** The call's `call_id`: answer it with a `custom_tool_call_output` item carrying the same id. */
  readonly callId: string;
  /** The custom tool's name. */
  readonly name: string;
  /** The input as the model wrote it: free text (or text in the tool's grammar), never parsed. */
  readonly input: string;
  /** The custom tool call's item id (`ctc_...`). */
  readonly itemId: string;
  /** The item's index in the response's `output`. */
  readonly outputIndex: number;
  /**
   * The `custom_tool_call` item: the one `response.output_item.done` carried when it came first; else the item
   * `response.output_item.added` announced, with the final `input` filled in.
   */
  readonly item: ResponseCustomToolCall;
}

const CUSTOM_TOOL_CALL: CallFormat<ResponseCustomToolCall> = {
  itemType: 'custom_tool_call',
  deltaKind: CUSTOM_INPUT_DELTA,
  doneKind: CUSTOM_INPUT_DONE,
  textField: 'input',
};

/**
 * Emits each finished custom tool call (a tool declared with `type: 'custom'`) with its call id, name and input.
 *
 * Paired like `functionCalls()`: `response.output_item.added` has the `call_id` and `name`,
 * `response.custom_tool_call_input.done` the final `input` with only the item id, `response.output_item.done`
 * everything; in either order, interleaved, each call once, as soon as its parts are known, in the order calls
 * finish, and from `response.completed`'s output as a last resort. The input is free text, so nothing is parsed
 * or validated.
 *
 * - A call announced that never finishes errors with `MissingOutputItemError`; a done item with status
 *   `incomplete` is never emitted with its cut input.
 * - `response.failed`, `response.incomplete` and `error` error with the typed errors; unknown events are ignored.
 * - State belongs to one response: an abandoned response's unfinished calls are dropped; input deltas are never
 *   held; at most 4096 calls per response.
 *
 * ```
 * source:  --added(c)--inputDelta--inputDone(c)--done(c)--completed|
 * result:  -----------------------c-------------------------------|
 * ```
 *
 * @example
 * ```ts
 * import { customToolCalls, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'Run SELECT 1', tools: [{ type: 'custom', name: 'sql' }] })
 *   .pipe(customToolCalls())
 *   .subscribe(({ callId, name, input }) => console.log(callId, name, input));
 * ```
 *
 * @return An operator from the response's events to its finished custom tool calls.
 * @see functionCalls for JSON function calls, parsed and validated
 * @see outputItems for every item as it finishes
 */
export function customToolCalls(): OperatorFunction<ResponseStreamEvent, CustomToolCall> {
  return (source) =>
    new Observable<CustomToolCall>((subscriber) => {
      source.subscribe(
        new CallsObserver(subscriber, CUSTOM_TOOL_CALL, (call) =>
          subscriber.next({
            callId: call.callId,
            name: call.name,
            input: call.text,
            itemId: call.itemId,
            outputIndex: call.outputIndex,
            item: call.item,
          }),
        ),
      );
    });
}
