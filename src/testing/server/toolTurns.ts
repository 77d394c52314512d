import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { MockScenario } from './scenario';
import type { MockRequestInfo } from './startMockResponsesServer';

/**
 * A multi-turn tool conversation for the local server (`startMockResponsesServer({ scenario })`): each request
 * is answered with the turn its input has reached, keyed by the `function_call_output` items it carries, as the
 * API keys a conversation by the outputs of the calls it asked for.
 *
 * Turn 0 answers a request with no call output; turn `k` answers one whose outputs answer exactly every
 * `function_call` of turns 0 to `k - 1` (their `call_id`s, read from each turn's events). A request that answers
 * some calls but not all of a turn is refused with HTTP 400 and the API's message, `No tool output found for
 * function call <call_id>.`; one that answers a call no turn made, with `No tool call found for function call
 * output with call_id <call_id>.` So a tool loop can be tested end to end, its mistakes included.
 *
 * @example
 * ```ts
 * import { createEventFactory, imageGenerationEvents, startMockResponsesServer, toolTurnsScenario } from 'rxjs-openai/testing';
 *
 * const server = await startMockResponsesServer({
 *   scenario: toolTurnsScenario([weatherCallEvents, imageGenerationEvents({ images: 1 })]),
 * });
 * ```
 *
 * @param turns Each turn's events (or a whole scenario, whose `events` are read for its calls), in order.
 * @return The `scenario` function to give the server.
 */
export function toolTurnsScenario(
  turns: readonly (readonly ResponseStreamEvent[] | MockScenario)[],
): (request: MockRequestInfo) => MockScenario {
  const scenarios = turns.map((turn): MockScenario => (isEventList(turn) ? { events: turn } : turn));
  /** The call ids each turn makes. */
  const callsOf = scenarios.map((scenario) => callIdsIn(scenario.events ?? []));
  /** Every call id of the conversation: an output for another is a stray. */
  const known = new Set(callsOf.flat());
  return (request) => {
    const answered = outputCallIds(request.body);
    if (answered.length === 0) return scenarios[0] ?? {};
    const stray = answered.find((id) => !known.has(id));
    if (stray !== undefined)
      return refuse(`No tool call found for function call output with call_id ${stray}.`);
    // The turn reached: the first whose calls, with all before it, are all answered.
    const answeredSet = new Set(answered);
    let asked: string[] = [];
    for (let turn = 1; turn < scenarios.length; turn++) {
      asked = [...asked, ...(callsOf[turn - 1] ?? [])];
      const missing = asked.find((id) => !answeredSet.has(id));
      if (missing !== undefined) return refuse(`No tool output found for function call ${missing}.`);
      const next = callsOf[turn] ?? [];
      if (!next.some((id) => answeredSet.has(id))) return scenarios[turn]!;
    }
    return refuse('The conversation has no turn after the last one.');
  };
}

function isEventList(
  turn: readonly ResponseStreamEvent[] | MockScenario,
): turn is readonly ResponseStreamEvent[] {
  return Array.isArray(turn);
}

function refuse(message: string): MockScenario {
  return { status: 400, error: { message, type: 'invalid_request_error', param: 'input', code: null } };
}

/** The `call_id`s of the function calls a turn's events make (their done items, or `response.completed`'s output). */
function callIdsIn(events: readonly ResponseStreamEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const items =
      event.type === 'response.output_item.done'
        ? [event.item]
        : event.type === 'response.completed'
          ? event.response.output
          : [];
    for (const item of items) if (item.type === 'function_call') ids.add(item.call_id);
  }
  return [...ids];
}

/** The `call_id`s of the `function_call_output` items of a request body's `input`. */
function outputCallIds(body: unknown): string[] {
  const input = (body as { input?: unknown } | null)?.input;
  if (!Array.isArray(input)) return [];
  return input.flatMap((item) => {
    const output = item as { type?: unknown; call_id?: unknown };
    return output.type === 'function_call_output' && typeof output.call_id === 'string'
      ? [output.call_id]
      : [];
  });
}
