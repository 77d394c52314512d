// Shared by the reliability suite: fixed seeds, generated event sequences, faults, outcome counting.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { OpenAIError } from 'openai';
import { type Observable, TimeoutError } from 'rxjs';
import { RxOpenAIError, streamResponse } from '../../src/index';
import {
  fakeResponsesClient,
  type ImageEventOrder,
  imageGenerationScenario,
  type ScenarioImage,
} from '../../src/testing/index';
import type { ImageGenerationCallItem, ResponseStreamEvent } from '../../src/types';

/**
 * The seed of every generated case. Fixed, so that CI is reproducible; set `RELIABILITY_SEED` to explore
 * other cases. Every failure message names it.
 */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20_251_125);

export { seededRandom } from '../../src/testing/server/random';

/** Counts of one suite: what was generated, which faults were injected, how the runs ended. */
export class Tally {
  cases = 0;
  readonly faults: Record<string, number> = {};
  readonly outcomes: Record<string, number> = {};
  constructor(readonly suite: string) {}

  fault(kind: string, n = 1): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + n;
  }

  outcome(kind: string): void {
    this.outcomes[kind] = (this.outcomes[kind] ?? 0) + 1;
  }

  /** Prints one summary line, and appends it as JSON to `$RELIABILITY_REPORT` when set (the bench reads it). */
  report(): void {
    const list = (record: Record<string, number>) =>
      Object.entries(record)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    console.log(
      `[reliability] ${this.suite}: seed=${SEED} cases=${this.cases} faults{${list(this.faults)}} outcomes{${list(this.outcomes)}}`,
    );
    const file = process.env.RELIABILITY_REPORT;
    if (file) {
      appendFileSync(
        file,
        `${JSON.stringify({ suite: this.suite, seed: SEED, cases: this.cases, faults: this.faults, outcomes: this.outcomes })}\n`,
      );
    }
  }
}

/**
 * The name of an error if it is one of the typed errors a run may end with, else `null`: this library's
 * (`RxOpenAIError` and subclasses), the SDK's (`OpenAIError`, `APIError` and subclasses), RxJS's `TimeoutError`
 * (a stall cut by `timeout()`), and fetch's `TypeError: terminated` (a connection reset mid-body), which the
 * SDK lets through unwrapped, with its exact message. A bare `SyntaxError` is not one: this library wraps the
 * SDK's in `MalformedEventError`.
 */
export function typedErrorName(error: unknown): string | null {
  if (error instanceof RxOpenAIError) return error.name;
  if (error instanceof OpenAIError) return `openai.${error.constructor.name}`;
  if (error instanceof TimeoutError) return 'rxjs.TimeoutError';
  if (error instanceof TypeError && error.message === 'terminated') return 'fetch.TypeError(terminated)';
  return null;
}

/** Distinct base64 for image `i` (final or preview `p`): no two images or previews share bytes. */
export function distinctB64(kind: 'final' | 'preview', image: number, partial = 0, extra = 0): string {
  const bytes = Buffer.alloc(12 + extra);
  bytes.write(kind === 'final' ? 'FINL' : 'PREV', 0, 'latin1');
  bytes.writeUInt32BE(image, 4);
  bytes.writeUInt32BE(partial, 8);
  for (let i = 12; i < bytes.length; i++) bytes[i] = (i * 31 + image * 7 + partial) & 0xff;
  return bytes.toString('base64');
}

/** One generated response: its events and the images they carry. */
export interface GeneratedCase {
  readonly events: ResponseStreamEvent[];
  readonly images: readonly ScenarioImage[];
  readonly order: ImageEventOrder;
}

/**
 * The events of `imageGenerationScenario` for `images` images, with each image's events (and the text
 * message's) interleaved according to `schedule`, each lane keeping its own order; `response.created` and
 * `response.in_progress` stay first and `response.completed` last. Sequence numbers are renumbered in the
 * new order, as a server would send them.
 */
