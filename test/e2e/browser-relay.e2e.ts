// fromServerSentEvents + imageStates + objectUrls in a real browser (Debian's Chromium, driven by playwright-core),
// reading a node:http relay (pipeServerSentEvents + streamResponse + the real openai client) in front of the local
// Responses server. The page runs the README's browser snippet, bundled with esbuild.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamResponse } from '../../src/index';
import { pipeServerSentEvents } from '../../src/server/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/server/index';
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
let site: Server;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  api = await startMockResponsesServer({
    scenario: (request) => SCENARIOS[(request.body as { input: keyof typeof SCENARIOS }).input] ?? {},
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
  site = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/api/images') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { prompt } = JSON.parse(body) as { prompt: string };
      const events$ = streamResponse(client, {
        model: 'gpt-5',
        input: prompt,
        tools: [{ type: 'image_generation', partial_images: 2 }],
      });
      await pipeServerSentEvents(events$, res);
      return;
    }
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><div id="images"></div><p id="error"></p><script type="module" src="/page.js"></script>',
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
});

afterAll(async () => {
  await browser?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
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

  it('unsubscribing during a slow stream closes the relay and the request to the API', async () => {
    const index = await open('slow');
    await page.waitForFunction(() => document.querySelector('img')?.dataset.status === 'partial');
    await page.evaluate(() => (window as unknown as PageWindow).stop());
    const record = await api.request(index);
    await record.ended;
    expect(record.clientClosed).toBe(true);
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
