import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import { from, lastValueFrom, Observable, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type Response, type ResponseStreamEvent, responseSnapshots } from '../../src/index';
import { createEventFactory, eventMarbles, imageGenerationScenario } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

/** What the SDK's accumulator holds after each event, copied at that moment (the reference to match). */
function sdkSnapshots(events: readonly ResponseStreamEvent[]): Response[] {
  let snapshot: Response | undefined;
  return events.map((event) => {
    snapshot = accumulateResponse(event, snapshot);
    return structuredClone(snapshot);
  });
}

describe('responseSnapshots', () => {
  it("emits the SDK accumulator's snapshot after every event, in marble time", () => {
    const { events } = imageGenerationScenario({ images: 1, partials: 1, text: 'A fox in the snow.' });
    const { marbles, values } = eventMarbles(events);
    const expected = sdkSnapshots(events);
    const expectedValues = Object.fromEntries(Object.keys(values).map((k, i) => [k, expected[i]]));
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(responseSnapshots())).toBe(marbles, expectedValues);
    });
  });

  it('builds the text up delta by delta and ends with the completed response', async () => {
    const { events } = imageGenerationScenario({ images: 1, text: 'One two three' });
    const snapshots = await lastValueFrom(from(events).pipe(responseSnapshots(), toArray()));
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    const texts = snapshots.map((s) => s.output_text);
    // Every prefix of the text appears, in order.
    let prefix = '';
    for (const delta of deltas) {
      prefix += delta;
      expect(texts).toContain(prefix);
    }
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
    expect(snapshots.at(-1)).toEqual(completed.response);
  });

  it('emits snapshots that never change afterwards, even though the SDK updates its own in place', async () => {
    const { events } = imageGenerationScenario({ images: 0, text: 'alpha beta gamma' });
    const snapshots = await lastValueFrom(from(events).pipe(responseSnapshots(), toArray()));
    const reference = sdkSnapshots(events);
    // If the operator handed out the SDK's working object, early snapshots would show the final text.
    expect(snapshots).toEqual(reference);
    expect(new Set(snapshots).size).toBe(snapshots.length);
    // Mutating one snapshot does not touch the next.
    const firstDelta = events.findIndex((e) => e.type === 'response.output_text.delta');
    const message = snapshots[firstDelta]!.output[0] as { content: { text: string }[] };
    message.content[0]!.text = 'changed';
    expect(
      (snapshots[firstDelta + 1]!.output[0] as { content: { text: string }[] }).content[0]!.text,
    ).not.toBe('changed');
  });

  it('skips event types the SDK does not know, where the SDK accumulator throws', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.unknown('response.brand_new_event', { payload: 1 }), e.completed()];
    expect(() => accumulateResponse(events[1]!, accumulateResponse(events[0]!))).toThrow();
    const snapshots = await lastValueFrom(from(events).pipe(responseSnapshots(), toArray()));
    expect(snapshots.map((s) => s.status)).toEqual(['in_progress', 'completed']);
  });

  it('starts from response.in_progress when response.created never came, skipping what came before', async () => {
    const e = createEventFactory();
    const events = [e.unknown('response.something_early'), e.inProgress(), e.completed()];
    const snapshots = await lastValueFrom(from(events).pipe(responseSnapshots(), toArray()));
    expect(snapshots.map((s) => s.status)).toEqual(['in_progress', 'completed']);
  });

  it('mirrors a failed response as a snapshot and completes (it does not judge)', async () => {
    const e = createEventFactory();
    const snapshots = await lastValueFrom(
      from([e.created(), e.failed()]).pipe(responseSnapshots(), toArray()),
    );
    expect(snapshots.at(-1)?.status).toBe('failed');
    expect(snapshots.at(-1)?.error?.code).toBe('server_error');
  });

  it("errors with the SDK's error on an event it cannot apply", async () => {
    const e = createEventFactory();
    const events = [e.created(), e.textDelta('msg_missing', 3, 'hi')];
    await expect(lastValueFrom(from(events).pipe(responseSnapshots()))).rejects.toThrow(/output/);
  });

  it('passes a source error through, completes on empty and stays silent on never', async () => {
    const boom = new Error('boom');
    await expect(lastValueFrom(throwError(() => boom).pipe(responseSnapshots()))).rejects.toBe(boom);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ResponseStreamEvent>('|').pipe(responseSnapshots())).toBe('|');
      expectObservable(cold<ResponseStreamEvent>('-').pipe(responseSnapshots())).toBe('-');
    });
  });

  it('unsubscribes from the source when the subscriber unsubscribes', () => {
    const { events } = imageGenerationScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      expectObservable(source.pipe(responseSnapshots()), '^--!').toBe('abc', {
        a: sdkSnapshots(events)[0],
        b: sdkSnapshots(events)[1],
        c: sdkSnapshots(events)[2],
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', () => {
    const e = createEventFactory();
    let produced = 0;
    const firehose = new Observable<ResponseStreamEvent>((subscriber) => {
      subscriber.next(e.created());
      for (let i = 0; i < 100_000 && !subscriber.closed; i++) {
        produced++;
        subscriber.next(e.inProgress());
      }
      subscriber.complete();
    });
    const received: Response[] = [];
    firehose.pipe(responseSnapshots(), take(3)).subscribe((s) => received.push(s));
    expect(received).toHaveLength(3);
    expect(produced).toBe(2);
  });
});
