// Property tests of the image operators: generated interleavings of several images' events, and generated
// faults (duplicated, reordered, unknown, missing events, failures), checked against what must come out.
import fc from 'fast-check';
import { connect, merge, type Observable } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type FinalImage,
  type ImageState,
  imageStates,
  type PartialImage,
  partialAndFinalImages,
  partialImages,
  RxOpenAIError,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import { fakeResponsesClient, type ImageEventOrder, type ScenarioImage } from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';
import {
  FAILURE_ERROR,
  FAILURE_TYPES,
  type GeneratedCase,
  imageItemsOf,
  interleavedCase,
  type Mutation,
  mutate,
  SEED,
  Tally,
  typedErrorName,
} from './support';

const ORDERS: ImageEventOrder[] = [
  'completed-first',
  'item-first',
  'no-completed-event',
  'bytes-in-response-completed',
];

const caseArbitrary = fc
  .record({
    images: fc.integer({ min: 1, max: 5 }),
    partials: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
    order: fc.constantFrom(...ORDERS),
    text: fc.boolean(),
    schedule: fc.array(fc.nat({ max: 1000 }), { minLength: 0, maxLength: 60 }),
  })
  .map(interleavedCase);

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('unknown' as const),
    at: fc.nat(),
    type: fc.constantFrom('keepalive', 'response.future_event', 'response.image_generation_call.future', ''),
  }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('stripBytes' as const), image: fc.nat() }),
  fc.record({
    kind: fc.constant('failureEvent' as const),
    at: fc.nat(),
    which: fc.constantFrom('error' as const, 'response.failed' as const, 'response.incomplete' as const),
  }),
  fc.record({ kind: fc.constant('failImage' as const), image: fc.nat() }),
);

/** How a run ended; the runs here are synchronous (the fake client serves arrays synchronously). */
interface Outcome<T> {
  values: T[];
  error: unknown;
  errored: boolean;
  completed: boolean;
}

function runSync<T>(source: Observable<T>): Outcome<T> {
  const outcome: Outcome<T> = { values: [], error: undefined, errored: false, completed: false };
  source.subscribe({
    next: (value) => outcome.values.push(value),
    error: (error: unknown) => {
      outcome.error = error;
      outcome.errored = true;
    },
    complete: () => {
      outcome.completed = true;
    },
  });
  if (!outcome.errored && !outcome.completed) throw new Error('the run did not end synchronously');
  return outcome;
}

/** The events through the whole pipeline a user runs: `streamResponse` (which checks for a terminal event). */
function pipeline(events: readonly ResponseStreamEvent[]): Observable<ResponseStreamEvent> {
  return streamResponse(fakeResponsesClient(events), { model: 'gpt-5', input: 'generated' });
}

function expectedBytes(images: readonly ScenarioImage[]): Map<string, string> {
  return new Map(images.map((image) => [image.itemId, image.b64]));
}

/**
 * Runs a property with the suite's seed; a failure names the seed, the path to replay it, and the shrunk
 * case in short (its image lanes, its event types and its faults), not the whole event objects.
 */
