// The browser hop, over real HTTP: the real `openai` client against the local server, two relay instances
// (real node:http servers, the same cursor secret, nothing stored on either), and fromServerSentEvents reading
// them with `fetch`, as a page does. Relay A is killed in the middle of the image; the stream goes on through
// relay B from the last cursor.
import { lastValueFrom, share, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { fromServerSentEvents, type ResponseStreamEvent, withFinalImage } from '../../src/index';
import { verifyCursor } from '../../src/server/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { startRelay, type TestRelay } from '../support/relays';
import { clientFor, withScenario } from './support';

const cursor = { secret: 'a test secret of at least thirty-two bytes, shared by the relays' };

let mock: MockResponsesServer | undefined;
const relays: TestRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  await mock?.close();
  mock = undefined;
});

async function setUp(scenario: Parameters<typeof withScenario>[0]) {
  mock = await startMockResponsesServer();
  const client = clientFor(mock);
  const headers = withScenario(scenario).headers;
  const a = await startRelay({ client, cursor, headers });
  const b = await startRelay({ client, cursor, headers });
  relays.push(a, b);
  return { mock, a, b };
}

describe('resuming through another relay instance', () => {
  it('relay A is killed mid-image; the browser resumes through relay B: the image byte-identical, no event twice', async () => {
    const { mock, a, b } = await setUp({ images: 1, partials: 2, delayMs: 15 });
    const cursorsSent: (string | null)[] = [];
    const events$ = fromServerSentEvents(
      (signal, last) => {
        cursorsSent.push(last);
        // The first request goes to relay A; any resume to relay B (a load balancer's pick).
        return fetch(`${last === null ? a.url : b.url}/api/images`, {
          method: 'POST',
          headers: last ? { 'last-event-id': last } : {},
          body: JSON.stringify({ prompt: 'A lighthouse at dawn' }),
          signal,
        });
      },
      { resume: { retries: 3, backoff: 10 } },
    ).pipe(share());

    const received: ResponseStreamEvent[] = [];
    events$.subscribe((event) => {
      received.push(event);
      // In the middle of the image: after its first preview, relay A goes down, connections and all.
      if (event.type === 'response.image_generation_call.partial_image' && event.partial_image_index === 0) {
        void a.kill();
      }
    });
    const [image] = await lastValueFrom(events$.pipe(withFinalImage(), toArray()));

    const responseId = received[0]!.type === 'response.created' ? received[0]!.response.id : '';
    const stored = mock.responses.get(responseId)!;
    // Byte for byte the image the server made, and every event once, in order: exactly the stored response.
    expect(Buffer.from(image!.b64, 'base64').equals(Buffer.from(stored.images[0]!.b64, 'base64'))).toBe(true);
    expect(received.map((event) => event.sequence_number)).toEqual(
      stored.events.map((e) => e.sequence_number),
    );
    expect(received.at(-1)!.type).toBe('response.completed');

    // Relay B was asked with relay A's last cursor, and replayed from the API after it.
    expect(cursorsSent).toHaveLength(2);
    expect(cursorsSent[0]).toBeNull();
    const resumedFrom = await verifyCursor(cursorsSent[1]!, cursor);
    expect(resumedFrom.responseId).toBe(responseId);
    expect(b.requests.map((r) => [r.lastEventId, r.status])).toEqual([[cursorsSent[1], 200]]);
    const replay = mock.requests.find((r) => r.method === 'GET')!;
    expect(replay.url).toBe(
      `/v1/responses/${responseId}?stream=true&starting_after=${resumedFrom.sequenceNumber}`,
    );
    // The image was not finished when relay A went down.
    const cutAt = received.findIndex((event) => event.sequence_number === resumedFrom.sequenceNumber);
    expect(received.slice(0, cutAt + 1).some((event) => event.type === 'response.output_item.done')).toBe(
      false,
    );
  });

  it("the API's connection to relay A is cut: relay A drops the browser's too (no error event), which resumes", async () => {
    // The first request to the API (relay A's) is cut in the middle of the image; the replay is whole.
    mock = await startMockResponsesServer({
      scenario: (request) => (request.index === 0 ? { delayMs: 5, cut: { afterEvents: 6 } } : { delayMs: 5 }),
    });
    const client = clientFor(mock);
    const a = await startRelay({ client, cursor });
    const b = await startRelay({ client, cursor });
    relays.push(a, b);
    const received = await lastValueFrom(
      fromServerSentEvents(
        (signal, last) =>
          fetch(`${last === null ? a.url : b.url}/api/images`, {
            method: 'POST',
            headers: last ? { 'last-event-id': last } : {},
            body: JSON.stringify({ prompt: 'A fox' }),
            signal,
          }),
        { resume: { backoff: 0 } },
      ).pipe(toArray()),
    );
    const responseId = (received[0] as { response: { id: string } }).response.id;
    const stored = mock.responses.get(responseId)!;
    expect(received.map((event) => event.sequence_number)).toEqual(
      stored.events.map((e) => e.sequence_number),
    );
    expect(received.some((event) => event.type === 'error')).toBe(false);
    expect(b.requests).toHaveLength(1);
    expect(mock.requests.map((r) => r.end)).toEqual(['cut', 'finished']);
  });

  it('a forged or altered cursor is answered 403 by every instance, and no request reaches the API', async () => {
    const { mock, a, b } = await setUp({ images: 1, partials: 0 });
    const genuine = await lastValueFrom(
      fromServerSentEvents((signal) =>
        fetch(`${a.url}/api/images`, { method: 'POST', body: JSON.stringify({ prompt: 'x' }), signal }),
      ).pipe(toArray()),
    );
    const apiRequests = mock.requests.length;
    const responseId = (genuine[0] as { response: { id: string } }).response.id;
    const forged = `v1.${Buffer.from(responseId).toString('base64url')}.3.${'A'.repeat(43)}`;
    for (const relay of [a, b]) {
      const answer = await fetch(`${relay.url}/api/images`, {
        method: 'POST',
        headers: { 'last-event-id': forged },
      });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({
        code: 'forbidden_cursor',
        message: 'The cursor was not issued by this service.',
      });
      const malformed = await fetch(`${relay.url}/api/images`, {
        method: 'POST',
        headers: { 'last-event-id': 'resp_123:4' },
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ code: 'invalid_cursor' });
    }
    expect(mock.requests.length).toBe(apiRequests);
  });
});

