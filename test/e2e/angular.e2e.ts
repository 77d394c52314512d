// The Angular example in a real browser: the built app and two instances of its relay (examples/angular, two
// processes with the same cursor secret) behind a round-robin proxy, streaming from the local Responses server,
// Chromium driven by playwright-core. `npm run test:e2e` builds everything first (scripts/test-e2e.sh).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/server/index';
import { launchChromium } from './chromium';
import { type RoundRobinProxy, startRoundRobinProxy } from './roundRobinProxy';

const example = fileURLToPath(new URL('../../examples/angular/', import.meta.url));
const results = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** What the page showed over time. */
interface Seen {
  lines: string[];
  previews: string[];
}

/** What the page received over the wire: each event stream's request cursor and text. */
interface Wire {
  url: string;
  lastEventId: string | null;
  text: string;
}

/** The secret both relay instances sign and verify cursors with. */
const CURSOR_SECRET = 'the e2e relays share this secret: 32 bytes or more';

let mock: MockResponsesServer;
/** The relay instances behind the proxy (a killed one is replaced by a new process). */
const relays: { relay: ChildProcess; url: string }[] = [];
let proxy: RoundRobinProxy;
let relayUrl: string;
let browser: Browser;
let page: Page;
/** Uncaught errors and console errors of the page: none are expected. */
const pageErrors: string[] = [];

beforeAll(async () => {
  mock = await startMockResponsesServer();
  for (let i = 0; i < 2; i++) relays.push(await startRelay({ MOCK_SERVER_URL: mock.url, CURSOR_SECRET }));
  proxy = await startRoundRobinProxy(() => relays.map((r) => r.url));
  relayUrl = proxy.url;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    // Chromium logs a non-2xx answer by itself; the page shows those (tested below).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(message.text());
    }
  });
  // Records every progress line and preview the page shows, so that no state is missed between two looks.
  await page.addInitScript(() => {
    const seen: Seen = { lines: [], previews: [] };
    (window as unknown as { seen: Seen }).seen = seen;
    new MutationObserver(() => {
      const line = document.querySelector('[data-testid="status"]')?.textContent?.trim();
      if (line && seen.lines.at(-1) !== line) seen.lines.push(line);
      for (const img of document.querySelectorAll<HTMLImageElement>('li[data-status="partial"] img')) {
        if (!seen.previews.includes(img.src)) seen.previews.push(img.src);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    // Keeps a copy of every event stream the page reads (a tee of the body), to check what crossed the wire.
    const wire: Wire[] = [];
    (window as unknown as { wire: Wire[] }).wire = wire;
    const realFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream'))
        return response;
      const record: Wire = {
        url: String(input),
        lastEventId: new Headers(init?.headers).get('last-event-id'),
        text: '',
      };
      wire.push(record);
      const [mine, copy] = response.body.tee();
      void (async () => {
        const reader = copy.getReader();
        const decoder = new TextDecoder();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            record.text += decoder.decode(value, { stream: true });
          }
        } catch {
          // The connection was cut: what arrived is kept.
        }
      })();
      return new Response(mine, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  });
});

/** Starts `node relay/server.ts` on a free port, with `env` added; resolves once it listens. */
async function startRelay(env: Record<string, string>): Promise<{ relay: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['relay/server.ts'], {
    cwd: example,
    env: { ...process.env, PORT: '0', OPENAI_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Relay listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`The relay exited (${code}) before listening: ${output}`)));
  });
  return { relay: child, url };
}

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  for (const { relay } of relays) relay.kill('SIGTERM');
  await mock?.close();
});

/** The whole frames of an SSE text (a frame cut by a dropped connection is left out): sequence number and cursor. */
function framesOf(text: string): { sequenceNumber: number; id: string | null }[] {
  const blocks = text.split('\n\n').slice(0, -1);
  return blocks
    .filter((block) => /^data: /m.test(block))
    .map((block) => ({
      sequenceNumber: (JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { sequence_number: number })
        .sequence_number,
      id: /^id: (.*)$/m.exec(block)?.[1] ?? null,
    }));
}

