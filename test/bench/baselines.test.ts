// The hand-written loops that BENCHMARKS.md compares the operators with must do the same work: the same rules,
// or a ratio says nothing. On generated streams with faults, each loop emits what its operator emits, and fails
// where it fails (the loops throw plain errors: only failing is compared, not the error's class). A loop reads
// one response, as each benchmark run gives it: streams that the faults turned into several (an event carrying
// a response after its terminal event starts another, see `ResponseBoundary`) are not compared.
import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { handFinalImages, handFinalImagesWithoutAnnounceCheck } from '../../bench/handwritten';
import { handFunctionCalls } from '../../bench/items';
import { functionCalls, withFinalImage } from '../../src/index';
import { functionCallScenario } from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';
import { caseArbitrary, mutate, mutationArbitrary, runSync, SEED } from '../reliability/support';

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** Whether the stream is one response: no event carrying a response after a terminal event. */
function oneResponse(events: readonly ResponseStreamEvent[]): boolean {
  let ended = false;
  for (const event of events) {
    if (ended && 'response' in event) return false;
    if (TERMINAL.has(event.type)) ended = true;
  }
  return true;
}

/** What a loop emitted before it ended, and whether it ended by throwing. */
function runLoop<T>(loop: (emit: (value: T) => void) => void): { values: T[]; errored: boolean } {
  const values: T[] = [];
  try {
    loop((value) => values.push(value));
    return { values, errored: false };
  } catch {
    return { values, errored: true };
  }
}

const faultCase = fc.record({
  base: caseArbitrary,
  mutations: fc.array(mutationArbitrary, { minLength: 0, maxLength: 4 }),
});

describe(`hand-written baselines (seed ${SEED})`, () => {
  it('handFinalImages emits the images withFinalImage emits, and fails where it fails', () => {
    fc.assert(
      fc.property(faultCase, ({ base, mutations }) => {
        const events = mutate(base.events, base.images, mutations);
        fc.pre(oneResponse(events));
        const ours = runSync(from(events).pipe(withFinalImage()));
        const hand = runLoop<{ itemId: string; b64: string }>((emit) => handFinalImages(events, emit));
        expect(hand.values.map((i) => [i.itemId, i.b64])).toEqual(ours.values.map((i) => [i.itemId, i.b64]));
        expect(hand.errored).toBe(ours.errored);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('the loop without the announced-image check is not the same work: it misses images withFinalImage reports', () => {
    let disagreements = 0;
    fc.assert(
      fc.property(faultCase, ({ base, mutations }) => {
        const events = mutate(base.events, base.images, mutations);
        const ours = runSync(from(events).pipe(withFinalImage()));
        const lighter = runLoop<unknown>((emit) => handFinalImagesWithoutAnnounceCheck(events, emit));
        if (lighter.errored !== ours.errored) disagreements++;
      }),
      { seed: SEED, numRuns: 600 },
    );
    expect(disagreements).toBeGreaterThan(0);
  });

  it('handFunctionCalls emits the calls functionCalls emits, and fails where it fails', () => {
    const callsCase = fc.record({
      calls: fc.integer({ min: 1, max: 4 }),
      order: fc.constantFrom('arguments-first', 'item-first', 'no-arguments-done') as fc.Arbitrary<
        'arguments-first' | 'item-first' | 'no-arguments-done'
      >,
      interleave: fc.boolean(),
      mutations: fc.array(mutationArbitrary, { minLength: 0, maxLength: 4 }),
      // A call that never finishes: nothing but its deltas (and its `output_item.added`, unless `deltasOnly`).
      vanish: fc.option(fc.record({ call: fc.nat(), deltasOnly: fc.boolean() })),
    });
    fc.assert(
      fc.property(callsCase, ({ calls, order, interleave, mutations, vanish }) => {
        const scenario = functionCallScenario({ calls, order, interleave, deltas: 3 });
        const clean = vanish
          ? vanishCall(scenario.events, scenario.calls[vanish.call % calls]!.itemId, vanish.deltasOnly)
          : scenario.events;
        const events: ResponseStreamEvent[] = mutate(clean, [], mutations);
        fc.pre(oneResponse(events));
        const ours = runSync(from(events).pipe(functionCalls()));
        const hand = runLoop<{ callId: string; arguments: string }>((emit) =>
          handFunctionCalls(events, emit),
        );
        expect(hand.values.map((c) => [c.callId, c.arguments])).toEqual(
          ours.values.map((c) => [c.callId, c.arguments]),
        );
        expect(hand.errored).toBe(ours.errored);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });
});

/** The events without any trace of the call but its deltas (and its `output_item.added`, unless `deltasOnly`). */
function vanishCall(
  events: readonly ResponseStreamEvent[],
  itemId: string,
  deltasOnly: boolean,
): ResponseStreamEvent[] {
  return events.flatMap((event): ResponseStreamEvent[] => {
    switch (event.type) {
      case 'response.output_item.added':
        return deltasOnly && event.item.id === itemId ? [] : [event];
      case 'response.function_call_arguments.done':
        return event.item_id === itemId ? [] : [event];
      case 'response.output_item.done':
        return event.item.id === itemId ? [] : [event];
      case 'response.completed':
        return [
          {
            ...event,
            response: {
              ...event.response,
              output: event.response.output.filter((item) => item.id !== itemId),
            },
          },
        ];
      default:
        return [event];
    }
  });
}
