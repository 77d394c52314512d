import { APIUserAbortError } from 'openai/core/error';
import { lastValueFrom, retry, Subject, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ResponseStreamEvent,
  streamResponse,
  TruncatedStreamError,
  withFinalImage,
} from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  fakeResponsesClient,
  imageGenerationScenario,
} from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

const params = { model: 'gpt-5', input: 'A lighthouse', tools: [{ type: 'image_generation' as const }] };

describe('streamResponse', () => {
  it('is lazy and cold: one request per subscription, with stream: true and a signal', async () => {
    const { events } = imageGenerationScenario();
    const client = fakeResponsesClient(events);
    const images$ = streamResponse(client, params, { timeout: 5000 }).pipe(withFinalImage());
    expect(client.calls).toHaveLength(0);
    await lastValueFrom(images$);
    await lastValueFrom(images$);
    expect(client.calls).toHaveLength(2);
    expect(client.calls[0]!.params).toEqual({ ...params, stream: true });
    expect(client.calls[0]!.options).toMatchObject({ timeout: 5000, signal: expect.any(AbortSignal) });
    expect(client.calls[0]!.aborted).toBe(false);
  });

  it('runs on virtual time with an Observable-backed fake client, and aborts the request on unsubscribe', () => {
    const { events } = imageGenerationScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const source = cold(marbles, values);
      const client = fakeResponsesClient(source);
      expectObservable(streamResponse(client, params), '^---!').toBe('abcd', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
      flush();
      expect(client.calls).toHaveLength(1);
      expect(client.calls[0]!.aborted).toBe(true);
    });
  });

  it('re-sends the request on retry', async () => {
    const e = createEventFactory();
    const client = fakeResponsesClient((_params, call) =>
      call === 0 ? [e.created()] /* cut: no terminal event */ : [e.created(), e.completed()],
    );
    const events = await lastValueFrom(streamResponse(client, params).pipe(retry(1), toArray()));
    expect(client.calls).toHaveLength(2);
    expect(events.map((ev) => ev.type)).toEqual([
      'response.created',
      'response.created',
      'response.completed',
    ]);
  });

  it('errors with TruncatedStreamError when an Observable-backed stream ends early', async () => {
    const client = fakeResponsesClient([createEventFactory().created()]);
    await expect(lastValueFrom(streamResponse(client, params))).rejects.toBeInstanceOf(TruncatedStreamError);
  });

  it("errors with the SDK's APIUserAbortError on the caller's own signal, and aborts the request", async () => {
    const events$ = new Subject<ResponseStreamEvent>();
    const client = fakeResponsesClient(events$);
    const caller = new AbortController();
    const received: ResponseStreamEvent[] = [];
    const done = lastValueFrom(
      streamResponse(client, params, { signal: caller.signal }).pipe(tap((event) => received.push(event))),
    );
    events$.next(createEventFactory().created());
    caller.abort();
    await expect(done).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toHaveLength(1);
    expect(client.calls[0]!.aborted).toBe(true);
    // The SDK is given our own signal, never the caller's: "was it us" is decided from our controller.
    expect(client.calls[0]!.options?.signal).not.toBe(caller.signal);
  });

  it('does not send a request when the caller signal is already aborted: APIUserAbortError at once', async () => {
    const client = fakeResponsesClient([]);
    const caller = new AbortController();
    caller.abort();
    await expect(
      lastValueFrom(streamResponse(client, params, { signal: caller.signal }).pipe(toArray())),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(client.calls).toHaveLength(0);
  });

  it('does not pass idleTimeout to the SDK (it is ours)', async () => {
    const client = fakeResponsesClient([createEventFactory().created(), createEventFactory().completed()]);
    await lastValueFrom(
      streamResponse(client, params, { idleTimeout: 5_000, timeout: 1_000 }).pipe(toArray()),
    );
    expect(client.calls[0]!.options).not.toHaveProperty('idleTimeout');
    expect(client.calls[0]!.options).toHaveProperty('timeout', 1_000);
  });

  it('errors with what create() rejects with (the SDK raises APIError before streaming)', async () => {
    const failure = Object.assign(new Error('401 Incorrect API key'), { status: 401 });
    const client = {
      responses: {
        create: () => Promise.reject(failure),
      },
    };
    await expect(lastValueFrom(streamResponse(client, params))).rejects.toBe(failure);
  });

  it('aborts a stream that resolves after the subscriber already left', async () => {
    const controller = new AbortController();
    let resolve!: (stream: {
      controller: AbortController;
      [Symbol.asyncIterator](): AsyncIterator<ResponseStreamEvent>;
    }) => void;
    const client = {
      responses: {
        create: () => new Promise<Parameters<typeof resolve>[0]>((r) => (resolve = r)),
      },
    };
    const subscription = streamResponse(client, params).subscribe();
    subscription.unsubscribe();
    resolve({ controller, [Symbol.asyncIterator]: async function* () {} });
    await new Promise((r) => setTimeout(r, 0));
    expect(controller.signal.aborted).toBe(true);
  });
});
