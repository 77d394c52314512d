import { NotFoundError } from 'openai';
import { APIUserAbortError } from 'openai/core/error';
import { lastValueFrom, NEVER, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ResponseStreamEvent, resumeResponse, TruncatedStreamError } from '../../src/index';
import { fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';

describe('resumeResponse', () => {
  it('replays the events after startingAfter through responses.retrieve, one request per subscription', async () => {
    const events = imageGenerationEvents({ images: 1, partials: 1 });
    const client = fakeResponsesClient(events);
    const replay$ = resumeResponse(client, 'resp_test', { startingAfter: 3 });
    expect(client.retrieveCalls).toHaveLength(0);
    const received = await lastValueFrom(replay$.pipe(toArray()));
    expect(received).toEqual(events.filter((e) => e.sequence_number > 3));
    await lastValueFrom(replay$.pipe(toArray()));
    expect(client.retrieveCalls.map((c) => [c.responseId, c.query])).toEqual([
      ['resp_test', { stream: true, starting_after: 3 }],
      ['resp_test', { stream: true, starting_after: 3 }],
    ]);
  });

  it('replays from the first event without startingAfter, and passes request options with its own signal', async () => {
    const events = imageGenerationEvents({ images: 1 });
    const client = fakeResponsesClient(events);
    const received = await lastValueFrom(
      resumeResponse(client, 'resp_test', {}, { timeout: 5000 }).pipe(toArray()),
    );
    expect(received).toEqual(events);
    expect(client.retrieveCalls[0]?.query).toEqual({ stream: true });
    expect(client.retrieveCalls[0]?.options?.timeout).toBe(5000);
    expect(client.retrieveCalls[0]?.options?.signal).toBeInstanceOf(AbortSignal);
  });

  it("aborts the request when unsubscribed, and errors with APIUserAbortError on the caller's signal", () => {
    const client = fakeResponsesClient([], { retrieve: NEVER });
    const subscription = resumeResponse(client, 'resp_1').subscribe();
    expect(client.retrieveCalls[0]?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(client.retrieveCalls[0]?.aborted).toBe(true);

    const controller = new AbortController();
    let error: unknown;
    resumeResponse(client, 'resp_1', {}, { signal: controller.signal }).subscribe({
      error: (thrown: unknown) => (error = thrown),
    });
    controller.abort();
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(client.retrieveCalls[1]?.aborted).toBe(true);
  });

  it('errors with TruncatedStreamError when the replay stops without a terminal event', async () => {
    const events = imageGenerationEvents({ images: 1 });
    const client = fakeResponsesClient([], { retrieve: events.slice(2, 5) });
    const result = lastValueFrom(resumeResponse(client, 'resp_test', { startingAfter: 1 }));
    await expect(result).rejects.toBeInstanceOf(TruncatedStreamError);
    await expect(result).rejects.toMatchObject({ eventCount: 3, lastSequenceNumber: 4 });
  });

  it("passes the SDK's HTTP errors through unchanged", async () => {
    const notFound = new NotFoundError(404, { message: 'nope' }, 'nope', new Headers());
    const client = fakeResponsesClient([], { retrieve: throwError(() => notFound) });
    await expect(lastValueFrom(resumeResponse(client, 'resp_x'))).rejects.toBe(notFound);
    const rejecting = fakeResponsesClient((): ResponseStreamEvent[] => []);
    await expect(lastValueFrom(resumeResponse(rejecting, 'resp_x'))).rejects.toThrow(/nothing to serve/);
  });
});