export function interleavedCase(options: {
  images: number;
  partials: 0 | 1 | 2 | 3;
  order: ImageEventOrder;
  text: boolean;
  schedule: readonly number[];
}): GeneratedCase {
  const scenario = imageGenerationScenario({
    images: Array.from({ length: options.images }, (_, i) => distinctB64('final', i)),
    previews: (i, p) => distinctB64('preview', i, p),
    partials: options.partials,
    order: options.order,
    ...(options.text ? { text: 'A lighthouse at dawn, gulls above the quiet harbour.' } : {}),
  });
  const head: ResponseStreamEvent[] = [];
  const tail: ResponseStreamEvent[] = [];
  const lanes = new Map<string, ResponseStreamEvent[]>();
  for (const event of scenario.events) {
    if (event.type === 'response.created' || event.type === 'response.in_progress') head.push(event);
    else if (event.type === 'response.completed') tail.push(event);
    else {
      const key = laneOf(event);
      const lane = lanes.get(key) ?? [];
      lane.push(event);
      lanes.set(key, lane);
    }
  }
  const pending = [...lanes.values()].map((lane) => [...lane]);
  const middle: ResponseStreamEvent[] = [];
  let step = 0;
  while (pending.some((lane) => lane.length > 0)) {
    const open = pending.filter((lane) => lane.length > 0);
    const pick = options.schedule.length > 0 ? options.schedule[step % options.schedule.length]! : 0;
    middle.push(open[pick % open.length]!.shift()!);
    step++;
  }
  const events = [...head, ...middle, ...tail].map(
    (event, i) => ({ ...event, sequence_number: i }) as ResponseStreamEvent,
  );
  return { events, images: scenario.images, order: options.order };
}

function laneOf(event: ResponseStreamEvent): string {
  const withId = event as { item_id?: string; item?: { id?: string } };
  return withId.item_id ?? withId.item?.id ?? 'other';
}

/**
 * Several generated responses in one stream, as a batch through `concatMap`, `repeat()` or `retry()` upstream
 * gives them: each with ids of its own; a response marked `abandoned` is cut after `keep` of its events and
 * never ends (a retry re-sent the request), and is followed by the next one.
 */
export function multiResponseCase(
  responses: readonly { base: GeneratedCase; abandoned: boolean; keep: number }[],
): { events: ResponseStreamEvent[]; responses: readonly GeneratedCase[] } {
  const events: ResponseStreamEvent[] = [];
  responses.forEach(({ base, abandoned, keep }, k) => {
    const last = k === responses.length - 1;
    // The last response always ends: a cut stream's outcome is another suite's business.
    const kept =
      abandoned && !last ? base.events.slice(0, 1 + (keep % (base.events.length - 1))) : base.events;
    events.push(...kept);
  });
  return { events, responses: responses.map((r) => r.base) };
}

/** A fault applied to a valid event sequence. Positions are taken modulo the sequence's length. */
export type Mutation =
  | { kind: 'duplicate'; at: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'unknown'; at: number; type: string }
  | { kind: 'drop'; at: number }
  | { kind: 'stripBytes'; image: number }
  | { kind: 'failureEvent'; at: number; which: 'error' | 'response.failed' | 'response.incomplete' }
  | { kind: 'failImage'; image: number }
  /** A copy of preview number `preview` inserted `later` events after it (a proxy re-sending, or out of order). */
  | { kind: 'duplicatePreview'; preview: number; later: number }
  /**
   * An image announced whose bytes never come: its completion event and its `output_item.done` dropped, its bytes
   * stripped from `response.completed` (a proxy or an allowlist that drops events).
   */
  | { kind: 'vanishImage'; image: number };

