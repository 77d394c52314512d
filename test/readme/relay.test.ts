import { Buffer, resolveObjectURL } from 'node:buffer';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { first, lastValueFrom, toArray } from 'rxjs';
import { fromServerSentEvents, type ImageStateWithUrl } from 'rxjs-openai';
import { type MockResponsesServer, startMockResponsesServer } from 'rxjs-openai/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { relayed } from '../server/support';

// Runs the README's relay snippets as they are (see test/readme.test.ts), through the real `openai` client,
// against the local Responses server. The browser snippet's relative `fetch('/api/images')` is pointed at the
// relay, as a page served by it would be.
let api: MockResponsesServer;
let relay: Server;
let base: string;
const env = { ...process.env };

beforeAll(async () => {
  api = await startMockResponsesServer({
    scenario: (request) => {
      const input = (request.body as { input?: string } | null)?.input;
      if (input === 'a slow fox') return { images: 1, partials: 2, stallAfterEvents: 6 };
      if (input === 'a fox on a bad line') return { images: 1, partials: 2, delayMs: 5 };
      return { images: 2, partials: 2 };
    },
  });
  Object.assign(process.env, {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: api.url,
    PORT: '0',
    CURSOR_SECRET: 'the README relay secret: 32 bytes or more',
  });
  ({ relay } = await import('./relay-server'));
  if (!relay.listening) await new Promise((resolve) => relay.once('listening', resolve));
  base = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => realFetch(new URL(input, base), init));
});

/** Unhandled rejections while a test ran: a relay must not leave any (one would end a real server). */
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  expect(rejections.splice(0)).toEqual([]);
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  vi.unstubAllGlobals();
  process.env = env;
  relay?.closeAllConnections();
  await new Promise((resolve) => relay?.close(resolve));
  await api?.close();
});

