// The relay: serves the built Angular app and `POST /api/generate`, which streams an image generation
// from the Responses API to the browser as server-sent events. The API key stays here.
//
//   npm run build && npm run relay      (Node 22 runs this TypeScript file as is)
//
// Environment:
//   PORT             port to listen on (default 3000; 0 picks a free one)
//   OPENAI_API_KEY   use the real API (and OPENAI_BASE_URL, OPENAI_MODEL if set); without it, a local server
//                    from rxjs-openai/testing answers, and a request's `scenario` picks what it serves
//   MOCK_SERVER_URL  use an already running local server (its `url`) instead of starting one
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { streamResponse } from 'rxjs-openai';
import { pipeServerSentEvents } from 'rxjs-openai/server';
import { type MockScenario, startMockResponsesServer } from 'rxjs-openai/testing';

/** What the local server serves for each `scenario` a request may name (mock mode only). */
const SCENARIOS: Record<string, MockScenario> = {
  default: { delayMs: 150 },
  slow: { delayMs: 800 },
  'two-images': { images: 2, interleave: true, delayMs: 100 },
  error: {
    delayMs: 100,
    errorEvent: {
      afterEvents: 6,
      code: 'server_error',
      message: 'The image service is overloaded. Try again.',
    },
  },
  failed: { delayMs: 100, failed: { afterEvents: 6, code: 'server_error', message: 'The model gave up.' } },
  refused: { status: 400, error: { message: 'The prompt was refused.', code: 'invalid_prompt' } },
  cut: { delayMs: 100, cut: { afterEvents: 6 } },
};

/** Only the events the page needs; the terminal ones and errors are always relayed. */
const RELAYED_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.output_item.done',
  'response.image_generation_call.in_progress',
  'response.image_generation_call.generating',
  'response.image_generation_call.partial_image',
  'response.image_generation_call.completed',
];

const MAX_BODY_BYTES = 16 * 1024;
const MAX_PROMPT_CHARS = 4000;
const here = fileURLToPath(new URL('.', import.meta.url));
const staticDir = resolve(process.env.STATIC_DIR ?? join(here, '../dist/angular/browser'));
const apiKey = process.env.OPENAI_API_KEY;

const mock = apiKey || process.env.MOCK_SERVER_URL ? null : await startMockResponsesServer();
const client = new OpenAI(
  apiKey ? { apiKey } : { apiKey: 'mock', baseURL: process.env.MOCK_SERVER_URL ?? mock!.url },
);
const model = process.env.OPENAI_MODEL ?? 'gpt-5';

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/generate') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'Use POST.' } });
    return generate(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'The relay failed.' } });
      else res.destroy();
    });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return sendJson(res, 405, { error: { message: 'Use GET.' } });
  return serveStatic(path, res).catch(() => sendJson(res, 500, { error: { message: 'The relay failed.' } }));
});

/** `POST /api/generate` `{ prompt, partialImages?, scenario? }`: the events, relayed as they arrive. */
async function generate(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = await readJson(req);
  } catch {
    return sendJson(res, 400, { error: { message: 'The request body must be JSON of at most 16 KiB.' } });
  }
  const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : '';
  if (!prompt || prompt.length > MAX_PROMPT_CHARS) {
    return sendJson(res, 400, {
      error: { message: `Write a prompt of 1 to ${MAX_PROMPT_CHARS} characters.` },
    });
  }
  const partialImages = [0, 1, 2, 3].includes(body.partialImages as number) ? (body.partialImages as 0) : 2;
  const scenarioName = typeof body.scenario === 'string' ? body.scenario : 'default';
  const scenario = SCENARIOS[scenarioName];
  if (!apiKey && !scenario) {
    return sendJson(res, 400, { error: { message: `Unknown scenario '${scenarioName.slice(0, 40)}'.` } });
  }

  const events$ = streamResponse(
    client,
    { model, input: prompt, tools: [{ type: 'image_generation', partial_images: partialImages }] },
    apiKey
      ? {}
      : { headers: { 'x-mock-scenario': JSON.stringify({ ...scenario, partials: partialImages }) } },
  );
  // When the browser goes away (Cancel), this unsubscribes, which aborts the upstream request.
  await pipeServerSentEvents(events$, res, { events: RELAYED_EVENTS });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The built app's files; any other path gets `index.html` (the app routes itself). */
async function serveStatic(path: string, res: ServerResponse): Promise<void> {
  let file = resolve(staticDir, `.${decodeURIComponent(path)}`);
  if (file !== staticDir && !file.startsWith(staticDir + sep))
    return sendJson(res, 404, { error: { message: 'Not found.' } });
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) file = join(staticDir, 'index.html');
  const index = await stat(file).catch(() => null);
  if (!index?.isFile()) {
    return sendJson(res, 404, { error: { message: `No built app in ${staticDir}: run \`npm run build\`.` } });
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (value && typeof value === 'object' && !Array.isArray(value))
          resolveBody(value as Record<string, unknown>);
        else reject(new Error('not an object'));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const upstream = apiKey ? 'the OpenAI API' : `a local server (${process.env.MOCK_SERVER_URL ?? mock!.url})`;
  console.log(`Relay listening on http://127.0.0.1:${port} (serving ${staticDir}, upstream: ${upstream})`);
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void mock?.close();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
