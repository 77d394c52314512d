import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import type { OperatorFunction } from 'rxjs';
import { McpCallError, MissingOutputItemError, RxOpenAIError } from '../errors';
import { failureOf, forFinishedItems } from '../internal/events';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import { operatePerResponse } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';

/** An `mcp_call` output item: a tool the API ran on a remote MCP server, with its arguments and output. */
export type McpCallItem = Extract<ResponseOutputItem, { type: 'mcp_call' }>;

/** A finished MCP tool call. Emitted by `mcpCalls()`. */
export interface McpCall {
  /** The MCP tool's name. */
  readonly name: string;
  /** The label of the MCP server that ran it. */
  readonly serverLabel: string;
  /** The arguments the model passed (a JSON string, as the API gives it). */
  readonly arguments: string;
  /** What the tool returned, or `null`. */
  readonly output: string | null;
  /** The MCP call's item id (`mcp_...`). */
  readonly itemId: string;
  /** The item's index in the response's `output`. */
  readonly outputIndex: number;
  /** The `mcp_call` item, as `response.output_item.done` (or `response.completed`) carried it. */
  readonly item: McpCallItem;
  /** Why the call failed, with `mcpCalls({ failed: 'emit' })`; `null` for a call that succeeded. */
  readonly error: McpCallError | null;
}

/** Options of {@link mcpCalls}. */
export interface McpCallsOptions {
  /**
   * `error` (default): a failed call errors the stream with `McpCallError`. `emit`: it is emitted with `error`
   * set, and the stream goes on (the model sees the failure and usually carries on).
   */
  readonly failed?: 'error' | 'emit';
}

/**
 * Emits each finished MCP tool call (a tool the API runs on a remote MCP server) with its output.
 *
 * An MCP call is done when its output is known: at its `response.output_item.done`, or from
 * `response.completed`'s `response.output` when no done event came. `response.mcp_call_arguments.delta/.done`,
 * `response.mcp_call.in_progress/.completed/.failed` announce it by item id; the name and server label come
 * from `response.output_item.added`. Each call is emitted once, in the order calls finish.
 *
 * - A failed call (`response.mcp_call.failed`, or an item with status `failed` or an `error`) errors with
 *   `McpCallError` (item id, tool name, server label, and the item's `error` as `detail`, read from its done
 *   item when that comes), or, with `{ failed: 'emit' }`, is emitted with `error` set.
 * - A call announced that never finishes errors with `MissingOutputItemError`; one that failed without a done
 *   item errors with `McpCallError`.
 * - `response.failed`, `response.incomplete` and `error` error with the typed errors; unknown events are ignored.
 * - State belongs to one response: an abandoned response's unfinished calls are dropped; argument deltas are
 *   never held; at most 4096 calls per response.
 *
 * ```
 * source:  --added(m)--argsDone(m)--completed(m)--done(m)--completed|
 * result:  -----------------------------------------m---------------|
 * ```
 *
 * @example
 * ```ts
 * import { mcpCalls, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'Roll 2d6', tools: [{ type: 'mcp', server_label: 'dice', server_url, require_approval: 'never' }] })
 *   .pipe(mcpCalls({ failed: 'emit' }))
 *   .subscribe((call) => console.log(call.serverLabel, call.name, call.error ? call.error.message : call.output));
 * ```
 *
 * @param options `failed`: `error` (default) or `emit`.
 * @return An operator from the response's events to its finished MCP calls.
 * @see functionCalls for the calls your code answers
 * @see outputItems for every item as it finishes
 */
export function mcpCalls(options: McpCallsOptions = {}): OperatorFunction<ResponseStreamEvent, McpCall> {
  const emitFailed = options.failed === 'emit';
  return operatePerResponse<McpCall>((subscriber) => {
    /** Calls seen and not finished: where they are, what `output_item.added` said, whether one failed. */
    const pending = new Map<
      string,
      { outputIndex: number; name: string | null; serverLabel: string | null; failed: boolean }
    >();
    /** Ids of the calls emitted (or failed), so that late or repeated events are ignored. */
    const settled = new Set<string>();

    const track = () => {
      if (pending.size + settled.size >= MAX_ITEMS_PER_RESPONSE) {
        throw new RxOpenAIError(
          `More than ${MAX_ITEMS_PER_RESPONSE} MCP calls in one response: refusing to track more.`,
        );
      }
    };
    const pendingOf = (itemId: string, outputIndex: number) => {
      let entry = pending.get(itemId);
      if (!entry) {
        track();
        entry = { outputIndex, name: null, serverLabel: null, failed: false };
        pending.set(itemId, entry);
      }
      return entry;
    };
    const finish = (item: McpCallItem, outputIndex: number) => {
      const itemId = item.id;
      if (settled.has(itemId)) return;
      const entry = pending.get(itemId);
      const failed = entry?.failed === true || item.status === 'failed' || hasError(item.error);
      // Cut short (its response is incomplete): its response's terminal event decides.
      if (!failed && item.status === 'incomplete') {
        pendingOf(itemId, outputIndex);
        return;
      }
      pending.delete(itemId);
      track();
      settled.add(itemId);
      const error = failed
        ? new McpCallError(itemId, outputIndex, item.name, item.server_label, item.error ?? null)
        : null;
      if (error && !emitFailed) throw error;
      subscriber.next({
        name: item.name,
        serverLabel: item.server_label,
        arguments: item.arguments,
        output: item.output ?? null,
        itemId,
        outputIndex,
        item,
        error,
      });
    };
    const checkFinished = () => {
      for (const [itemId, entry] of pending) {
        if (entry.failed) throw new McpCallError(itemId, entry.outputIndex, entry.name, entry.serverLabel);
        throw new MissingOutputItemError(itemId, entry.outputIndex, 'mcp_call');
      }
    };

    return {
      next(event) {
        switch (event.type) {
          case 'response.output_item.added': {
            const item = event.item;
            if (!isMcpCall(item) || settled.has(item.id)) return;
            const entry = pendingOf(item.id, event.output_index);
            entry.name = item.name;
            entry.serverLabel = item.server_label;
            return;
          }
          case 'response.mcp_call_arguments.delta':
          case 'response.mcp_call_arguments.done':
          case 'response.mcp_call.in_progress':
          case 'response.mcp_call.completed':
            if (!settled.has(event.item_id)) pendingOf(event.item_id, event.output_index);
            return;
          case 'response.mcp_call.failed':
            if (!settled.has(event.item_id)) pendingOf(event.item_id, event.output_index).failed = true;
            return;
          case 'response.output_item.done':
          case 'response.completed': {
            const completed = forFinishedItems(event, (item, outputIndex) => {
              if (isMcpCall(item)) finish(item, outputIndex);
            });
            if (completed) checkFinished();
            return;
          }
          default: {
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

function isMcpCall(item: ResponseOutputItem | null | undefined): item is McpCallItem {
  return item != null && item.type === 'mcp_call';
}

/** Whether an item's `error` says something (an object with SDK 7, a string with SDK 6). */
function hasError(error: unknown): boolean {
  return typeof error === 'string' ? error !== '' : error != null;
}
