// The Cancel that stops the work, in process: unsubscribing from a background response before its terminal event
// calls client.responses.cancel(id), once; an error, a completion or a relay's own unsubscribe never do.
import { APIConnectionError, APIUserAbortError } from 'openai';
import { concat, NEVER, type Observable, of, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ResponseStreamEvent,
  resumable,
  resumeResponse,
  SequenceGapError,
  streamResponse,
} from '../../src/index';
import { toServerSentEvents } from '../../src/server/index';
import { eventMarbles, fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

const params = { model: 'gpt-5', input: 'a fox', background: true } as const;
const background = () =>
  imageGenerationEvents({ images: 1, partials: 2, responseId: 'resp_bg', background: true });

/** A fake client serving `source` for `create` (and `retrieve`), with a `cancel` that records its calls. */
function clientWith(
  source: Parameters<typeof fakeResponsesClient>[0],
  options: Parameters<typeof fakeResponsesClient>[1] & { cancel?: (id: string) => Promise<unknown> } = {},
) {
  const client = fakeResponsesClient(source, options);
  const cancelled: string[] = [];
  Object.assign(client.responses, {
    cancel: (id: string) => {
      cancelled.push(id);
      return options.cancel ? options.cancel(id) : Promise.resolve({ id, status: 'cancelled' });
    },
  });
  return { client, cancelled };
}

describe('streamResponse: cancel on unsubscribe', () => {
  it('unsubscribing before the terminal event cancels the background response, once', () => {
    const { values } = eventMarbles(background());
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const { client, cancelled } = clientWith(() => cold('abcdefghij|', values));
      expectObservable(streamResponse(client, params), '^---!').toBe('abcd', values);
      flush();
      expect(cancelled).toEqual(['resp_bg']);
      expect(client.calls[0]!.aborted).toBe(true);
    });
  });

  it('take(n) is an unsubscribe too; a firehose cut synchronously cancels once', () => {
    const { client, cancelled } = clientWith(background());
    streamResponse(client, params).pipe(take(3)).subscribe();
    expect(cancelled).toEqual(['resp_bg']);
  });

  it('nothing is cancelled after the terminal event, on completion, on an error, or before the id is known', () => {
    const events = background();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const done = clientWith(() => cold('abcdefghij|', values));
      expectObservable(streamResponse(done.client, params)).toBe('abcdefghij|', values);
      const lingering = clientWith(() => cold('abcdefghij---', values));
      // The terminal event came: unsubscribing later cancels nothing (the response is over).
      expectObservable(streamResponse(lingering.client, params), '^------------!').toBe(
        'abcdefghij---',
        values,
      );
      const cut = clientWith(() => cold('abc#', values, new APIConnectionError({ message: 'cut' })));
      expectObservable(streamResponse(cut.client, params)).toBe('abc#', values, expect.anything());
      const early = clientWith(() => cold('---a', values));
      expectObservable(streamResponse(early.client, params), '^-!').toBe('---');
      flush();
      expect([done.cancelled, lingering.cancelled, cut.cancelled, early.cancelled]).toEqual([[], [], [], []]);
    });
  });

  it('a response that is not a background one is never cancelled (the API cannot)', () => {
    const { client, cancelled } = clientWith(imageGenerationEvents({ images: 1, responseId: 'resp_fg' }));
    streamResponse(client, { model: 'gpt-5', input: 'a fox' }).pipe(take(3)).subscribe();
    expect(cancelled).toEqual([]);
  });

  it('your signal is a Cancel too: APIUserAbortError, and the response is cancelled', () => {
    const { client, cancelled } = clientWith(() => concat(of(...background().slice(0, 3)), NEVER));
    const controller = new AbortController();
    let error: unknown;
    streamResponse(client, params, { signal: controller.signal }).subscribe({ error: (e) => (error = e) });
    controller.abort();
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(cancelled).toEqual(['resp_bg']);
  });

  it('cancelOnUnsubscribe: false turns it off; a client without cancel is skipped', () => {
    const { client, cancelled } = clientWith(background());
    streamResponse(client, params, { cancelOnUnsubscribe: false }).pipe(take(3)).subscribe();
    expect(cancelled).toEqual([]);
    const plain = fakeResponsesClient(background());
    expect(() => streamResponse(plain, params).pipe(take(3)).subscribe()).not.toThrow();
  });

  it('a cancel that fails never throws out of teardown: onCancelError hears of it, with the id', async () => {
    const heard: [unknown, string][] = [];
    const rejecting = clientWith(background(), { cancel: () => Promise.reject(new Error('503')) });
    const onCancelError = (error: unknown, id: string) => heard.push([error, id]);
    expect(() =>
      streamResponse(rejecting.client, params, { onCancelError }).pipe(take(2)).subscribe(),
    ).not.toThrow();
    const throwing = fakeResponsesClient(background());
    Object.assign(throwing.responses, {
      cancel: () => {
        throw new Error('sync');
      },
    });
    expect(() => streamResponse(throwing, params, { onCancelError }).pipe(take(2)).subscribe()).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard.map(([e, id]) => [(e as Error).message, id])).toEqual([
      ['sync', 'resp_bg'],
      ['503', 'resp_bg'],
    ]);
  });
});

