// fromServerSentEvents + imageStates + objectUrls in a real browser (Debian's Chromium, driven by playwright-core),
// reading a node:http relay (the README's: readJsonBody, resumeFromRequest, streamResponse, pipeServerSentEvents
// with a cursor, cancelFromRequest; the real openai client) in front of the local Responses server. The page runs
// the README's browser snippet, bundled with esbuild.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/server/index';
import { startRelay, type TestRelay } from '../support/relays';
import { launchChromium } from './chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS = {
  'two foxes': { images: 2, partials: 2 },
  slow: { images: 1, partials: 2, stallAfterEvents: 6 },
  overloaded: {
    errorEvent: {
      afterEvents: 3,
      code: 'server_error',
      message: 'The server had an error processing your request.',
    },
  },
  unauthorized: { status: 401 },
} as const;

let api: MockResponsesServer;
let site: TestRelay;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Replays and cancels have no body: only a new response's prompt picks a scenario.
  api = await startMockResponsesServer({
    scenario: (request) => {
      const input = (request.body as { input?: keyof typeof SCENARIOS } | null)?.input;
      return input ? SCENARIOS[input] : {};
    },
  });
  const bundle = await build({
    entryPoints: [`${root}test/e2e/browser-relay/page.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    alias: { 'rxjs-openai': `${root}src/index.ts` },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: api.url, maxRetries: 0 });
  // The README's relay (bounded bodies, cursors, resume, cancel), serving the page besides.
  site = await startRelay({
    client,
    cursor: { secret: 'the browser-relay e2e secret, 32+ bytes long' },
    serve: (req, res) => {
      if (req.url === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><div id="images"></div><p id="error"></p><script type="module" src="/page.js"></script>',
      );
    },
  });
  origin = site.url;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await api?.close();
});

interface PageState {
  urls: string[];
  latest: { itemId: string; status: string; url: string | null }[];
  error: { name: string; code: string | null; message: string } | null;
}
type PageWindow = Window & {
  pageState: PageState;
  start(prompt: string): void;
  stop(): void;
  alive(url: string): Promise<boolean>;
};

async function open(prompt: keyof typeof SCENARIOS) {
  await page.goto(origin);
  await page.waitForFunction(() => typeof (window as unknown as PageWindow).start === 'function');
  const index = api.requests.length;
  await page.evaluate((p) => (window as unknown as PageWindow).start(p), prompt);
  return index;
}
const pageState = () => page.evaluate(() => (window as unknown as PageWindow).pageState);
const alive = (urls: string[]) =>
  page.evaluate((list) => Promise.all(list.map((u) => (window as unknown as PageWindow).alive(u))), urls);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b64: string): [number, number] {
  const bytes = Buffer.from(b64, 'base64');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('in Chromium: relay → fromServerSentEvents → imageStates → objectUrls', () => {
  it('shows previews, then the final images at their served size; old URLs revoked, all revoked on unsubscribe', async () => {
    const index = await open('two foxes');
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll('img')];
      return (
        imgs.length === 2 &&
        imgs.every((img) => img.dataset.status === 'completed' && img.complete && img.naturalWidth > 0)
      );
    });
    const served = api.responses.get((await api.request(index)).responseId!)!.images;
    const sizes = await page.$$eval('img', (imgs) =>
      imgs.map((img) => [img.id, img.naturalWidth, img.naturalHeight]),
    );
    expect(sizes).toEqual(served.map((image) => [image.itemId, ...pngSize(image.b64)]));

    const state = await pageState();
    // Two previews and a final image each: six URLs, of which only the two final ones are still valid.
    expect(state.urls).toHaveLength(6);
    const finals = state.latest.map((image) => image.url!);
    expect(await alive(state.urls)).toEqual(state.urls.map((url) => finals.includes(url)));

    await page.evaluate(() => (window as unknown as PageWindow).stop());
    expect(await alive(state.urls)).toEqual(state.urls.map(() => false));
  });

  it('unsubscribing during a slow stream closes the relay and the request to the API, and cancels the response', async () => {
    const index = await open('slow');
    await page.waitForFunction(() => document.querySelector('img')?.dataset.status === 'partial');
    await page.evaluate(() => (window as unknown as PageWindow).stop());
    const record = await api.request(index);
    await record.ended;
    // The relay's abort and the page's cancel race to the server: either ends the stream there.
    expect(['client-closed', 'cancelled']).toContain(record.end);
    expect(record.eventsSent).toBeLessThan(record.eventsPlanned);
    // The page's cancel (a keepalive fetch to /api/cancel, with its cursor) reached the API.
    const cancel = await api.request(index + 1);
    await cancel.ended;
    expect([cancel.url, cancel.status]).toEqual([`/v1/responses/${record.responseId}/cancel`, 200]);
    expect(api.cancelled).toContain(record.responseId);
  });

  it('a body that is not JSON is answered 400 with { code, message }, and the relay keeps serving', async () => {
    await page.goto(origin);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/images', { method: 'POST', body: 'prompt=a fox' });
      return [response.status, await response.json()];
    });
    expect(answer).toEqual([400, { code: 'invalid_json', message: 'The request body is not valid JSON.' }]);
    const forged = await page.evaluate(async () => {
      const response = await fetch('/api/images', {
        method: 'POST',
        headers: { 'last-event-id': 'v1.eA.1.x' },
      });
      return response.status;
    });
    expect(forged).toBe(400);
    await open('two foxes');
    await page.waitForFunction(() => document.querySelectorAll('img[data-status="completed"]').length === 2);
  });

  it("an upstream error event reaches the page as a ResponseStreamError with the API's code", async () => {
    await open('overloaded');
    await page.waitForFunction(() => (window as unknown as PageWindow).pageState.error !== null);
    expect((await pageState()).error).toMatchObject({ name: 'ResponseStreamError', code: 'server_error' });
    expect(await page.textContent('#error')).toContain('The server had an error processing your request.');
  });

  it('an upstream 401 reaches the page as a safe error, without the key', async () => {
    await open('unauthorized');
    await page.waitForFunction(() => (window as unknown as PageWindow).pageState.error !== null);
    const { error } = await pageState();
    expect(error).toMatchObject({ name: 'ResponseStreamError', code: 'upstream_auth' });
    expect(error!.message).not.toContain('sk-test');
  });
});