describe('Cancel through the relay', () => {
  it('unsubscribing calls the relay, which cancels the background response: the server stops producing it', async () => {
    const { mock, a } = await setUp({ images: 1, partials: 3, delayMs: 20 });
    const cancels: Promise<Response>[] = [];
    const received: ResponseStreamEvent[] = [];
    const subscription = fromServerSentEvents(
      (signal, last) =>
        fetch(`${a.url}/api/images`, {
          method: 'POST',
          headers: last ? { 'last-event-id': last } : {},
          body: JSON.stringify({ prompt: 'A slow fox' }),
          signal,
        }),
      {
        resume: true,
        cancel: (last) => {
          const done = fetch(`${a.url}/api/cancel`, { method: 'POST', headers: { 'last-event-id': last } });
          cancels.push(done);
          return done;
        },
      },
    ).subscribe((event) => {
      received.push(event);
      if (event.type === 'response.image_generation_call.partial_image') subscription.unsubscribe();
    });
    await new Promise<void>((resolve) => {
      const wait = () => (cancels.length > 0 ? resolve() : setTimeout(wait, 5));
      wait();
    });
    expect(cancels).toHaveLength(1);
    const answer = await cancels[0]!;
    const responseId = (received[0] as { response: { id: string } }).response.id;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ id: responseId, status: 'cancelled' });
    expect(mock.cancelled).toEqual([responseId]);
    const stored = mock.responses.get(responseId)!;
    expect(stored.response.status).toBe('cancelled');
    // Nothing more is produced: a replay of it ends where it stopped, without its image.
    const replay = await fetch(`${mock.url}/responses/${responseId}?stream=true&starting_after=-1`, {
      headers: { authorization: 'Bearer test' },
    });
    const replayed = (await replay.text()).match(/^event: .*$/gm)!;
    expect(replayed).toHaveLength(stored.events.length);
    expect(stored.events.length).toBeLessThan(received.length + 3);
    expect(stored.events.some((event) => event.type === 'response.output_item.done')).toBe(false);
  });

  it('a dropped connection is not a cancel: the relay leaves the response running for a resume', async () => {
    const { mock, a } = await setUp({ images: 1, partials: 2, delayMs: 10 });
    const controller = new AbortController();
    const answer = await fetch(`${a.url}/api/images`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'A fox' }),
      signal: controller.signal,
    });
    const reader = answer.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^id: v1\./);
    controller.abort();
    const created = await mock.request(0);
    expect((await created.ended).end).toBe('client-closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mock.cancelled).toEqual([]);
    expect(mock.requests.some((r) => r.url.endsWith('/cancel'))).toBe(false);
  });
});
