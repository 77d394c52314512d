// Property tests of the item operators (functionCalls, customToolCalls, outputItems): generated interleavings of
// several calls' events, generated faults (duplicated, reordered, unknown, missing events, failures), and
// generated batches of responses with abandoned ones, checked against what must come out.
import fc from 'fast-check';
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { from } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CustomToolCall,
  customToolCalls,
  type FunctionCall,
  functionCalls,
  type ItemState,
  itemStates,
  type OutputItem,
  outputItems,
  RxOpenAIError,
} from '../../src/index';
import {
  codeInterpreterScenario,
  createEventFactory,
  customToolCallScenario,
  functionCallScenario,
  imageGenerationScenario,
  reasoningImageScenario,
  type ScenarioFunctionCall,
  type ToolCallEventOrder,
  webSearchScenario,
} from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';
import { type Mutation, mutate, pipeline, runSync, SEED, Tally, typedErrorName } from './support';

const ORDERS: ToolCallEventOrder[] = [
  'arguments-first',
  'item-first',
  'no-arguments-done',
  'item-in-response-completed-only',
];

/** One generated response of function calls, its events interleaved by `schedule`. */
interface CallsCase {
  readonly events: ResponseStreamEvent[];
  readonly calls: readonly ScenarioFunctionCall[];
  readonly order: ToolCallEventOrder;
}

const callSpecArbitrary = fc.record({
  name: fc.constantFrom('get_weather', 'get_time', 'search', 'book_table'),
  arguments: fc.json({ maxDepth: 2 }),
});

const callsCaseArbitrary: fc.Arbitrary<CallsCase> = fc
  .record({
    specs: fc.array(callSpecArbitrary, { minLength: 1, maxLength: 5 }),
    order: fc.constantFrom(...ORDERS),
    deltas: fc.integer({ min: 1, max: 5 }),
    schedule: fc.array(fc.nat({ max: 1000 }), { maxLength: 60 }),
    responseId: fc.constantFrom('resp_a', 'resp_b'),
  })
  .map(({ specs, order, deltas, schedule, responseId }) => {
    const scenario = functionCallScenario({ calls: specs, order, deltas, responseId });
    return { events: interleave(scenario.events, schedule), calls: scenario.calls, order };
  });

/**
 * The events with each item's lane (its events, by item id) interleaved according to `schedule`, each lane
 * keeping its order; `response.created` and `response.in_progress` stay first and `response.completed` last.
 * Sequence numbers are renumbered in the new order, as a server would send them.
 */
function interleave(
  events: readonly ResponseStreamEvent[],
  schedule: readonly number[],
): ResponseStreamEvent[] {
  const head: ResponseStreamEvent[] = [];
  const tail: ResponseStreamEvent[] = [];
  const lanes = new Map<string, ResponseStreamEvent[]>();
  for (const event of events) {
    if (event.type === 'response.created' || event.type === 'response.in_progress') head.push(event);
    else if (event.type === 'response.completed') tail.push(event);
    else {
      const key = itemIdOf(event) ?? 'other';
      lanes.set(key, [...(lanes.get(key) ?? []), event]);
    }
  }
  const pending = [...lanes.values()];
  const middle: ResponseStreamEvent[] = [];
  for (let step = 0; pending.some((lane) => lane.length > 0); step++) {
    const open = pending.filter((lane) => lane.length > 0);
    const pick = schedule.length > 0 ? schedule[step % schedule.length]! : 0;
    middle.push(open[pick % open.length]!.shift()!);
  }
  return [...head, ...middle, ...tail].map(
    (event, i) => ({ ...event, sequence_number: i }) as ResponseStreamEvent,
  );
}

function itemIdOf(event: ResponseStreamEvent): string | null {
  const withId = event as { item_id?: unknown; item?: { id?: unknown } };
  if (typeof withId.item_id === 'string') return withId.item_id;
  return typeof withId.item?.id === 'string' ? withId.item.id : null;
}

/**
 * The index of the event at which each call is finished, from the rules (not from the operator's code): its
 * `output_item.done`, or its `arguments.done` once its `output_item.added` came (whichever is first), else
 * `response.completed`.
 */
function finishIndexes(events: readonly ResponseStreamEvent[]): Map<string, number> {
  const added = new Map<string, number>();
  const argsDone = new Map<string, number>();
  const finished = new Map<string, number>();
  events.forEach((event, index) => {
    const id = itemIdOf(event);
    if (id === null || finished.has(id)) return;
    if (event.type === 'response.output_item.added') {
      added.set(id, index);
      if (argsDone.has(id)) finished.set(id, index);
    } else if (event.type === 'response.function_call_arguments.done') {
      argsDone.set(id, index);
      if (added.has(id)) finished.set(id, index);
    } else if (event.type === 'response.output_item.done') finished.set(id, index);
  });
  const completed = events.findIndex((e) => e.type === 'response.completed');
  for (const event of events)
    if (event.type === 'response.completed')
      for (const item of event.response.output)
        if (item.id && !finished.has(item.id)) finished.set(item.id, completed);
  return finished;
}