/** Polls `check` until it holds (the page's Cancel is a request of its own, sent when the stream is dropped). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

/** Opens the app (with a relay scenario), types a prompt and clicks Generate; returns the upstream request. */
async function generate(prompt: string, scenario?: string) {
  const index = mock.requests.length === 0 ? 0 : mock.requests.at(-1)!.index + 1;
  await page.goto(scenario ? `${relayUrl}/?scenario=${scenario}` : relayUrl);
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByRole('button', { name: 'Generate' }).click();
  return mock.request(index);
}

/** Waits until the progress line reads exactly `text`. */
async function statusShows(text: string): Promise<void> {
  await page
    .getByTestId('status')
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .waitFor();
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the Angular example, in Chromium', () => {
  it('shows a preview, then the final image, byte for byte as served', async () => {
    const request = await generate('A lighthouse on a cliff at dawn, watercolor');

    const final = page.locator('li[data-status="completed"] img');
    await final.waitFor();
    await statusShows('Done: 1 image.');
    // Every progress line the page showed, in order (recorded by a MutationObserver, see `beforeAll`).
    const seen = await page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    expect(seen.lines[0]).toBe('Waiting for the server…');
    expect(seen.lines.filter((line) => /^image 1: partial [12] of 2$/.test(line)).length).toBeGreaterThan(0);
    expect(seen.lines.at(-1)).toBe('Done: 1 image.');
    // Previews were shown as images, each a new object URL, and the final image got its own.
    expect(seen.previews.length).toBeGreaterThan(0);
    expect(seen.previews.every((src) => src.startsWith('blob:'))).toBe(true);
    expect(seen.previews).not.toContain(await final.getAttribute('src'));

    const record = await request.ended;
    expect(record.end).toBe('finished');
    expect(record.body).toMatchObject({
      input: 'A lighthouse on a cliff at dawn, watercolor',
      tools: [{ type: 'image_generation', partial_images: 2 }],
    });
    const served = mock.responses.get(record.responseId!)!.images;
    expect(served).toHaveLength(1);
    const servedBytes = Buffer.from(served[0]!.b64, 'base64');

    const shown = await final.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
      return { src: img.src, width: img.naturalWidth, height: img.naturalHeight, bytes: Array.from(bytes) };
    });
    expect(shown.src).toMatch(/^blob:/);
    expect({ width: shown.width, height: shown.height }).toEqual(pngSize(servedBytes));
    expect(Buffer.from(shown.bytes).equals(servedBytes)).toBe(true);

    await mkdir(results, { recursive: true });
    await page.screenshot({ path: `${results}angular-e2e.png`, fullPage: true });
  });

  it('the Images API, chosen in the page: a preview, then the final image, byte for byte as served', async () => {
    const index = mock.requests.length === 0 ? 0 : mock.requests.at(-1)!.index + 1;
    await page.goto(relayUrl);
    await page.getByLabel('Prompt').fill('A red fox in the snow');
    await page.getByLabel('API').selectOption('images');
    await page.getByRole('button', { name: 'Generate' }).click();
    const request = await mock.request(index);

    const final = page.locator('li[data-status="completed"] img');
    await final.waitFor();
    await statusShows('Done: 1 image.');
    const seen = await page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    expect(seen.lines.filter((line) => /^image 1: partial [12] of 2$/.test(line)).length).toBeGreaterThan(0);
    expect(seen.previews.length).toBeGreaterThan(0);

    const record = await request.ended;
    expect(record.url).toMatch(/\/images\/generations$/);
    expect(record.body).toMatchObject({ prompt: 'A red fox in the snow', partial_images: 2, stream: true });
    const servedBytes = Buffer.from(record.image!.b64, 'base64');
    const shown = await final.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()));
    });
    expect(Buffer.from(shown).equals(servedBytes)).toBe(true);
  });

  it('shows two interleaved images, each as served, in output order', async () => {
    const request = await generate('Two foxes', 'two-images');
    await statusShows('Done: 2 images.');

    const served = mock.responses.get((await request.ended).responseId!)!.images;
    const shown = await page
      .locator('li[data-status="completed"] img')
      .evaluateAll((imgs: HTMLImageElement[]) =>
        Promise.all(
          imgs.map(async (img) => ({
            width: img.naturalWidth,
            height: img.naturalHeight,
            bytes: Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer())),
          })),
        ),
      );
    expect(shown).toHaveLength(2);
    served.forEach((image, i) => {
      const bytes = Buffer.from(image.b64, 'base64');
      expect({ width: shown[i]!.width, height: shown[i]!.height }).toEqual(pngSize(bytes));
      expect(Buffer.from(shown[i]!.bytes).equals(bytes)).toBe(true);
    });
  });

  it('Cancel during a slow stream stops the generation on the server: cancelled there, nothing more produced', async () => {
    const request = await generate('A slow fox', 'slow');
    await page.locator('li[data-status]').first().waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    const record = await request.ended;
    // The relay's abort (the page's connection closed) and the page's cancel race to the server: either ends it.
    expect(['client-closed', 'cancelled']).toContain(record.end);
    expect(record.eventsSent).toBeLessThan(record.eventsPlanned);
    await statusShows('Cancelled.');
    await expect(page.getByRole('button', { name: 'Generate' }).isEnabled()).resolves.toBe(true);
    await expect(page.locator('li[data-status]').count()).resolves.toBe(0);

    // The page's Cancel went through a relay (whichever the proxy picked) to POST /v1/responses/{id}/cancel.
    const id = record.responseId!;
    await until(() => mock.cancelled.includes(id));
    const cancel = mock.requests.find((r) => r.url === `/v1/responses/${id}/cancel`)!;
    expect(cancel.status).toBe(200);
    expect(proxy.requests.filter((r) => r.path === '/api/cancel')).toHaveLength(1);
    const stored = mock.responses.get(id)!;
    expect(stored.response.status).toBe('cancelled');
    expect(stored.events).toHaveLength(record.eventsSent);
    // Nothing more is produced: no request after the cancel streamed anything of it, and a replay ends there.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mock.requests.filter((r) => r.index > cancel.index && r.responseId === id)).toEqual([]);
    const replay = await fetch(`${mock.url}/responses/${id}?stream=true`, {
      headers: { authorization: 'Bearer x' },
    });
    expect([...(await replay.text()).matchAll(/^event: /gm)]).toHaveLength(record.eventsSent);
  });

  it('survives the relay that serves the stream being killed mid-image: the image byte-identical, no event twice', async () => {
    const proxied = proxy.requests.length;
    const request = await generate('A lighthouse in a storm', 'slow');
    // In the middle of the image: its first preview is on the page.
    await page.locator('li[data-status="partial"] img').first().waitFor();
    const serving = proxy.requests.slice(proxied).find((r) => r.path === '/api/generate')!;
    const killed = relays[serving.upstream!]!;
    killed.relay.kill('SIGKILL');
    await new Promise((resolve) => killed.relay.once('exit', resolve));

    const final = page.locator('li[data-status="completed"] img');
    await final.waitFor({ timeout: 30_000 });
    await statusShows('Done: 1 image.');
    const record = await request.ended;
    const stored = mock.responses.get(record.responseId!)!;
    const servedBytes = Buffer.from(stored.images[0]!.b64, 'base64');
    const shown = await final.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()));
    });
    expect(Buffer.from(shown).equals(servedBytes)).toBe(true);

    // The page (reloaded by `generate`) read two event streams: relay A's until it died, then the other relay's,
    // resumed from the cursor.
    const wire = await page.evaluate(() => (window as unknown as { wire: Wire[] }).wire);
    const streams = wire.filter((w) => w.url.endsWith('/api/generate'));
    expect(streams).toHaveLength(2);
    expect(streams[0]!.lastEventId).toBeNull();
    const firstFrames = framesOf(streams[0]!.text);
    expect(streams[1]!.lastEventId).toBe(firstFrames.at(-1)!.id);
    const resumedOn = proxy.requests.find((r) => r.lastEventId === streams[1]!.lastEventId)!;
    expect(resumedOn.upstream).not.toBe(serving.upstream);
    // No event twice, none missing: the two streams' events are exactly the stored response's, in order.
    const seen = [...firstFrames, ...framesOf(streams[1]!.text)].map((f) => f.sequenceNumber);
    expect(seen).toEqual(stored.events.map((event) => event.sequence_number));
    // The other relay replayed it from the API, after the cursor's event.
    expect(
      mock.requests.some(
        (r) => r.method === 'GET' && r.url.includes(`starting_after=${firstFrames.at(-1)!.sequenceNumber}`),
      ),
    ).toBe(true);
    await page.screenshot({ path: `${results}angular-e2e-resumed.png`, fullPage: true });

    // A new instance takes the killed one's place.
    relays[serving.upstream!] = await startRelay({ MOCK_SERVER_URL: mock.url, CURSOR_SECRET });
  });

  it('shows an error event from the server in plain words', async () => {
    await generate('A fox that breaks things', 'error');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe(
      'The generation failed: The image service is overloaded. Try again.',
    );
    await expect(page.getByRole('button', { name: 'Cancel' }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: `${results}angular-e2e-error.png`, fullPage: true });
  });

  it("shows the relay's refusal of a bad request", async () => {
    await page.goto(`${relayUrl}/?scenario=no-such-scenario`);
    await page.getByLabel('Prompt').fill('A fox');
    await page.getByRole('button', { name: 'Generate' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe(
      "The server refused the request: Unknown scenario 'no-such-scenario'.",
    );
  });

  it('the relay serves the built app and nothing outside it', async () => {
    // Raw paths, sent as written (fetch would normalize the dots away), to one relay instance directly.
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const { hostname, port } = new URL(relays[0]!.url);
        httpGet({ hostname, port, path }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        }).on('error', reject);
      });
    expect((await get('/some/route')).body).toContain('<app-root');
    // The app is in examples/angular/dist/angular/browser: three levels up is examples/angular.
    const up = '..%2f..%2f..%2f';
    for (const path of [
      '/../../../package.json',
      `/${up}package.json`,
      `/${up}relay%2fserver.ts`,
      `/%2e%2e/${up}`,
    ]) {
      // Either refused, or resolved inside the app (the index page); never the file itself.
      const { status, body } = await get(path);
      expect(body).not.toMatch(/"dependencies"|createServer/);
      expect(status === 404 || body.includes('<app-root')).toBe(true);
    }
    expect((await get('/api/generate')).status).toBe(405);
  });

  it('the relay starts its own local server when given none', async () => {
    const own = await startRelay({});
    try {
      const response = await fetch(`${own.url}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'A fox', partialImages: 1 }),
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const types = [...(await response.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
      expect(types.filter((type) => type === 'response.image_generation_call.partial_image')).toHaveLength(1);
      expect(types.at(-1)).toBe('response.completed');
    } finally {
      own.relay.kill('SIGTERM');
    }
  });

  it('bundles a single rxjs, shared by Angular and rxjs-openai', async () => {
    const stats = JSON.parse(await readFile(`${example}dist/angular/browser-stats.json`, 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(stats.inputs);
    const rxjsCopies = new Set(
      inputs.filter((path) => /node_modules\/rxjs\//.test(path)).map((path) => path.split('/rxjs/')[0]),
    );
    expect(inputs.some((path) => path.includes('node_modules/rxjs-openai/'))).toBe(true);
    expect([...rxjsCopies]).toEqual(['node_modules']);
  });

  it("bundles the SDK's SSE decoder, not the whole OpenAI client", async () => {
    const stats = JSON.parse(await readFile(`${example}dist/angular/browser-stats.json`, 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(stats.inputs);
    expect(inputs).toContain('node_modules/openai/core/streaming.mjs');
    expect(inputs).not.toContain('node_modules/openai/client.mjs');
  });
});
