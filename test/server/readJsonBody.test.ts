import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RxOpenAIError } from '../../src/index';
import { RequestBodyError, readJsonBody, toSafeError } from '../../src/server/index';
import { startServer, type TestServer } from '../support/httpServers';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A node:http server that answers what `readJsonBody` made of each request: 200 and the JSON, or the error. */
async function echoServer(maxBytes?: number, prepare?: (req: IncomingMessage) => void) {
  const outcomes: unknown[] = [];
  let settle!: (outcome: unknown) => void;
  const first = new Promise<unknown>((resolve) => (settle = resolve));
  server = await startServer(async (req, res) => {
    prepare?.(req);
    try {
      const body = await readJsonBody(req, maxBytes === undefined ? {} : { maxBytes });
      outcomes.push(body);
      settle(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (error) {
      outcomes.push(error);
      settle(error);
      const status = error instanceof RequestBodyError ? error.status : 500;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(toSafeError(error)));
    }
  });
  /** `first` resolves with the outcome of the first request, once the handler has it. */
  return { url: server.url, outcomes, first };
}

/** POSTs `chunks` with node:http (chunked, no content-length); resolves with the status and the body. */
function postChunked(url: string, chunks: readonly (string | Uint8Array)[]) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer (and close) before the whole body is sent: that is the point.
    req.on('error', (error) =>
      error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readJsonBody (node:http)', () => {
  it('reads a JSON object sent in chunks, whatever the chunks cut (UTF-8 characters too)', async () => {
    const { url } = await echoServer();
    const bytes = new TextEncoder().encode(JSON.stringify({ prompt: 'un renard roux 🦊 à l’aube' }));
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await postChunked(url, chunks)).toEqual({
      status: 200,
      body: JSON.stringify({ prompt: 'un renard roux 🦊 à l’aube' }),
    });
  });

  it('reads a body whose stream has an encoding set (string chunks)', async () => {
    const { url } = await echoServer(undefined, (req) => req.setEncoding('utf8'));
    expect(await postChunked(url, ['{"prompt":', '"é"}'])).toEqual({ status: 200, body: '{"prompt":"é"}' });
  });

  it('refuses a chunked body over maxBytes with 413 once it passes the limit, and answers anyway', async () => {
    const { url, outcomes } = await echoServer(1000);
    const chunk = `"${'x'.repeat(398)}",`;
    // Far more than the limit: the server stops keeping it at 1000 bytes and answers.
    const answer = await postChunked(url, ['{"a":[', ...Array.from({ length: 100 }, () => chunk), '0]}']);
    expect(answer).toEqual({
      status: 413,
      body: JSON.stringify({ code: 'body_too_large', message: 'The request body is over 1000 bytes.' }),
    });
    expect(outcomes).toEqual([expect.any(RequestBodyError)]);
  });

  it('refuses a declared content-length over maxBytes without reading the body', async () => {
    const { url } = await echoServer(10);
    const response = await fetch(url, { method: 'POST', body: '{"prompt":"a fox"}' });
    expect(response.status).toBe(413);
  });

  it.each([
    ['not JSON', 'prompt=a fox', 'invalid_json'],
    ['not UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'invalid_json'],
    ['empty', '', 'invalid_json'],
    ['an array', '["a fox"]', 'invalid_body'],
    ['null', 'null', 'invalid_body'],
    ['a string', '"a fox"', 'invalid_body'],
  ])('a body that is %s is a 400', async (_name, body, code) => {
    const { url } = await echoServer();
    const response = await fetch(url, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code });
  });

  it('an upload cut mid-body rejects with body_aborted (and nothing is left unhandled)', async () => {
    const { url, first } = await echoServer();
    const port = Number(new URL(url).port);
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"prompt":"a', () =>
      socket.destroy(),
    );
    const outcome = await first;
    expect(outcome).toBeInstanceOf(RequestBodyError);
    expect(outcome).toMatchObject({ status: 400, code: 'body_aborted' });
    expect(outcome).toBeInstanceOf(RxOpenAIError);
  });
});

describe('readJsonBody (fetch Request)', () => {
  const post = (body: BodyInit, headers?: HeadersInit) =>
    new Request('http://localhost/api', {
      method: 'POST',
      body,
      ...(headers ? { headers } : {}),
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  it('reads a JSON object', async () => {
    expect(await readJsonBody(post('{"prompt":"a fox"}'))).toEqual({ prompt: 'a fox' });
  });

  it('stops reading a streamed body at maxBytes and cancels it', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('{"a":"'.padEnd(100, 'x')));
      },
      cancel() {
        cancelled = true;
      },
    });
    const error = await readJsonBody(post(endless), { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RequestBodyError', status: 413, code: 'body_too_large' });
    expect(pulled).toBeLessThanOrEqual(13);
    expect(cancelled).toBe(true);
  });

  it('a body that fails mid-way is body_aborted; one already read is invalid_body', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    expect(await readJsonBody(post(failing)).catch((e: unknown) => e)).toMatchObject({
      code: 'body_aborted',
    });
    const used = post('{}');
    await used.text();
    expect(await readJsonBody(used).catch((e: unknown) => e)).toMatchObject({
      status: 400,
      code: 'invalid_body',
    });
  });
});
