import { Buffer, resolveObjectURL } from 'node:buffer';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { first, lastValueFrom, toArray } from 'rxjs';
import { fromServerSentEvents, type ImageStateWithUrl } from 'rxjs-openai';
import { type MockResponsesServer, startMockResponsesServer } from 'rxjs-openai/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

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

afterAll(async () => {
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
    expect(events).toEqual(stored.events);
    expect(events.at(-1)!.type).toBe('response.completed');
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