/** Runs a property with the suite's seed; a failure names the seed and the shrunk case in short. */
function check<T>(property: fc.IProperty<T>, numRuns: number): void {
  const details = fc.check(property, { seed: SEED, numRuns });
  if (!details.failed) return;
  const [value] = (details.counterexample ?? []) as unknown[];
  const short = JSON.stringify(value, (key, v) => {
    if (key === 'events' && Array.isArray(v))
      return v.map((e: ResponseStreamEvent) => `${e.type}${itemIdOf(e) ? `(${itemIdOf(e)})` : ''}`);
    return v;
  });
  const cause = details.errorInstance;
  throw new Error(
    `Property failed (seed ${SEED}, path "${details.counterexamplePath}", after ${details.numRuns} runs; replay with RELIABILITY_SEED=${SEED}).\nShrunk case: ${short?.slice(0, 4000)}\nCause: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

const tally = new Tally('items: generated interleavings, faults and batches');
afterAll(() => tally.report());

describe(`item operators on generated interleavings (seed ${SEED})`, () => {
  it('functionCalls: every call exactly once, paired and parsed, in the order calls finish', () => {
    check(
      fc.property(callsCaseArbitrary, (c) => {
        tally.cases++;
        const out = runSync(pipeline(c.events).pipe(functionCalls()));
        tally.outcome(
          out.completed ? 'functionCalls:complete' : `functionCalls:${typedErrorName(out.error)}`,
        );
        expect(out.error).toBeUndefined();
        const finish = finishIndexes(c.events);
        const expected = [...c.calls].sort(
          (a, b) => finish.get(a.itemId)! - finish.get(b.itemId)! || a.outputIndex - b.outputIndex,
        );
        expect(out.values.map((v) => v.itemId)).toEqual(expected.map((call) => call.itemId));
        for (const value of out.values) {
          const call = c.calls.find((k) => k.itemId === value.itemId)!;
          expect(value).toMatchObject({
            callId: call.callId,
            name: call.name,
            arguments: call.arguments,
            outputIndex: call.outputIndex,
            error: null,
          });
          expect(value.parsed).toEqual(JSON.parse(call.arguments));
          expect(value.item).toMatchObject({
            type: 'function_call',
            call_id: call.callId,
            arguments: call.arguments,
          });
        }
      }),
      500,
    );
  });

  it('outputItems: every item exactly once, at its done event or from response.completed', () => {
    check(
      fc.property(callsCaseArbitrary, (c) => {
        tally.cases++;
        const out = runSync(pipeline(c.events).pipe(outputItems()));
        expect(out.error).toBeUndefined();
        const doneOrder = c.events.flatMap((e) =>
          e.type === 'response.output_item.done' ? [e.item.id] : [],
        );
        const rest = c.calls.map((k) => k.itemId).filter((id) => !doneOrder.includes(id));
        expect(out.values.map((v: OutputItem) => v.item.id)).toEqual([...doneOrder, ...rest]);
      }),
      300,
    );
  });

  it('customToolCalls: every call exactly once with its input, interleaved', () => {
    const caseArbitrary = fc.record({
      inputs: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      order: fc.constantFrom(...ORDERS),
      schedule: fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }),
    });
    check(
      fc.property(caseArbitrary, ({ inputs, order, schedule }) => {
        tally.cases++;
        const scenario = customToolCallScenario({
          calls: inputs.map((input) => ({ name: 'shell', input })),
          order,
        });
        const out = runSync(pipeline(interleave(scenario.events, schedule)).pipe(customToolCalls()));
        expect(out.error).toBeUndefined();
        const got = [...out.values].sort(
          (a: CustomToolCall, b: CustomToolCall) => a.outputIndex - b.outputIndex,
        );
        expect(got.map((v) => [v.callId, v.input])).toEqual(scenario.calls.map((k) => [k.callId, k.input]));
      }),
      300,
    );
  });
});

describe(`item operators on generated faults (seed ${SEED})`, () => {
  const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({
      kind: fc.constant('unknown' as const),
      at: fc.nat(),
      type: fc.constantFrom(
        'keepalive',
        'response.future_event',
        'response.function_call_arguments.future',
        '',
      ),
    }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('failureEvent' as const),
      at: fc.nat(),
      which: fc.constantFrom('error' as const, 'response.failed' as const, 'response.incomplete' as const),
    }),
  );
  const faultCase = fc.record({
    base: callsCaseArbitrary,
    mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
    /** `response.completed` without its output (a relay that trims it): the last resort is gone. */
    stripOutput: fc.boolean(),
  });

  it('functionCalls: the right calls or a typed error; never wrong arguments, a duplicate or a silent drop', () => {
    check(
      fc.property(faultCase, ({ base, mutations, stripOutput }) => {
        tally.cases++;
        for (const m of mutations) tally.fault(m.kind);
        if (stripOutput) tally.fault('stripOutput');
        // One response: a response.created after a terminal event of the same response is a replay from the
        // start (a new response, whose calls are emitted again), which the batch property covers; so lifecycle
        // events are kept only from the first response.created on, and it stays the only one.
        const mutated = mutate(base.events, [], mutations).map((e) =>
          stripOutput && e.type === 'response.completed'
            ? { ...e, response: { ...e.response, output: [] } }
            : e,
        );
        const first = mutated.findIndex((e) => e.type === 'response.created');
        const events = mutated.filter(
          (e, i) => !('response' in e) || (i >= first && (e.type !== 'response.created' || i === first)),
        );
        const out = runSync(pipeline(events).pipe(functionCalls()));
        tally.outcome(
          out.completed ? 'functionCalls:complete' : `functionCalls:${typedErrorName(out.error)}`,
        );

        const seen = new Set<string>();
        for (const value of out.values as FunctionCall[]) {
          expect(seen.has(value.itemId), `${value.itemId} emitted twice`).toBe(false);
          seen.add(value.itemId);
          const call = base.calls.find((k) => k.itemId === value.itemId)!;
          expect([value.callId, value.name, value.arguments]).toEqual([
            call.callId,
            call.name,
            call.arguments,
          ]);
        }
        const spokenOf = new Set(
          events.flatMap((e) => (itemIdOf(e)?.startsWith('fc_') ? [itemIdOf(e)!] : [])),
        );
        for (const e of events)
          if (e.type === 'response.completed')
            for (const item of e.response.output) if (item.id) spokenOf.add(item.id);
        if (out.completed) {
          // No silent drop: every call the stream spoke of is emitted.
          expect(seen).toEqual(spokenOf);
        } else {
          expect(out.error).toBeInstanceOf(RxOpenAIError);
          const name = typedErrorName(out.error);
          expect([
            'MissingOutputItemError',
            'TruncatedStreamError',
            'ResponseFailedError',
            'ResponseIncompleteError',
            'ResponseStreamError',
          ]).toContain(name);
          if (name === 'MissingOutputItemError') {
            const missing = (out.error as { itemId: string }).itemId;
            expect(spokenOf.has(missing)).toBe(true);
            expect(seen.has(missing)).toBe(false);
          }
        }
      }),
      1_000,
    );
  });
});

describe(`item operators on generated batches of responses (seed ${SEED})`, () => {
  const batchArbitrary = fc.array(
    fc.record({
      specs: fc.array(callSpecArbitrary, { minLength: 1, maxLength: 3 }),
      order: fc.constantFrom(...ORDERS),
      /** Abandoned after this many events (a retry re-sends the request: a new response), or kept whole. */
      abandonAfter: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 5 },
  );

  it("functionCalls and outputItems: each finished response's calls, nothing from the abandoned ones", () => {
    check(
      fc.property(batchArbitrary, (batch) => {
        tally.cases++;
        const events: ResponseStreamEvent[] = [];
        /** What functionCalls must emit (call ids, in order), and what outputItems must (item ids). */
        const expectedCalls: string[] = [];
        const expectedItems: string[] = [];
        const push = (part: ResponseStreamEvent[], calls: readonly ScenarioFunctionCall[]) => {
          events.push(...part);
          // What finished before the cut was emitted (it cannot be taken back); the rest of it is dropped.
          const finish = finishIndexes(part);
          const finished = calls.filter((k) => finish.has(k.itemId));
          finished.sort((a, b) => finish.get(a.itemId)! - finish.get(b.itemId)!);
          expectedCalls.push(...finished.map((k) => k.callId));
          const done = part.flatMap((e) => (e.type === 'response.output_item.done' ? [e.item.id!] : []));
          const rest = part.some((e) => e.type === 'response.completed')
            ? calls.map((k) => k.itemId).filter((id) => !done.includes(id))
            : [];
          expectedItems.push(...done, ...rest);
        };
        batch.forEach((response, n) => {
          const scenario = functionCallScenario({
            calls: response.specs,
            order: response.order,
            responseId: `resp_${n}`,
          });
          if (response.abandonAfter === null) {
            push(scenario.events, scenario.calls);
            return;
          }
          // Cut before its terminal event, then retried: a new request, a new response id, which finishes.
          tally.outcome('batch:abandoned');
          push(
            scenario.events.slice(0, Math.min(response.abandonAfter, scenario.events.length - 1)),
            scenario.calls,
          );
          const retried = functionCallScenario({
            calls: response.specs,
            order: response.order,
            responseId: `resp_${n}_r`,
          });
          push(retried.events, retried.calls);
        });
        const out = runSync(pipeline(events).pipe(functionCalls()));
        expect(out.error).toBeUndefined();
        expect(out.values.map((v) => v.callId)).toEqual(expectedCalls);
        const items = runSync(pipeline(events).pipe(outputItems('function_call')));
        expect(items.error).toBeUndefined();
        expect(items.values.map((v) => v.item.id)).toEqual(expectedItems);
      }),
      300,
    );
  });
});

/** Several kinds of items in one response: the kit's scenarios' items, their output indexes shifted, interleaved. */
const KINDS = ['functionCalls', 'reasoningImage', 'webSearch', 'codeInterpreter', 'imageWithText'] as const;

function mixedResponse(
  kinds: readonly (typeof KINDS)[number][],
  schedule: readonly number[],
): ResponseStreamEvent[] {
  const e = createEventFactory({ responseId: 'resp_mixed' });
  const body: ResponseStreamEvent[] = [];
  const output: ResponseOutputItem[] = [];
  for (const kind of kinds) {
    const events =
      kind === 'functionCalls'
        ? functionCallScenario({ calls: 2, interleave: true }).events
        : kind === 'reasoningImage'
          ? reasoningImageScenario().events
          : kind === 'webSearch'
            ? webSearchScenario().events
            : kind === 'codeInterpreter'
              ? codeInterpreterScenario().events
              : imageGenerationScenario({ images: 1, partials: 2, text: 'One.' }).events;
    const offset = output.length;
    // The scenarios number their items alike (msg_0001...): each kind's ids get its name.
    const rename = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replace(/"(id|item_id)":"([^"]+)"/g, `"$1":"${kind}_$2"`));
    for (const original of events) {
      const event = original.type === 'response.completed' ? original : rename(original);
      if (event.type === 'response.completed') output.push(...event.response.output.map(rename));
      else if (event.type !== 'response.created' && event.type !== 'response.in_progress')
        body.push(
          'output_index' in event
            ? ({ ...event, output_index: event.output_index + offset } as ResponseStreamEvent)
            : event,
        );
    }
  }
  return interleave([e.created(), e.inProgress(), ...body, e.completed({ output })], schedule);
}

describe(`itemStates on generated responses of several item kinds (seed ${SEED})`, () => {
  const tally = new Tally('items: itemStates over mixed responses');
  afterAll(() => tally.report());

  it('every list is ordered, each item grows toward its final state, and the last list is the final output', () => {
    const mixedCase = fc.record({
      kinds: fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 5 }),
      schedule: fc.array(fc.nat({ max: 1000 }), { maxLength: 80 }),
    });
    fc.assert(
      fc.property(mixedCase, ({ kinds, schedule }) => {
        tally.cases++;
        for (const kind of kinds) tally.fault(kind);
        const events = mixedResponse(kinds, schedule);
        const final = (events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>)
          .response;
        const lists: (readonly ItemState[])[] = [];
        let error: unknown;
        from(events)
          .pipe(itemStates())
          .subscribe({ next: (list) => lists.push(list), error: (e: unknown) => (error = e) });
        tally.outcome(error ? `error:${typedErrorName(error)}` : 'complete');
        expect(error).toBeUndefined();
        for (const list of lists)
          for (let i = 1; i < list.length; i++)
            expect(list[i]!.outputIndex).toBeGreaterThan(list[i - 1]!.outputIndex);
        // Arguments and text only ever grow.
        const seen = new Map<string, string>();
        for (const list of lists)
          for (const state of list) {
            const grown =
              state.type === 'function_call' ? state.arguments : state.type === 'message' ? state.text : null;
            if (grown === null) continue;
            expect(grown.startsWith(seen.get(state.itemId) ?? '')).toBe(true);
            seen.set(state.itemId, grown);
          }
        const last = lists.at(-1)!;
        expect(last.map((s) => [s.itemId, s.type])).toEqual(final.output.map((item) => [item.id, item.type]));
        for (const [k, state] of last.entries()) {
          const item = final.output[k]!;
          if (state.type === 'image_generation_call') {
            expect(state.status).toBe('completed');
            expect(state.b64).toBe(item.type === 'image_generation_call' ? item.result : undefined);
          } else expect((state as { item: unknown }).item).toEqual(item);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
