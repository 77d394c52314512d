// Cancel that stops the work, through the real `openai` client against the local server: unsubscribing from a
// background response calls POST /v1/responses/{id}/cancel, and the server stops producing it.
import { BadRequestError, NotFoundError } from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResponseStreamEvent, resumable, resumeResponse, streamResponse } from '../../src/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { clientFor, params, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 1, partials: 3 } });
});
afterAll(() => server.close());

/** Resolves once `check` holds (polled; the cancel request is fire-and-forget by design). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('the local server: POST /v1/responses/{id}/cancel, as the API answers it', () => {
  it('cancels a running background response: its stream ends there, a replay stops there, its status is cancelled', async () => {
    const client = clientFor(server);
    const stream = await client.responses.create(
      { ...params, background: true, stream: true },
      withScenario({ delayMs: 20 }),
    );
    const seen: ResponseStreamEvent[] = [];
    let cancelled: { id: string; status?: string } | undefined;
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'response.image_generation_call.partial_image' && !cancelled) {
        cancelled = await client.responses.cancel((seen[0] as { response: { id: string } }).response.id);
      }
    }
    const id = (seen[0] as { response: { id: string } }).response.id;
    expect(cancelled).toMatchObject({ id, status: 'cancelled' });
    // The stream ended where the response stopped: no terminal event (the SDK's union has no cancellation event).
    expect(seen.map((e) => e.type)).not.toContain('response.completed');
    const record = server.requests.find(
      (r) => r.responseId === id && r.method === 'POST' && !r.url.endsWith('/cancel'),
    )!;
    expect(record.end).toBe('cancelled');
    expect(server.cancelled).toContain(id);
    const stored = server.responses.get(id)!;
    expect(stored.events.length).toBe(seen.length);
    expect((await client.responses.retrieve(id)).status).toBe('cancelled');
    const replayed: ResponseStreamEvent[] = [];
    for await (const event of await client.responses.retrieve(id, { stream: true, starting_after: 0 })) {
      replayed.push(event);
    }
    expect(replayed).toEqual(seen.slice(1));
    // Idempotent, as the API: cancelling again answers the cancelled response.
    expect(await client.responses.cancel(id)).toMatchObject({ id, status: 'cancelled' });
  });

  it('refuses a finished response (400), a response that is not a background one (400) and an unknown id (404)', async () => {
    const client = clientFor(server);
    const finished = await lastValueFrom(
      streamResponse(client, { ...params, background: true }).pipe(toArray()),
    );
    const finishedId = (finished[0] as { response: { id: string } }).response.id;
    const error = await client.responses.cancel(finishedId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('Cannot cancel a completed response.');

    const foreground = await lastValueFrom(streamResponse(client, params).pipe(toArray()));
    const foregroundId = (foreground[0] as { response: { id: string } }).response.id;
    await expect(client.responses.cancel(foregroundId)).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.responses.cancel('resp_nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(server.cancelled).not.toContain(finishedId);
  });
});

describe('unsubscribing from a background response, through the real client', () => {
  it('streamResponse: the server records the cancel and produces nothing more', async () => {
    const client = clientFor(server);
    let id = '';
    const subscription = streamResponse(
      client,
      { ...params, background: true },
      withScenario({ delayMs: 10 }),
    ).subscribe((event) => {
      if (event.type === 'response.created') id = event.response.id;
      if (event.type === 'response.image_generation_call.partial_image') subscription.unsubscribe();
    });
    await until(() => id !== '' && server.cancelled.includes(id));
    expect(server.requests.filter((r) => r.url === `/v1/responses/${id}/cancel`)).toHaveLength(1);
    const stored = server.responses.get(id)!;
    expect(stored.response.status).toBe('cancelled');
    expect(stored.events.some((e) => e.type === 'response.output_item.done')).toBe(false);
    const replay = await lastValueFrom(resumeResponse(client, id).pipe(toArray())).catch((e: unknown) => e);
    // A replay of a cancelled response ends without a terminal event: a cut, never a silent success.
    expect((replay as Error).name).toBe('TruncatedStreamError');
  });

  it('resumable: unsubscribed while waiting to reconnect, it cancels once', async () => {
    const client = clientFor(server);
    const before = server.cancelled.length;
    const cancels = () => server.requests.filter((r) => r.url.endsWith('/cancel')).length;
    const cancelsBefore = cancels();
    let waiting = false;
    const subscription = streamResponse(
      client,
      { ...params, background: true },
      withScenario({ cut: { afterEvents: 4 } }),
    )
      .pipe(
        resumable(client, {
          // Called when the cut has reached the client, before the wait: then it waits a minute.
          backoff: () => {
            waiting = true;
            return 60_000;
          },
        }),
      )
      .subscribe();
    await until(() => waiting);
    subscription.unsubscribe();
    await until(() => server.cancelled.length === before + 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancels()).toBe(cancelsBefore + 1);
  });
});
