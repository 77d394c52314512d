// Property tests of the image operators: generated interleavings of several images' events, and generated
// faults (duplicated, reordered, unknown, missing events, failures), checked against what must come out.
import fc from 'fast-check';
import { connect, merge } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type FinalImage,
  type ImageState,
  imageStates,
  type PartialImage,
  partialAndFinalImages,
  partialImages,
  RxOpenAIError,
  withFinalImage,
} from '../../src/index';
import type { ScenarioImage } from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';
import {
  caseArbitrary,
  FAILURE_ERROR,
  FAILURE_TYPES,
  type GeneratedCase,
  imageItemsOf,
  type Mutation,
  multiResponseCase,
  mutate,
  mutationArbitrary,
  pipeline,
  runSync,
  SEED,
  Tally,
  typedErrorName,
} from './support';

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

        assertNoWrongOrDuplicateImages(out.values, base.images, responsesOf(events).length);
        if (expected.error === null) {
          expect(out.error).toBeUndefined();
          // No silent drop: every image the stream spoke of is emitted, once per response that carried it.
          expect(out.values.map((i) => i.itemId)).toEqual(expected.emitted.flat());
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

describe(`operators on generated multi-response streams (seed ${SEED})`, () => {
  const multi = new Tally('operators: generated multi-response streams');
  afterAll(() => multi.report());
  const multiCase = fc
    .array(fc.record({ base: caseArbitrary, abandoned: fc.boolean(), keep: fc.nat() }), {
      minLength: 2,
      maxLength: 4,
    })
    .map(multiResponseCase);

  it('withFinalImage: every completed response’s images, and what an abandoned one finished; never a cap, a swallowed id or a missing report', () => {
    check(
      fc.property(multiCase, ({ events }) => {
        multi.cases++;
        const out = runSync(pipeline(events).pipe(withFinalImage()));
        const expected = expectedFinalOutcome(events);
        multi.outcome(`withFinalImage:${out.errored ? typedErrorName(out.error) : 'complete'}`);
        expect(out.error).toBeUndefined();
        expect(expected.error).toBeNull();
        expect(out.values.map((i) => i.itemId)).toEqual(expected.emitted.flat());
      }),
      300,
    );
  });

  it('imageStates: the last list holds exactly the last response’s images, all completed', () => {
    check(
      fc.property(multiCase, ({ events, responses }) => {
        multi.cases++;
        const out = runSync(pipeline(events).pipe(imageStates()));
        multi.outcome(`imageStates:${out.errored ? typedErrorName(out.error) : 'complete'}`);
        expect(out.error).toBeUndefined();
        const lastResponse = responses.at(-1)!;
        const last = out.values.at(-1)!;
        expect(last.map((s) => [s.itemId, s.status, s.b64])).toEqual(
          lastResponse.images.map((i) => [i.itemId, 'completed', i.b64]),
        );
        for (const list of out.values) {
          // A list never mixes two responses' images.
          const owners = new Set(
            list.map((s) => responses.findIndex((r) => r.images.some((i) => i.itemId === s.itemId))),
          );
          expect(owners.size).toBeLessThanOrEqual(1);
        }
      }),
      300,
    );
  });

  it('partialImages and partialAndFinalImages: every response’s previews once, none after its image is done', () => {
    check(
      fc.property(multiCase, ({ events, responses }) => {
        multi.cases++;
        const out = runSync(pipeline(events).pipe(partialImages()));
        multi.outcome(`partialImages:${out.errored ? typedErrorName(out.error) : 'complete'}`);
        expect(out.completed).toBe(true);
        assertPreviewsBeforeDone(
          out.values,
          events,
          responses.flatMap((r) => r.images),
        );
        const both = runSync(pipeline(events).pipe(partialAndFinalImages()));
        expect(both.values.filter((v) => !('item' in v))).toEqual(out.values);
      }),
      300,
    );
  });
});

/** Each emitted image at most once per response, with exactly the bytes served for it. */
function assertNoWrongOrDuplicateImages(
  values: readonly FinalImage[],
  images: readonly ScenarioImage[],
  responses: number,
) {
  const bytes = expectedBytes(images);
  const seen = new Map<string, number>();
  for (const image of values) {
    const times = (seen.get(image.itemId) ?? 0) + 1;
    expect(times <= responses, `${image.itemId} emitted ${times} times in ${responses} response(s)`).toBe(
      true,
    );
    seen.set(image.itemId, times);
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
 * `response.completed` listing it), each once and in increasing index (a duplicate or an older one is
 * dropped), per response, in stream order, each with its own image's preview bytes.
 */
function assertPreviewsBeforeDone(
  values: readonly PartialImage[],
  events: readonly ResponseStreamEvent[],
  images: readonly ScenarioImage[],
) {
  const expected: ResponseStreamEvent[] = [];
  for (const segment of responsesOf(events)) {
    const done = new Set<string>();
    const highest = new Map<string, number>();
    for (const event of segment) {
      if (event.type === 'response.image_generation_call.completed') done.add(event.item_id);
      for (const item of imageItemsOf(event)) done.add(item.id);
      if (event.type !== 'response.image_generation_call.partial_image' || done.has(event.item_id)) continue;
      if (event.partial_image_index <= (highest.get(event.item_id) ?? -1)) continue;
      highest.set(event.item_id, event.partial_image_index);
      expected.push(event);
    }
  }
  expect(values.map((p) => p.event)).toEqual(expected);
  for (const p of values) {
    const image = images.find((i) => i.itemId === p.itemId)!;
    expect(image.partials).toContain(p.b64);
    expect(p.b64).toBe(p.event.partial_image_b64);
  }
}

/**
 * The responses a sequence holds, by the documented rule (written here from the README, not from the code):
 * a lifecycle event of another response id starts a new response, and so does `response.created` after the
 * current response's terminal event; anything else belongs to the current response.
 */
function responsesOf(events: readonly ResponseStreamEvent[]): ResponseStreamEvent[][] {
  const segments: ResponseStreamEvent[][] = [[]];
  let id: string | null = null;
  let ended = false;
  for (const event of events) {
    const response = 'response' in event ? (event.response as { id?: string } | undefined) : undefined;
    const eventId = typeof response?.id === 'string' ? response.id : null;
    const current = segments.at(-1)!;
    const fresh =
      current.length > 0 &&
      ((eventId !== null && id !== null && eventId !== id) || (event.type === 'response.created' && ended));
    if (fresh) {
      segments.push([]);
      ended = false;
    }
    segments.at(-1)!.push(event);
    if (eventId !== null) id = eventId;
    if (['response.completed', 'response.failed', 'response.incomplete'].includes(event.type)) ended = true;
  }
  return segments;
}

/** The ids of the images an event announces (before or without their bytes). */
function announcedIds(event: ResponseStreamEvent): string[] {
  switch (event.type) {
    case 'response.output_item.added':
      return event.item.type === 'image_generation_call' ? [event.item.id] : [];
    case 'response.image_generation_call.in_progress':
    case 'response.image_generation_call.generating':
    case 'response.image_generation_call.partial_image':
    case 'response.image_generation_call.completed':
      return [event.item_id];
    default:
      return imageItemsOf(event).map((item) => item.id);
  }
}

/**
 * What `withFinalImage` (`failedIsError`) or `imageStates` must end with, from the rules (not from its code),
 * reading the events in order, one response at a time: a failure event decides the error; so does a failed
 * image for `withFinalImage`; an image announced whose bytes have not come by its response's
 * `response.completed` (or the end of the stream) is missing; without any `response.completed` the stream is
 * truncated. `ids` are the images of the last response that has any (what `imageStates`' last list shows),
 * `emitted` every response's images with bytes.
 */
function expectedOutcome(events: readonly ResponseStreamEvent[], failedIsError: boolean) {
  let ids = new Set<string>();
  let failed = new Set<string>();
  const emitted: string[][] = [];
  let missing: string[] = [];
  let completedSeen = false;
  const outcome = (error: string | null) => ({ ids, failed, emitted, missing, error });
  const segments = responsesOf(events);
  for (const [k, segment] of segments.entries()) {
    const announced = new Set<string>();
    const settled = new Set<string>();
    const failedHere = new Set<string>();
    const withBytes: string[] = [];
    const check = () => {
      missing = [...announced].filter((id) => !settled.has(id));
      return missing.length > 0;
    };
    for (const event of segment) {
      if (FAILURE_TYPES.has(event.type)) return outcome(FAILURE_ERROR[event.type]!);
      for (const id of announcedIds(event)) announced.add(id);
      for (const item of imageItemsOf(event)) {
        if (settled.has(item.id)) continue;
        if (item.status === 'failed') {
          if (failedIsError) return outcome('ImageGenerationError');
          settled.add(item.id);
          failedHere.add(item.id);
        } else if (typeof item.result === 'string' && item.result.length > 0) {
          settled.add(item.id);
          withBytes.push(item.id);
        }
      }
      if (event.type === 'response.completed') {
        completedSeen = true;
        if (check()) return outcome('MissingImageError');
      }
    }
    emitted.push(withBytes);
    if (announced.size > 0) {
      ids = announced;
      failed = failedHere;
    }
    // What a response still waits for when the stream ends (after some `response.completed`) is missing.
    if (k === segments.length - 1 && completedSeen && check()) return outcome('MissingImageError');
  }
  if (!completedSeen) return outcome('TruncatedStreamError');
  return outcome(null);
}

function expectedFinalOutcome(events: readonly ResponseStreamEvent[]) {
  return expectedOutcome(events, true);
}

/** What `imageStates` must end with: like `withFinalImage`, except that a failed image is a state, not an error. */
function expectedStatesOutcome(events: readonly ResponseStreamEvent[]) {
  return expectedOutcome(events, false);
}