describe('resumeResponse and resumable: cancel on unsubscribe', () => {
  it('resumeResponse knows its id up front: unsubscribing before any event cancels', () => {
    const { client, cancelled } = clientWith(background(), { retrieve: () => concat(of(), NEVER) });
    resumeResponse(client, 'resp_bg', { startingAfter: 3 }).subscribe().unsubscribe();
    expect(cancelled).toEqual(['resp_bg']);
  });

  it('resumable cancels once when unsubscribed while connected, and while waiting to reconnect', () => {
    const events = background();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const connected = clientWith(() => cold('abcd---', values), { retrieve: () => cold('efg', values) });
      expectObservable(
        streamResponse(connected.client, params).pipe(resumable(connected.client)),
        '^-----!',
      ).toBe('abcd', values);
      const cut = new APIConnectionError({ message: 'cut' });
      const waiting = clientWith(() => cold('abcd#', values, cut), { retrieve: () => cold('efg', values) });
      // The cut at 4; the reconnection would be at 504: unsubscribed at 100, during the wait.
      expectObservable(
        streamResponse(waiting.client, params).pipe(resumable(waiting.client)),
        '^ 99ms !',
      ).toBe('abcd', values);
      flush();
      expect(connected.cancelled).toEqual(['resp_bg']);
      expect(waiting.cancelled).toEqual(['resp_bg']);
      expect(waiting.client.retrieveCalls).toEqual([]);
    });
  });

  it("resumable's own verdicts (a gap) and its signal: an error cancels nothing, the signal cancels", () => {
    const events = background();
    const { values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const cut = new APIConnectionError({ message: 'cut' });
      const gap = clientWith(() => cold('abc#', values, cut), { retrieve: () => cold('fg', values) });
      expectObservable(streamResponse(gap.client, params).pipe(resumable(gap.client, { backoff: 1 }))).toBe(
        'abc 1ms #',
        values,
        expect.any(SequenceGapError),
      );
      flush();
      expect(gap.cancelled).toEqual([]);
    });
    const { client, cancelled } = clientWith(() => concat(of(...events.slice(0, 3)), NEVER));
    const controller = new AbortController();
    streamResponse(client, params)
      .pipe(resumable(client, { signal: controller.signal }))
      .subscribe({ error: () => {} });
    controller.abort();
    expect(cancelled).toEqual(['resp_bg']);
  });

  it('a relay never cancels (its unsubscribes are detached), whatever sits between', async () => {
    const events = background();
    const { client, cancelled } = clientWith(() => concat(of(...events.slice(0, 3)), NEVER));
    const source: Observable<ResponseStreamEvent> = streamResponse(client, params).pipe(resumable(client));
    const reader = toServerSentEvents(source).getReader();
    await reader.read();
    await reader.cancel();
    expect(client.calls[0]!.aborted).toBe(true);
    expect(cancelled).toEqual([]);
  });
});
