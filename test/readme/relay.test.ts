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
    scenario: (request) =>
      (request.body as { input?: string } | null)?.input === 'a slow fox'
        ? { images: 1, partials: 2, stallAfterEvents: 6 }
        : { images: 2, partials: 2 },
  });
  Object.assign(process.env, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: api.url, PORT: '0' });
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
    // None of them reached the API.
    expect(api.requests).toHaveLength(requests);

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

  it('unsubscribing in the browser closes the request to the API', async () => {
    const { generate } = await import('./relay-browser');
    const before = api.requests.length;
    await lastValueFrom(
      generate('a slow fox').pipe(first((images) => images.some((image) => image.url !== null))),
    );
    const record = await api.request(before);
    await record.ended;
    expect(record.clientClosed).toBe(true);
  });
});
