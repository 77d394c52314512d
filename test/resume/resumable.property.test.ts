// Generated drop patterns: however the connection drops and however much each replay overlaps what was
// already seen, resumable() delivers every event once, in order; a replay that skips events is reported.
import fc from 'fast-check';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ResponseStreamEvent, resumable, SequenceGapError, streamResponse } from '../../src/index';
import { fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';

const events: ResponseStreamEvent[] = imageGenerationEvents({
  images: 2,
  partials: 3,
  text: 'Two foxes',
}).map((event) =>
  'response' in event
    ? ({ ...event, response: { ...event.response, background: true } } as ResponseStreamEvent)
    : event,
);
const n = events.length;
const params = { model: 'gpt-5', input: 'two foxes', background: true } as const;

/** One reconnection: where its replay starts relative to the next event due, and how many events it brings. */
const replayArb = fc.record({
  shift: fc.integer({ min: -4, max: 0 }),
  length: fc.integer({ min: 0, max: 8 }),
});

/**
 * A client whose first connection brings `first` events, and whose replays follow `plan` (then serve the rest).
 * A slice that stops before the last event ends without a terminal event: a truncated stream.
 */
function flakyClient(
  first: number,
  plan: readonly { shift: number; length: number }[],
  onRetrieve: (after: number | undefined) => void,
) {
  return fakeResponsesClient(() => events.slice(0, first), {
    retrieve: (_id, after, index) => {
      onRetrieve(after);
      const next = (after ?? -1) + 1;
      const replay = plan[index];
      if (!replay) return events.slice(next);
      const start = Math.max(0, next + replay.shift);
      return events.slice(start, start + replay.length);
    },
  });
}

describe('resumable: generated drop patterns', () => {
  it('delivers every event exactly once, in order, whatever the drops and overlaps', async () => {
    expect(n).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: n }),
        fc.array(replayArb, { maxLength: 12 }),
        async (first, plan) => {
          // What the subscriber had received when each replay was asked for, and what the replay asked for.
          let passed = -1;
          const asked: [number | undefined, number][] = [];
          const client = flakyClient(first, plan, (after) => asked.push([after, passed]));
          const received = await lastValueFrom(
            streamResponse(client, params).pipe(
              resumable(client, { backoff: 0, retries: plan.length + 1 }),
              tap((event) => {
                passed = event.sequence_number;
              }),
              toArray(),
            ),
          );
          expect(received).toEqual(events);
          expect(asked.length).toBeGreaterThanOrEqual(first < n ? 1 : 0);
          for (const [after, seen] of asked) expect(after).toBe(seen);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports a replay that starts past the next event due, after a prefix without duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: n - 3 }),
        fc.integer({ min: 1, max: 2 }),
        async (first, skip) => {
          const client = fakeResponsesClient(() => events.slice(0, first), {
            retrieve: (_id, after) => events.slice((after ?? -1) + 1 + skip),
          });
          const received: ResponseStreamEvent[] = [];
          const error = await new Promise<unknown>((resolve) => {
            streamResponse(client, params)
              .pipe(resumable(client, { backoff: 0 }))
              .subscribe({ next: (e) => received.push(e), error: resolve, complete: () => resolve(null) });
          });
          expect(error).toBeInstanceOf(SequenceGapError);
          expect(error).toMatchObject({ expected: first, received: first + skip });
          expect(received).toEqual(events.slice(0, first));
        },
      ),
      { numRuns: 50 },
    );
  });
});