/** Applies the mutations in turn; returns the new sequence (the input is not changed). */
export function mutate(
  events: readonly ResponseStreamEvent[],
  images: readonly ScenarioImage[],
  mutations: readonly Mutation[],
): ResponseStreamEvent[] {
  let list = [...events];
  for (const m of mutations) {
    const n = list.length;
    switch (m.kind) {
      case 'duplicate':
        if (n > 0) list.splice(m.to % (n + 1), 0, list[m.at % n]!);
        break;
      case 'swap':
        if (n > 1) {
          const a = m.a % n;
          const b = m.b % n;
          [list[a], list[b]] = [list[b]!, list[a]!];
        }
        break;
      case 'unknown':
        list.splice(m.at % (n + 1), 0, {
          type: m.type,
          sequence_number: 9_999,
          item_id: images[0]?.itemId,
        } as unknown as ResponseStreamEvent);
        break;
      case 'drop':
        if (n > 0) list.splice(m.at % n, 1);
        break;
      case 'vanishImage': {
        const id = images[m.image % Math.max(1, images.length)]?.itemId;
        list = list.filter(
          (event) =>
            !(
              (event.type === 'response.image_generation_call.completed' && event.item_id === id) ||
              (event.type === 'response.output_item.done' && event.item.id === id)
            ),
        );
        list = mutate(list, images, [{ kind: 'stripBytes', image: m.image }]);
        break;
      }
      case 'stripBytes': {
        const id = images[m.image % Math.max(1, images.length)]?.itemId;
        list = list.map((event) =>
          event.type === 'response.completed'
            ? {
                ...event,
                response: {
                  ...event.response,
                  output: event.response.output.map((item) =>
                    item.type === 'image_generation_call' && item.id === id
                      ? { ...item, result: null }
                      : item,
                  ),
                },
              }
            : event,
        );
        break;
      }
      case 'failureEvent': {
        const e =
          m.which === 'error'
            ? {
                type: 'error',
                sequence_number: 9_998,
                code: 'server_error',
                message: 'injected',
                param: null,
              }
            : {
                type: m.which,
                sequence_number: 9_998,
                response: {
                  id: 'resp_test',
                  status: m.which === 'response.failed' ? 'failed' : 'incomplete',
                  output: [],
                  error: m.which === 'response.failed' ? { code: 'server_error', message: 'injected' } : null,
                  incomplete_details:
                    m.which === 'response.incomplete' ? { reason: 'max_output_tokens' } : null,
                },
              };
        list.splice(m.at % (n + 1), 0, e as unknown as ResponseStreamEvent);
        break;
      }
      case 'duplicatePreview': {
        const previews = list.flatMap((event, i) =>
          event.type === 'response.image_generation_call.partial_image' ? [i] : [],
        );
        if (previews.length === 0) break;
        const at = previews[m.preview % previews.length]!;
        list.splice(Math.min(list.length, at + 1 + m.later), 0, { ...list[at]! });
        break;
      }
      case 'failImage': {
        const id = images[m.image % Math.max(1, images.length)]?.itemId;
        const fail = (item: ImageGenerationCallItem): ImageGenerationCallItem =>
          ({
            ...item,
            status: 'failed',
            result: null,
            error: { code: 'moderation_blocked', message: 'injected' },
          }) as ImageGenerationCallItem;
        list = list.map((event) => {
          if (
            event.type === 'response.output_item.done' &&
            event.item.type === 'image_generation_call' &&
            event.item.id === id
          )
            return { ...event, item: fail(event.item) };
          if (event.type === 'response.completed')
            return {
              ...event,
              response: {
                ...event.response,
                output: event.response.output.map((item) =>
                  item.type === 'image_generation_call' && item.id === id ? fail(item) : item,
                ),
              },
            };
          return event;
        });
        break;
      }
    }
  }
  return list;
}

/** Image items an event carries: an `output_item.done`'s item, or `response.completed`'s output. */
export function imageItemsOf(event: ResponseStreamEvent): ImageGenerationCallItem[] {
  if (event.type === 'response.output_item.done')
    return event.item.type === 'image_generation_call' ? [event.item] : [];
  if (event.type === 'response.completed')
    return (event.response.output ?? []).filter(
      (item): item is ImageGenerationCallItem => item.type === 'image_generation_call',
    );
  return [];
}

export const FAILURE_TYPES = new Set(['error', 'response.failed', 'response.incomplete']);
export const FAILURE_ERROR: Record<string, string> = {
  error: 'ResponseStreamError',
  'response.failed': 'ResponseFailedError',
  'response.incomplete': 'ResponseIncompleteError',
};

/** How a run ended; the runs here are synchronous (the fake client serves arrays synchronously). */
export interface Outcome<T> {
  values: T[];
  error: unknown;
  errored: boolean;
  completed: boolean;
}

/** Runs `source` to its end, synchronously, collecting what it emitted and how it ended. */
export function runSync<T>(source: Observable<T>): Outcome<T> {
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
export function pipeline(events: readonly ResponseStreamEvent[]): Observable<ResponseStreamEvent> {
  return streamResponse(fakeResponsesClient(events), { model: 'gpt-5', input: 'generated' });
}

const ORDERS: ImageEventOrder[] = [
  'completed-first',
  'item-first',
  'no-completed-event',
  'bytes-in-response-completed',
];

/** One generated response of 1 to 5 interleaved images, any order of their final events, with or without text. */
export const caseArbitrary = fc
  .record({
    images: fc.integer({ min: 1, max: 5 }),
    partials: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
    order: fc.constantFrom(...ORDERS),
    text: fc.boolean(),
    schedule: fc.array(fc.nat({ max: 1000 }), { minLength: 0, maxLength: 60 }),
  })
  .map(interleavedCase);

/** One fault of {@link mutate}. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
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
  fc.record({
    kind: fc.constant('duplicatePreview' as const),
    preview: fc.nat(),
    later: fc.nat({ max: 12 }),
  }),
  fc.record({ kind: fc.constant('vanishImage' as const), image: fc.nat() }),
);
