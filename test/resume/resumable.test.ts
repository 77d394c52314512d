import { APIConnectionError, APIError, InternalServerError, NotFoundError } from 'openai';
import { from, lastValueFrom, Observable as Obs, type Observable, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ResponseStreamEvent,
  ResumeFailedError,
  ResumeNotPossibleError,
  resumable,
  SequenceGapError,
  streamResponse,
  TruncatedStreamError,
} from '../../src/index';
import { eventMarbles, fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

/** The events of a background response (`background: true` on every response they carry). */
function backgroundEvents(): ResponseStreamEvent[] {
  return imageGenerationEvents({ images: 1, partials: 2, responseId: 'resp_test', background: true });
}

/** The events after `after`, as the API replays a stored response. */
function replay(events: readonly ResponseStreamEvent[], after: number | undefined): ResponseStreamEvent[] {
  return events.filter((e) => after === undefined || e.sequence_number > after);
}

const params = { model: 'gpt-5', input: 'a fox', background: true } as const;
const cutError = () => new APIConnectionError({ message: 'Connection error.' });

describe('resumable', () => {
  it('reconnects after a transport error with starting_after = the last event passed on: one seamless stream', () => {
    const events = backgroundEvents(); // 10 events, sequence numbers 0..9
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('abcd#', values, cutError()), {
        retrieve: (_id, after) => replay(events, after),
      });
      const result = streamResponse(client, params).pipe(resumable(client));
      // The default backoff waits 500 ms before the first reconnection.
      expectObservable(result).toBe('abcd 500ms (efghij|)', values);
    });
  });

  it('records the replay request: the response id and starting_after', async () => {
    const events = backgroundEvents();
    const client = fakeResponsesClient(
      () =>
        new Obs<ResponseStreamEvent>((s) => {
          for (const e of events.slice(0, 6)) s.next(e);
          s.error(new TruncatedStreamError(6, 5));
        }),
      { retrieve: (_id, after) => replay(events, after) },
    );
    const received = await lastValueFrom(
      streamResponse(client, params).pipe(resumable(client, { backoff: 0 }), toArray()),
    );
    expect(received).toEqual(events);
    expect(client.retrieveCalls.map((c) => [c.responseId, c.query])).toEqual([
      ['resp_test', { stream: true, starting_after: 5 }],
    ]);
  });

  it('drops replayed events at or below the last one passed on, and survives several drops', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      // The first replay starts too early (from event 1) and drops again; the second finishes.
      const replays = [cold('bcdefg#', values, cutError()), cold('ghij|', values)];
      const client = fakeResponsesClient(() => cold('abcd#', values, cutError()), {
        retrieve: (_id, _after, index) => replays[index]!,
      });
      const result = streamResponse(client, params).pipe(resumable(client, { backoff: 10 }));
      // a-d at 0-3, cut at 4; replay 1 at 14: b-d dropped, e f g at 17, 18, 19, cut at 20; replay 2 at 30: g dropped.
      expectObservable(result).toBe('abcd 13ms efg 11ms hij|', values);
    });
  });

  it('errors with SequenceGapError when the replay skips events', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('abcd#', values, cutError()), {
        retrieve: () => cold('gh|', values),
      });
      expectObservable(streamResponse(client, params).pipe(resumable(client, { backoff: 1 }))).toBe(
        'abcd 1ms #',
        values,
        new SequenceGapError('resp_test', 4, 6),
      );
    });
  });

  it('does not retry API errors: a 4xx on reconnecting, and an error the stream reported, pass through unchanged', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    const notFound = new NotFoundError(
      404,
      { message: 'No response found' },
      'No response found',
      new Headers(),
    );
    const streamError = new APIError(undefined, { message: 'overloaded' }, 'overloaded', undefined);
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('abcd#', values, cutError()), {
        retrieve: () => throwError(() => notFound),
      });
      expectObservable(streamResponse(client, params).pipe(resumable(client, { backoff: 1 }))).toBe(
        'abcd 1ms #',
        values,
        notFound,
      );
      const second = fakeResponsesClient(() => cold('ab#', values, streamError));
      expectObservable(streamResponse(second, params).pipe(resumable(second))).toBe(
        'ab#',
        values,
        streamError,
      );
    });
  });

  it("does not resume after the stream's own error event", () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    const errorEvent = { type: 'error', sequence_number: 2, code: 'server_error', message: 'x', param: null };
    const truncated = new TruncatedStreamError(3, 2);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const client = fakeResponsesClient(() =>
        cold('abz#', { ...values, z: errorEvent as ResponseStreamEvent }, truncated),
      );
      expectObservable(streamResponse(client, params).pipe(resumable(client))).toBe(
        'abz#',
        { ...values, z: errorEvent },
        truncated,
      );
      flush();
      expect(client.retrieveCalls).toHaveLength(0);
    });
  });

  it('retries an HTTP 5xx on reconnecting and an error from outside the SDK (a reset socket)', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    const serverError = new InternalServerError(500, { message: 'oops' }, 'oops', new Headers());
    testScheduler().run(({ cold, expectObservable }) => {
      const replays = [throwError(() => serverError), replay(events, 3)];
      const client = fakeResponsesClient(() => cold('abcd#', values, new TypeError('terminated')), {
        retrieve: (_id, _after, index) => replays[index]!,
      });
      expectObservable(streamResponse(client, params).pipe(resumable(client, { backoff: 5 }))).toBe(
        'abcd 10ms (efghij|)',
        values,
      );
    });
  });

  it('completes when the connection drops after the terminal event: nothing is missing', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const client = fakeResponsesClient(() => cold('abcdefghij#', values, new TypeError('terminated')));
      expectObservable(streamResponse(client, params).pipe(resumable(client))).toBe('abcdefghij|', values);
      flush();
      expect(client.retrieveCalls).toHaveLength(0);
    });
  });

  it('fails at response.created with ResumeNotPossibleError when the response is not a background one', () => {
    const events = imageGenerationEvents({ images: 1, responseId: 'resp_test' });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold(marbles, values));
      const error = new ResumeNotPossibleError('resp_test', 'not-background');
      expectObservable(streamResponse(client, params).pipe(resumable(client))).toBe('#', undefined, error);
    });
    expect(new ResumeNotPossibleError('resp_1', 'not-background').message).toMatch(/background: true/);
  });

  it("passes the request's own error through when the stream fails before response.created (nothing to resume; retry() can see the SDK's class)", async () => {
    const cause = cutError();
    const client = fakeResponsesClient(() => throwError(() => cause));
    const result = lastValueFrom(streamResponse(client, params).pipe(resumable(client)));
    await expect(result).rejects.toBe(cause);
    expect(client.retrieveCalls).toHaveLength(0);
  });

  it('gives up with ResumeFailedError after `retries` reconnections in a row, waiting `backoff(attempt)` each time', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    const attempts: number[] = [];
    const last = new APIConnectionError({ message: 'the last failure' });
    testScheduler().run(({ cold, expectObservable }) => {
      const client = fakeResponsesClient(() => cold('ab#', values, cutError()), {
        retrieve: (_id, _after, index) => throwError(() => (index === 1 ? last : cutError())),
      });
      const backoff = (attempt: number) => {
        attempts.push(attempt);
        return attempt * 100;
      };
      // Cut at 2; reconnections at 102 and 302 fail; then it gives up.
      expectObservable(streamResponse(client, params).pipe(resumable(client, { retries: 2, backoff }))).toBe(
        'ab 300ms #',
        values,
        new ResumeFailedError('resp_test', 2, 1, { cause: last }),
      );
    });
    expect(attempts).toEqual([1, 2]);
  });

  it('starts counting again when a reconnection makes progress', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      const replays = [cold('c#', values, cutError()), cold('d#', values, cutError()), replay(events, 3)];
      const client = fakeResponsesClient(() => cold('ab#', values, cutError()), {
        retrieve: (_id, _after, index) => replays[index]!,
      });
      expectObservable(
        streamResponse(client, params).pipe(resumable(client, { retries: 1, backoff: 1 })),
      ).toBe('ab-c-d-(efghij|)', values);
    });
  });

  it('cancels a pending reconnection when unsubscribed during the backoff', () => {
    const events = backgroundEvents();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const client = fakeResponsesClient(() => cold('ab#', values, cutError()), {
        retrieve: (_id, after) => replay(events, after),
      });
      expectObservable(
        streamResponse(client, params).pipe(resumable(client, { backoff: 100 })),
        '^ 50ms !',
      ).toBe('ab', values);
      flush();
      expect(client.retrieveCalls).toHaveLength(0);
    });
  });

  it('unsubscribes from the live connection when unsubscribed, and keeps state per subscription', () => {
    const events = backgroundEvents();
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      const client = fakeResponsesClient(() => source);
      const operator = resumable(client);
      expectObservable(streamResponse(client, params).pipe(operator), '^--!').toBe('abc', values);
      expectObservable(streamResponse(client, params).pipe(operator)).toBe(marbles, values);
      expectSubscriptions(source.subscriptions).toBe(['^--!', '^---------!']);
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', async () => {
    const events = backgroundEvents();
    let produced = 0;
    const firehose: Observable<ResponseStreamEvent> = new Obs((subscriber) => {
      for (const event of events) {
        if (subscriber.closed) break;
        produced++;
        subscriber.next(event);
      }
      subscriber.complete();
    });
    const client = fakeResponsesClient(() => firehose);
    await expect(
      lastValueFrom(streamResponse(client, params).pipe(resumable(client), take(2), toArray())),
    ).resolves.toEqual(events.slice(0, 2));
    expect(produced).toBe(2);
    await expect(lastValueFrom(from([]).pipe(resumable(client), toArray()))).resolves.toEqual([]);
  });
});
