// The sources' idle timeout, in virtual time: a stream that goes silent mid-body errors with StreamIdleError
// (never a completion, never a hang), keepalive events count as life, and resumable() resumes after it.
import { describe, expect, it } from 'vitest';
import {
  type ResponseStreamEvent,
  resumable,
  StreamIdleError,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import { createEventFactory, fakeResponsesClient, imageGenerationScenario } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

const params = { model: 'gpt-5', input: 'A fox', tools: [{ type: 'image_generation' as const }] };

describe('idle timeout of streamResponse and resumeResponse', () => {
  it('errors with StreamIdleError after idleTimeout ms without an event, and aborts the request', () => {
    const e = createEventFactory();
    const values = { a: e.created() as ResponseStreamEvent, b: e.inProgress() };
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold('a 9ms b', values);
      const client = fakeResponsesClient(() => upstream);
      // Silent after b (frame 10) for 100 ms: the error at frame 110.
      expectObservable(streamResponse(client, params, { idleTimeout: 100 })).toBe(
        'a 9ms b 99ms #',
        values,
        new StreamIdleError(100, 2, 1),
      );
      expectSubscriptions(upstream.subscriptions).toBe('^ 109ms !');
    });
  });

  it('counts keepalive events as life: no error while they come, the error 120 s (the default) after the last', () => {
    const e = createEventFactory();
    const values = { a: e.created() as ResponseStreamEvent, k: e.unknown('keepalive') };
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('a 59999ms k 59999ms k', values));
      expectObservable(streamResponse(client, params)).toBe(
        'a 59999ms k 59999ms k 119999ms #',
        values,
        new StreamIdleError(120_000, 3, 1),
      );
    });
  });

  it('0 turns it off: a silent stream stays open (until unsubscribed)', () => {
    const values = { a: createEventFactory().created() as ResponseStreamEvent };
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('a', values));
      expectObservable(streamResponse(client, params, { idleTimeout: 0 }), '^ 1000000ms !').toBe('a', values);
    });
  });

  it('a stream that ends in time is untouched: no timer is left behind', () => {
    const { events, images } = imageGenerationScenario({ images: 1, partials: 0 });
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const client = fakeResponsesClient(() =>
        cold('(abcdefgh|)', Object.fromEntries(events.map((ev, i) => ['abcdefgh'[i], ev]))),
      );
      expectObservable(streamResponse(client, params, { idleTimeout: 50 }).pipe(withFinalImage())).toBe(
        '(i|)',
        {
          i: expect.objectContaining({ b64: images[0]!.b64 }),
        },
      );
      flush();
    });
  });

  it('resumable() treats a stall as a dropped connection: it reconnects after the last event and gets every image', () => {
    const { events, images } = imageGenerationScenario({ images: 1, partials: 1 });
    const background = events.map((ev) =>
      'response' in ev ? { ...ev, response: { ...ev.response, background: true } } : ev,
    ) as ResponseStreamEvent[];
    testScheduler().run(({ cold, expectObservable }) => {
      // The first connection stalls after 3 events; the replay serves the rest at once.
      const client = fakeResponsesClient(
        () => cold('(abc)', { a: background[0]!, b: background[1]!, c: background[2]! }),
        {
          retrieve: (_id, after) => background.filter((ev) => ev.sequence_number > (after ?? -1)),
        },
      );
      const images$ = streamResponse(client, { ...params, background: true }, { idleTimeout: 1_000 }).pipe(
        resumable(client, { backoff: 10, requestOptions: { idleTimeout: 1_000 } }),
        withFinalImage(),
      );
      expectObservable(images$).toBe('1010ms (i|)', { i: expect.objectContaining({ b64: images[0]!.b64 }) });
    });
  });
});

describe('StreamIdleError', () => {
  it('says how long, after how many events, and the last sequence number', () => {
    const error = new StreamIdleError(30_000, 12, 11);
    expect(error.message).toMatch(/silent for 30000 ms after 12 event\(s\) \(last sequence number 11\)/);
    expect([error.idleMs, error.eventCount, error.lastSequenceNumber]).toEqual([30_000, 12, 11]);
  });
});