describe('README: browser and relay', () => {
  it('node:http relay + browser generate(): object URLs of the served images, revoked on unsubscribe', async () => {
    const { generate } = await import('./relay-browser');
    let last: readonly ImageStateWithUrl[] = [];
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const subscription = generate('two foxes').subscribe((images) => {
      last = images;
      if (images.length === 2 && images.every((image) => image.status === 'completed')) finished();
    });
    await done;
    const served = [...api.responses.values()].at(-1)!.images;
    const bytes = await Promise.all(
      last.map(async (image) =>
        Buffer.from(await resolveObjectURL(image.url!)!.arrayBuffer()).toString('base64'),
      ),
    );
    expect(bytes).toEqual(served.map((image) => image.b64));
    subscription.unsubscribe();
    expect(last.filter((image) => resolveObjectURL(image.url!) !== undefined)).toEqual([]);
    expect(api.requests.at(-1)!.body).toMatchObject({ stream: true, input: 'two foxes' });
  });

  it('fetch-style route handler: every event of the response, in order', async () => {
    const { POST } = await import('./relay-route');
    const response = await POST(
      new Request('http://localhost/api/images', {
        method: 'POST',
        body: JSON.stringify({ prompt: 'a fox' }),
      }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await lastValueFrom(fromServerSentEvents(response).pipe(toArray()));
    const stored = [...api.responses.values()].at(-1)!;
    // Every event; the `Response` of the response.* events without the request's fields (tools...).
    expect(events).toEqual(stored.events.map((event) => relayed(event)));
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('node:http relay: a body that is not JSON, an upload cut mid-body, one too large, then a good request', async () => {
    const post = (body: BodyInit) => fetch(base, { method: 'POST', body });
    const requests = api.requests.length;

    const notJson = await post('prompt=a fox');
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toBe('application/json');
    expect(await notJson.json()).toEqual({
      code: 'invalid_json',
      message: 'The request body is not valid JSON.',
    });

    const noPrompt = await post(JSON.stringify({ prompt: 42 }));
    expect(noPrompt.status).toBe(400);
    expect(await noPrompt.json()).toEqual({ code: 'invalid_prompt', message: 'Send a prompt.' });

    // An upload that announces 1000 bytes, sends 11 and goes away.
    const cut = new Promise<void>((resolve) =>
      relay.once('request', (_req, res) => res.once('close', resolve)),
    );
    const socket = connect((relay.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /api/images HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"prompt":', () =>
      socket.destroy(),
    );
    await cut;

    const tooLarge = await post(JSON.stringify({ prompt: 'x'.repeat(70 * 1024) }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      code: 'body_too_large',
      message: 'The request body is over 65536 bytes.',
    });
    // None of them reached the API. (A page that leaves between its last image and `response.completed` sends its
    // cancel: the first test's may arrive now.)
    const created = api.requests.slice(requests).filter((r) => !r.url.endsWith('/cancel'));
    expect(created.map((r) => `${r.method} ${r.url}`)).toEqual([]);

    // The relay still serves.
    const events = await lastValueFrom(
      fromServerSentEvents(() => post(JSON.stringify({ prompt: 'a fox' }))).pipe(toArray()),
    );
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(api.requests.at(-1)!.body).toMatchObject({ input: 'a fox' });
  });

  it('fetch-style route handler: a bad body is a 400 or 413 with { code, message }, and no request', async () => {
    const { POST } = await import('./relay-route');
    const requests = api.requests.length;
    const answer = async (body: string) => {
      const response = await POST(new Request('http://localhost/api/images', { method: 'POST', body }));
      return [response.status, await response.json()];
    };
    expect(await answer('{"prompt": "a fox"')).toEqual([
      400,
      { code: 'invalid_json', message: 'The request body is not valid JSON.' },
    ]);
    expect(await answer('["a fox"]')).toEqual([
      400,
      { code: 'invalid_body', message: 'The request body must be a JSON object.' },
    ]);
    expect(await answer('{}')).toEqual([400, { code: 'invalid_prompt', message: 'Send a prompt.' }]);
    expect(await answer(JSON.stringify({ prompt: 'x'.repeat(70 * 1024) }))).toEqual([
      413,
      { code: 'body_too_large', message: 'The request body is over 65536 bytes.' },
    ]);
    expect(api.requests).toHaveLength(requests);
  });

  it('unsubscribing in the browser closes the request to the API, and cancels the response there', async () => {
    const { generate } = await import('./relay-browser');
    const before = api.requests.length;
    await lastValueFrom(
      generate('a slow fox').pipe(first((images) => images.some((image) => image.url !== null))),
    );
    const record = await api.request(before);
    await record.ended;
    expect(record.clientClosed).toBe(true);
    // The page's Cancel reached the relay's /api/cancel, which cancelled the background response.
    const cancel = await api.request(before + 1);
    await cancel.ended;
    expect([cancel.url, cancel.status]).toEqual([`/v1/responses/${record.responseId}/cancel`, 200]);
    expect(api.cancelled).toContain(record.responseId);
  });

  it('node:http relay: a dropped connection resumes from its cursor; the images byte-identical', async () => {
    const { generate } = await import('./relay-browser');
    const before = api.requests.length;
    let dropped = false;
    let finished!: (images: readonly ImageStateWithUrl[]) => void;
    const done = new Promise<readonly ImageStateWithUrl[]>((resolve) => (finished = resolve));
    const subscription = generate('a fox on a bad line').subscribe((list) => {
      // At the first preview, every connection to the relay drops (a phone changing networks).
      if (!dropped && list.some((image) => image.status === 'partial')) {
        dropped = true;
        relay.closeAllConnections();
      }
      if (list.length > 0 && list.every((image) => image.status === 'completed')) finished(list);
    });
    const images = await done;
    const created = await api.request(before);
    const served = api.responses.get(created.responseId!)!.images;
    const bytes = await Promise.all(
      images.map(async (image) =>
        Buffer.from(await resolveObjectURL(image.url!)!.arrayBuffer()).toString('base64'),
      ),
    );
    expect(bytes).toEqual(served.map((image) => image.b64));
    subscription.unsubscribe();
    // The relay replayed the stored response from the API, after the last event the page had.
    const replay = api.requests.slice(before).find((request) => request.method === 'GET');
    expect(replay?.url).toMatch(
      new RegExp(`^/v1/responses/${created.responseId}\\?stream=true&starting_after=\\d+$`),
    );
  });

  it('fetch-style route handler: resumes with a cursor, refuses a forged one (403), and cancels', async () => {
    const { POST, cancel } = await import('./relay-route');
    const first = await POST(
      new Request('http://localhost/api/images', { method: 'POST', body: '{"prompt":"a fox"}' }),
    );
    const text = await first.text();
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
    const stored = [...api.responses.values()].at(-1)!;
    expect(ids).toHaveLength(stored.events.length);

    // Resume after the fourth event: the rest, in order.
    const resumed = await POST(
      new Request('http://localhost/api/images', { method: 'POST', headers: { 'last-event-id': ids[3]! } }),
    );
    const rest = await lastValueFrom(fromServerSentEvents(resumed).pipe(toArray()));
    expect(rest).toEqual(stored.events.slice(4).map((event) => relayed(event)));

    const forged = `${ids[3]!.slice(0, -1)}${ids[3]!.endsWith('A') ? 'B' : 'A'}`;
    const refused = await POST(
      new Request('http://localhost/api/images', { method: 'POST', headers: { 'last-event-id': forged } }),
    );
    expect([refused.status, await refused.json()]).toEqual([
      403,
      { code: 'forbidden_cursor', message: 'The cursor was not issued by this service.' },
    ]);
    const cancelForged = await cancel(
      new Request('http://localhost/api/cancel', { method: 'POST', headers: { 'last-event-id': forged } }),
    );
    expect(cancelForged.status).toBe(403);
    // That response is finished: the API refuses to cancel it, and the page learns why.
    const late = await cancel(
      new Request('http://localhost/api/cancel', { method: 'POST', headers: { 'last-event-id': ids[3]! } }),
    );
    expect([late.status, await late.json()]).toEqual([
      400,
      { code: 'http_400', message: 'Cannot cancel a completed response.' },
    ]);
  });
});
