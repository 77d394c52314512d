// The relay: serves the built Angular app, `POST /api/generate`, which streams an image generation from the
// Responses API to the browser as server-sent events (a background response, resumable through any instance
// of this relay), and `POST /api/cancel`, which stops one. The API key stays here; nothing else is kept here:
// run as many instances as you like behind any load balancer.
//
//   npm run build && npm run relay      (Node 22 runs this TypeScript file as is)
//
// Environment:
//   PORT             port to listen on (default 3000; 0 picks a free one)
//   OPENAI_API_KEY   use the real API (and OPENAI_BASE_URL, OPENAI_MODEL if set); without it, a local server
//                    from rxjs-openai/testing answers, and a request's `scenario` picks what it serves
//   MOCK_SERVER_URL  use an already running local server (its `url`) instead of starting one
//   CURSOR_SECRET    the key that signs the resume cursors: the same on every instance (32+ random bytes,
//                    e.g. `openssl rand -base64 32`); a comma-separated list rotates keys (new first). Without
//                    it, a random one: this instance alone can resume its streams.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { streamImageGeneration, streamResponse } from 'rxjs-openai';
import {
  cancelFromRequest,
  pipeServerSentEvents,
  RequestBodyError,
  readJsonBody,
  resumeFromRequest,
  toSafeError,
} from 'rxjs-openai/server';
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

/** The Images API's events, for `{ api: 'images' }`: its previews and its final image. */
const IMAGES_API_EVENTS = ['image_generation.partial_image', 'image_generation.completed'];

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
const secrets = process.env.CURSOR_SECRET?.split(',').filter(Boolean);
if (!secrets?.length) console.warn('CURSOR_SECRET is not set: a random one, so only this instance can resume.');
const cursor = { secret: secrets?.length ? secrets : randomBytes(32).toString('base64') };

// Every error answer is `{ code, message }` (nothing secret in it), and the server keeps serving whatever a
// request sends: a body that is not JSON, too large or cut off mid-upload is a 400 or 413, never a crash.
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/generate' || path === '/api/cancel') {
    if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', 'Use POST.');
    return (path === '/api/cancel' ? cancel(req, res) : generate(req, res)).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      // A CursorError (a malformed cursor: 400, one this service did not sign: 403) is a RequestBodyError too.
      else if (error instanceof RequestBodyError) sendError(res, error.status, error.code, error.message);
      else sendError(res, 500, toSafeError(error).code, 'The relay failed.');
    });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method_not_allowed', 'Use GET.');
  return serveStatic(path, res).catch(() => sendError(res, 500, 'internal_error', 'The relay failed.'));
});

/**
 * `POST /api/generate` `{ prompt, partialImages?, scenario?, api? }` (`api: 'images'`: the Images API): the events, relayed as they arrive, each with a
 * signed cursor (its SSE `id:`). The same request with `Last-Event-ID: <cursor>` (the browser lost its
 * connection) resumes the response after that event, whichever instance served it before.
 */
async function generate(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // At most 16 KiB of JSON: anything else rejects with a RequestBodyError (400, or 413 when too large).
  const body = await readJsonBody(req, { maxBytes: MAX_BODY_BYTES });
  const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : '';
  if (!prompt || prompt.length > MAX_PROMPT_CHARS) {
    throw new RequestBodyError(400, 'invalid_prompt', `Write a prompt of 1 to ${MAX_PROMPT_CHARS} characters.`);
  }
  const partialImages = [0, 1, 2, 3].includes(body.partialImages as number) ? (body.partialImages as 0) : 2;
  const scenarioName = typeof body.scenario === 'string' ? body.scenario : 'default';
  const scenario = SCENARIOS[scenarioName];
  if (!apiKey && !scenario) {
    throw new RequestBodyError(400, 'unknown_scenario', `Unknown scenario '${scenarioName.slice(0, 40)}'.`);
  }

  const requestOptions = apiKey
    ? {}
    : { headers: { 'x-mock-scenario': JSON.stringify({ ...scenario, partials: partialImages }) } };
  if (body.api === 'images') {
    // The Images API: one image, previews then the final image; the same operators read it in the page.
    const image$ = streamImageGeneration(
      client,
      { model: process.env.OPENAI_IMAGE_MODEL ?? 'gpt-image-1', prompt, partial_images: partialImages },
      requestOptions,
    );
    await pipeServerSentEvents(image$, res, { events: IMAGES_API_EVENTS });
    return;
  }
  // A cursor: replay the stored response from the API after it (400 if malformed, 403 if not signed by us).
  const events$ =
    (await resumeFromRequest(client, req, { cursor, requestOptions })) ??
    streamResponse(
      client,
      {
        model,
        input: prompt,
        tools: [{ type: 'image_generation', partial_images: partialImages }],
        background: true, // stored by the API: resumable after a dropped connection, and cancellable
      },
      requestOptions,
    );
  // When the browser goes away, this unsubscribes, which aborts the upstream request, and leaves the
  // response running: the browser may come back with its cursor. Its Cancel is `POST /api/cancel`.
  await pipeServerSentEvents(events$, res, { events: RELAYED_EVENTS, cursor });
}

/** `POST /api/cancel` with `Last-Event-ID: <cursor>`: cancels that response (only one this service streamed). */
async function cancel(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { status, body } = await cancelFromRequest(client, req, { cursor });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
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
  if (file !== staticDir && !file.startsWith(staticDir + sep)) return sendError(res, 404, 'not_found', 'Not found.');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) file = join(staticDir, 'index.html');
  const index = await stat(file).catch(() => null);
  if (!index?.isFile()) {
    return sendError(res, 404, 'no_app', `No built app in ${staticDir}: run \`npm run build\`.`);
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}

/** An error answer: `{ code, message }`; `connection: close`, as the body may not have been read. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ code, message }));
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