function check<T>(property: fc.IProperty<T>, numRuns: number): void {
  const details = fc.check(property, { seed: SEED, numRuns });
  if (!details.failed) return;
  const [value] = (details.counterexample ?? []) as unknown[];
  const short = JSON.stringify(value, (key, v) => {
    if (key === 'events' && Array.isArray(v))
      return v.map((e: ResponseStreamEvent) => `${e.type}${'item_id' in e ? `(${e.item_id})` : ''}`);
    return v;
  });
  const cause = details.errorInstance;
  throw new Error(
    `Property failed (seed ${SEED}, path "${details.counterexamplePath}", after ${details.numRuns} runs; replay with RELIABILITY_SEED=${SEED}).\nShrunk case: ${short.slice(0, 4000)}\nCause: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

const interleavings = new Tally('operators: generated interleavings');
const faults = new Tally('operators: generated faults');
afterAll(() => {
  interleavings.report();
  faults.report();
});

describe(`operators on generated interleavings (seed ${SEED})`, () => {
  it('withFinalImage: exactly one final image per item, with its bytes, whatever the interleaving', () => {
    check(
      fc.property(caseArbitrary, (c: GeneratedCase) => {
        interleavings.cases++;
        const out = runSync(pipeline(c.events).pipe(withFinalImage()));
        interleavings.outcome(out.completed ? 'withFinalImage:complete' : 'withFinalImage:error');
        expect(out.error).toBeUndefined();
        expect(out.completed).toBe(true);
        const bytes = expectedBytes(c.images);
        expect(out.values.map((i) => i.itemId).sort()).toEqual([...bytes.keys()].sort());
        for (const image of out.values) {
          expect(image.b64).toBe(bytes.get(image.itemId));
          expect(image.item.id).toBe(image.itemId);
          expect(image.outputIndex).toBe(c.images.find((i) => i.itemId === image.itemId)!.outputIndex);
          // The completion event is attached exactly when it came before the bytes.
          if (c.order === 'completed-first' || c.order === 'bytes-in-response-completed')
            expect(image.completed?.item_id).toBe(image.itemId);
          else expect(image.completed).toBeNull();
        }
      }),
      400,
    );
  });

  it('imageStates: ends with every image completed with its bytes and its count of previews', () => {
    check(
      fc.property(caseArbitrary, (c: GeneratedCase) => {
        interleavings.cases++;
        const out = runSync(pipeline(c.events).pipe(imageStates()));
        interleavings.outcome(out.completed ? 'imageStates:complete' : 'imageStates:error');
        expect(out.error).toBeUndefined();
        const last = out.values.at(-1)!;
        expect(last.map((s) => s.itemId)).toEqual(c.images.map((i) => i.itemId));
        for (const [k, state] of last.entries()) {
          const image = c.images[k]!;
          expect(state.status).toBe('completed');
          expect(state.b64).toBe(image.b64);
          expect(state.final?.b64).toBe(image.b64);
          expect(state.partials).toBe(image.partials.length);
        }
        // Every list on the way shows, for each image, either nothing yet, one of its previews, or its bytes.
        for (const list of out.values) assertStatesPlausible(list, c.images);
      }),
      300,
    );
  });

  it('partialImages: every preview of every image, in its order, and nothing else', () => {
    check(
      fc.property(caseArbitrary, (c: GeneratedCase) => {
        interleavings.cases++;
        const out = runSync(pipeline(c.events).pipe(partialImages()));
        interleavings.outcome(out.completed ? 'partialImages:complete' : 'partialImages:error');
        expect(out.completed).toBe(true);
        for (const image of c.images) {
          const got = out.values.filter((p) => p.itemId === image.itemId);
          expect(got.map((p) => p.b64)).toEqual(image.partials);
          expect(got.map((p) => p.index)).toEqual(image.partials.map((_, i) => i));
        }
        expect(out.values.length).toBe(c.images.reduce((n, i) => n + i.partials.length, 0));
      }),
      300,
    );
  });
});

describe(`operators on generated faults (seed ${SEED})`, () => {
  const faultCase = fc.record({
    base: caseArbitrary,
    mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
  });

  it('partialAndFinalImages: exactly what partialImages and withFinalImage emit merged over one source, in order, ending alike', () => {
    const anyCase = fc.oneof(
      caseArbitrary.map((base) => ({ base, mutations: [] as Mutation[] })),
      faultCase,
    );
    check(
      fc.property(anyCase, ({ base, mutations }) => {
        faults.cases++;
        for (const m of mutations) faults.fault(m.kind);
        const events = mutate(base.events, base.images, mutations);
        const onePass = runSync(pipeline(events).pipe(partialAndFinalImages()));
        // The reference: the two operators on one request (`connect` subscribes both before the source runs).
        const merged = runSync(
          pipeline(events).pipe(
            connect((shared) => merge(shared.pipe(withFinalImage()), shared.pipe(partialImages()))),
          ),
        );
        faults.outcome(
          `partialAndFinalImages:${onePass.errored ? typedErrorName(onePass.error) : 'complete'}`,
        );
        expect(onePass.values).toEqual(merged.values);
        expect([onePass.completed, onePass.errored]).toEqual([merged.completed, merged.errored]);
        if (merged.errored) {
          expect(typedErrorName(onePass.error)).toBe(typedErrorName(merged.error));
          expect((onePass.error as Error).message).toBe((merged.error as Error).message);
        }
      }),
      1_000,
    );
  });

  it('withFinalImage: the right images or the right typed error; never wrong bytes, a duplicate or a silent drop', () => {
    check(
      fc.property(faultCase, ({ base, mutations }) => {
        faults.cases++;
        for (const m of mutations) faults.fault(m.kind);
        const events = mutate(base.events, base.images, mutations);
        const out = runSync(pipeline(events).pipe(withFinalImage()));
        const expected = expectedFinalOutcome(events);
        faults.outcome(`withFinalImage:${out.errored ? typedErrorName(out.error) : 'complete'}`);

        assertNoWrongOrDuplicateImages(out.values, base.images);
        if (expected.error === null) {
          expect(out.error).toBeUndefined();
          // No silent drop: every image the stream spoke of is emitted.
          expect(new Set(out.values.map((i) => i.itemId))).toEqual(expected.ids);
        } else {
          expect(out.completed).toBe(false);
          expect(out.error).toBeInstanceOf(RxOpenAIError);
          expect((out.error as Error).name).toBe(expected.error);
          if (expected.error === 'MissingImageError')
            expect(expected.missing).toContain((out.error as { itemId: string }).itemId);
        }
      }),
      1_500,
    );
  });

  it('imageStates: failed images shown as failed, the others completed with their bytes, or the typed error', () => {
    check(
      fc.property(faultCase, ({ base, mutations }) => {
        faults.cases++;
        for (const m of mutations) faults.fault(m.kind);
        const events = mutate(base.events, base.images, mutations);
        const out = runSync(pipeline(events).pipe(imageStates()));
        const expected = expectedStatesOutcome(events);
        faults.outcome(`imageStates:${out.errored ? typedErrorName(out.error) : 'complete'}`);

        for (const list of out.values) assertStatesPlausible(list, base.images);
        if (expected.error === null) {
          expect(out.error).toBeUndefined();
          const last = out.values.at(-1) ?? [];
          const bytes = expectedBytes(base.images);
          expect(new Set(last.map((s) => s.itemId))).toEqual(expected.ids);
          for (const state of last) {
            if (expected.failed.has(state.itemId)) {
              expect(state.status).toBe('failed');
              expect(state.error?.name).toBe('ImageGenerationError');
            } else {
              expect(state.status).toBe('completed');
              expect(state.b64).toBe(bytes.get(state.itemId));
            }
          }
        } else {
          expect(out.completed).toBe(false);
          expect(out.error).toBeInstanceOf(RxOpenAIError);
          expect((out.error as Error).name).toBe(expected.error);
        }
      }),
      1_000,
    );
  });

  it('partialImages: only previews of the right image, none after the image is done', () => {
    check(
      fc.property(faultCase, ({ base, mutations }) => {
        faults.cases++;
        for (const m of mutations) faults.fault(m.kind);
        const events = mutate(base.events, base.images, mutations);
        const out = runSync(pipeline(events).pipe(partialImages()));
        faults.outcome(`partialImages:${out.errored ? typedErrorName(out.error) : 'complete'}`);

        const terminal = events.some((e) =>
          ['response.completed', 'response.failed', 'response.incomplete'].includes(e.type),
        );
        if (terminal) expect(out.completed).toBe(true);
        else expect((out.error as Error).name).toBe('TruncatedStreamError');
        assertPreviewsBeforeDone(out.values, events, base.images);
      }),
      1_000,
    );
  });
});

/** Each emitted image once, with exactly the bytes served for it. */
function assertNoWrongOrDuplicateImages(values: readonly FinalImage[], images: readonly ScenarioImage[]) {
  const bytes = expectedBytes(images);
  const seen = new Set<string>();
  for (const image of values) {
    expect(seen.has(image.itemId), `${image.itemId} emitted twice`).toBe(false);
    seen.add(image.itemId);
    expect(image.b64).toBe(bytes.get(image.itemId));
  }
}

/** A state's bytes are its image's final bytes once completed, one of its previews before, never another's. */
function assertStatesPlausible(list: readonly ImageState[], images: readonly ScenarioImage[]) {
  for (let i = 1; i < list.length; i++)
    expect(list[i]!.outputIndex).toBeGreaterThanOrEqual(list[i - 1]!.outputIndex);
  for (const state of list) {
    const image = images.find((i) => i.itemId === state.itemId)!;
    if (state.status === 'completed') expect(state.b64).toBe(image.b64);
    else if (state.b64 !== null) expect(image.partials).toContain(state.b64);
    if (state.status === 'partial') expect(state.partials).toBeGreaterThan(0);
  }
}

/**
 * Exactly the previews that come before their image is done (its completion event, its output item, or
 * `response.completed` listing it), in stream order, each with its own image's preview bytes.
 */
function assertPreviewsBeforeDone(
  values: readonly PartialImage[],
  events: readonly ResponseStreamEvent[],
  images: readonly ScenarioImage[],
) {
  const done = new Set<string>();
  const expected: ResponseStreamEvent[] = [];
  for (const event of events) {
    if (event.type === 'response.image_generation_call.completed') done.add(event.item_id);
    for (const item of imageItemsOf(event)) done.add(item.id);
    if (event.type === 'response.image_generation_call.partial_image' && !done.has(event.item_id))
      expected.push(event);
  }
  expect(values.map((p) => p.event)).toEqual(expected);
  for (const p of values) {
    const image = images.find((i) => i.itemId === p.itemId)!;
    expect(image.partials).toContain(p.b64);
    expect(p.b64).toBe(p.event.partial_image_b64);
  }
}

/** Ids of the images a sequence speaks of, those with bytes somewhere, and those that failed. */
function imagesOf(events: readonly ResponseStreamEvent[]) {
  const ids = new Set<string>();
  const withBytes = new Set<string>();
  const failed = new Set<string>();
  for (const event of events) {
    if (event.type === 'response.image_generation_call.completed') ids.add(event.item_id);
    for (const item of imageItemsOf(event)) {
      ids.add(item.id);
      if (item.status === 'failed') failed.add(item.id);
      else if (typeof item.result === 'string' && item.result.length > 0) withBytes.add(item.id);
    }
  }
  return { ids, withBytes, failed };
}

/**
 * What `withFinalImage` must end with, from the rules (not from its code): the first failure event or failed
 * image decides the error; without a terminal event the stream is truncated; an image spoken of whose bytes
 * never come is missing; otherwise every image spoken of is emitted.
 */
function expectedFinalOutcome(events: readonly ResponseStreamEvent[]) {
  const { ids, withBytes } = imagesOf(events);
  const none = { ids, missing: [] as string[] };
  for (const event of events) {
    if (FAILURE_TYPES.has(event.type)) return { ...none, error: FAILURE_ERROR[event.type]! };
    if (imageItemsOf(event).some((item) => item.status === 'failed'))
      return { ...none, error: 'ImageGenerationError' };
  }
  if (!events.some((e) => e.type === 'response.completed')) return { ...none, error: 'TruncatedStreamError' };
  const missing = [...ids].filter((id) => !withBytes.has(id));
  if (missing.length > 0) return { ids, missing, error: 'MissingImageError' };
  return { ...none, error: null };
}

/** What `imageStates` must end with: like `withFinalImage`, except that a failed image is a state, not an error. */
function expectedStatesOutcome(events: readonly ResponseStreamEvent[]) {
  const { ids, withBytes, failed } = imagesOf(events);
  const none = { ids, failed };
  const firstFailure = events.find((e) => FAILURE_TYPES.has(e.type));
  if (firstFailure) return { ...none, error: FAILURE_ERROR[firstFailure.type]! };
  if (!events.some((e) => e.type === 'response.completed')) return { ...none, error: 'TruncatedStreamError' };
  if ([...ids].some((id) => !withBytes.has(id) && !failed.has(id)))
    return { ...none, error: 'MissingImageError' };
  return { ...none, error: null };
}
