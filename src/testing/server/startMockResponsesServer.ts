import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MockImageSize } from './images';
import { renderMockImage } from './images';
import {
  apiErrorFor,
  buildResponse,
  isRecord,
  type MockApiError,
  type MockScenario,
  type MockStoredResponse,
} from './scenario';
import { type StreamEnd, writeEventStream } from './sse';

/** What the server knows of a request when it picks its scenario. */
export interface MockRequestInfo {
  /** The request's 0-based number since the server started. */
  readonly index: number;
  /** `GET` or `POST`. */
  readonly method: string;
  /** The path and query, e.g. `/v1/responses/resp_1?stream=true&starting_after=4`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or `null`. */
  readonly body: unknown;
}

/** What the server saw of one request and how it answered. */
export interface MockRequestRecord extends MockRequestInfo {
  /** The response created or replayed, if any. */
  responseId: string | null;
  /** The HTTP status sent. */
  status: number;
  /** Whole events sent. */
  eventsSent: number;
  /** Events this request was to send (before faults). */
  eventsPlanned: number;
  /** How the answer ended: `pending` while it runs; `client-closed` when the client left first. */
  end: 'pending' | 'answered' | StreamEnd;
  /** Whether the client closed the connection before the server was done answering. */
  clientClosed: boolean;
  /** Resolves with this record once the answer is over, however it ended. */
  readonly ended: Promise<MockRequestRecord>;
}

/** Options of {@link startMockResponsesServer}. */
export interface MockResponsesServerOptions {
  /**
   * The scenario of every request, or a function of the request choosing one (for example by `index`, to cut
   * the first request only). A request can override fields with an `x-mock-scenario` header holding JSON, or
   * (on `POST /v1/responses`) a `mock_scenario` metadata entry holding JSON; the header wins.
   */
  scenario?: MockScenario | ((request: MockRequestInfo) => MockScenario);
  /** The default seed of images and ids (default 1). */
  seed?: number;
  /** How many created responses are kept for replay (default 100; the oldest go first). */
  maxStoredResponses?: number;
  /** How many request records are kept (default 1000; the oldest go first). */
  maxRecordedRequests?: number;
}

/** A running local Responses server. */
export interface MockResponsesServer {
  /** The base URL for the SDK: `http://127.0.0.1:<port>/v1`, for `new OpenAI({ baseURL: url, apiKey })`. */
  readonly url: string;
  readonly port: number;
  /** Recorded requests, oldest first (bounded by `maxRecordedRequests`). */
  readonly requests: readonly MockRequestRecord[];
  /** Created responses by id, for replay and for assertions (bounded by `maxStoredResponses`). */
  readonly responses: ReadonlyMap<string, MockStoredResponse>;
  /** Client connections open right now. */
  readonly openConnections: number;
  /** Client connections accepted since start. */
  readonly totalConnections: number;
  /** Resolves once no client connection is open (at once if none is). */
  whenIdle(): Promise<void>;
  /** Resolves with the record of request `index` once that request has arrived. */
  request(index: number): Promise<MockRequestRecord>;
  /** Stops listening, closes every connection and stops every stream; resolves once the server is closed. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Bytes of drawn images kept between requests (the same seed serves the same bytes). */
const MAX_CACHED_IMAGE_CHARS = 128 * 1024 * 1024;

/**
 * Starts a local server that speaks the Responses API's wire format, for tests, demos and benchmarks.
 *
 * - `POST /v1/responses` creates a response from the scenario: with `stream: true` it answers
 *   `text/event-stream` frames (`event: <type>`, `data: <json>`); without, the final `Response` JSON.
 * - `GET /v1/responses/{id}?stream=true&starting_after=N` replays a stored `background: true` response's events
 *   after sequence number N (400 for other responses, as the API); without `stream`, it returns the `Response`.
 * - Images are real PNGs drawn with pngjs, previews coarser than the final image, the same for the same seed.
 * - Faults (HTTP errors with the API's error body, `Retry-After`, `error` events, `response.failed`,
 *   `response.incomplete`, cut connections, malformed JSON, slow drips, stalls) come from the scenario.
 * - It records every request (body, status, events sent, whether the client left early) and counts connections.
 *
 * Node only (`node:http`); not part of the browser build of `rxjs-openai/testing`.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { lastValueFrom, toArray } from 'rxjs';
 * import { streamResponse, withFinalImage } from 'rxjs-openai';
 * import { startMockResponsesServer } from 'rxjs-openai/testing';
 *
 * const server = await startMockResponsesServer({ scenario: { images: 2, partials: 1 } });
 * const client = new OpenAI({ baseURL: server.url, apiKey: 'test' });
 * const images = await lastValueFrom(
 *   streamResponse(client, { model: 'gpt-5', input: 'two foxes' }).pipe(withFinalImage(), toArray()),
 * );
 * const served = server.responses.get(server.requests[0]!.responseId!)!.images;
 * await server.close();
 * ```
 *
 * @param options The default scenario (or a function of the request), the seed and the store's bounds.
 * @return The running server, once it listens.
 */
export async function startMockResponsesServer(
  options: MockResponsesServerOptions = {},
): Promise<MockResponsesServer> {
  const seed = options.seed ?? 1;
  const maxStored = Math.max(1, options.maxStoredResponses ?? 100);
  const maxRecorded = Math.max(1, options.maxRecordedRequests ?? 1000);
  const requests: MockRequestRecord[] = [];
  const responses = new Map<string, MockStoredResponse>();
  const sockets = new Set<Socket>();
  const streams = new Set<AbortController>();
  const idleWaiters: Array<() => void> = [];
  const requestWaiters = new Map<number, Array<(record: MockRequestRecord) => void>>();
  const images = new Map<string, string>();
  let imageChars = 0;
  let requestCount = 0;
  let responseCount = 0;
  let totalConnections = 0;
  let closing: Promise<void> | null = null;

  const draw = (imageSeed: number, index: number, size: MockImageSize, block: number): string => {
    const key = `${imageSeed}:${index}:${size.width}x${size.height}:${size.noise}:${block}`;
    const cached = images.get(key);
    if (cached !== undefined) return cached;
    const b64 = renderMockImage(imageSeed, index, size, block);
    images.set(key, b64);
    imageChars += b64.length;
    for (const [oldKey, old] of images) {
      if (imageChars <= MAX_CACHED_IMAGE_CHARS) break;
      images.delete(oldKey);
      imageChars -= old.length;
    }
    return b64;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const index = requestCount++;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    let body: unknown = null;
    let endRecord: (record: MockRequestRecord) => void = () => undefined;
    const ended = new Promise<MockRequestRecord>((resolve) => {
      endRecord = resolve;
    });
    const record: MockRequestRecord = {
      index,
      method,
      url,
      headers: req.headers,
      body: null,
      responseId: null,
      status: 0,
      eventsSent: 0,
      eventsPlanned: 0,
      end: 'pending',
      clientClosed: false,
      ended,
    };
    const finish = (end: MockRequestRecord['end']) => {
      if (record.end !== 'pending') return;
      record.end = end;
      endRecord(record);
    };
    let cutting = false;
    // Aborted when the connection closes, whoever closes it: stops the stream (and its timers) at once.
    const controller = new AbortController();
    res.on('close', () => {
      controller.abort();
      if (res.writableFinished || cutting || record.end !== 'pending') return;
      if (closing) {
        finish('server-closed');
        return;
      }
      record.clientClosed = true;
      finish('client-closed');
    });

    const refuse = (status: number, error: Partial<MockApiError>, headers?: Record<string, string>) => {
      sendError(res, record, status, error, headers);
      finish('answered');
    };

    try {
      body = await readJson(req);
    } catch (error) {
      recordRequest(record);
      if (req.destroyed && !closing) {
        // The client went away while sending its body.
        record.clientClosed = true;
        finish('client-closed');
        return;
      }
      return refuse(400, { message: (error as Error).message, type: 'invalid_request_error' });
    }
    (record as { body: unknown }).body = body;
    recordRequest(record);

    let scenario: MockScenario;
    try {
      scenario = pickScenario({ index, method, url, headers: req.headers, body });
    } catch (error) {
      return refuse(400, { message: (error as Error).message, type: 'invalid_request_error' });
    }

    if (scenario.status !== undefined && scenario.status >= 400) {
      const headers: Record<string, string> =
        scenario.retryAfter !== undefined ? { 'retry-after': String(scenario.retryAfter) } : {};
      return refuse(scenario.status, scenario.error ?? {}, headers);
    }

    const path = new URL(url, 'http://localhost');
    const match = /^\/v1\/responses(?:\/([^/]+))?$/.exec(path.pathname);
    let stored: MockStoredResponse | undefined;
    let events: MockStoredResponse['events'] = [];
    let stream = false;

    if (match && !match[1] && method === 'POST') {
      if (!isRecord(body)) {
        return refuse(400, {
          message: 'The request body must be a JSON object.',
          type: 'invalid_request_error',
        });
      }
      const id = `resp_${(scenario.seed ?? seed).toString(16)}_${String(responseCount++).padStart(6, '0')}`;
      try {
        stored = buildResponse(id, body, { ...scenario, seed: scenario.seed ?? seed }, draw);
      } catch (error) {
        return refuse(500, { message: `Mock server: ${(error as Error).message}` });
      }
      store(stored);
      events = stored.events;
      stream = body.stream === true;
    } else if (match?.[1] && method === 'GET') {
      stored = responses.get(decodeURIComponent(match[1]));
      if (!stored) {
        return refuse(404, {
          message: `No response found with id '${match[1]}'.`,
          param: 'response_id',
        });
      }
      stream = path.searchParams.get('stream') === 'true';
      if (stream && !stored.background) {
        return refuse(400, {
          message: 'This response cannot be streamed because it was not created with background=true.',
          param: 'stream',
        });
      }
      const after = Number(path.searchParams.get('starting_after') ?? -1);
      events = stored.events.filter((event) => event.sequence_number > after);
    } else {
      return refuse(404, {
        message: `Unknown request URL: ${method} ${path.pathname}.`,
        code: 'unknown_url',
      });
    }

    record.responseId = stored.id;
    res.setHeader('x-request-id', `req_${index}`);
    if (!stream) {
      // Without a stream there is no `error` event to send: the request fails as a whole.
      if (scenario.errorEvent) return refuse(500, {});
      record.status = 200;
      sendJson(res, 200, stored.response);
      finish('answered');
      return;
    }

    record.status = 200;
    record.eventsPlanned = events.length;
    streams.add(controller);
    const end = await writeEventStream(res, events, scenario, controller.signal, {
      onEvent: (sent) => {
        record.eventsSent = sent;
      },
      onCut: () => {
        cutting = true;
      },
    });
    streams.delete(controller);
    finish(end === 'client-closed' && closing ? 'server-closed' : end);
  };

  const pickScenario = (info: MockRequestInfo): MockScenario => {
    const base = typeof options.scenario === 'function' ? options.scenario(info) : (options.scenario ?? {});
    const fromMetadata =
      isRecord(info.body) && isRecord(info.body.metadata) ? info.body.metadata.mock_scenario : undefined;
    const header = info.headers['x-mock-scenario'];
    return {
      ...base,
      ...(typeof fromMetadata === 'string' ? parseScenario(fromMetadata, 'metadata.mock_scenario') : {}),
      ...(typeof header === 'string' ? parseScenario(header, 'x-mock-scenario') : {}),
    };
  };

  const recordRequest = (record: MockRequestRecord) => {
    requests.push(record);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    const waiters = requestWaiters.get(record.index);
    if (waiters) {
      requestWaiters.delete(record.index);
      for (const wake of waiters) wake(record);
    }
  };

  const store = (response: MockStoredResponse) => {
    responses.set(response.id, response);
    for (const id of responses.keys()) {
      if (responses.size <= maxStored) break;
      responses.delete(id);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendError(res, null, 500, { message: `Mock server: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    totalConnections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const controller of streams) controller.abort();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      for (const wake of idleWaiters.splice(0)) wake();
      requestWaiters.clear();
    });
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    responses,
    get openConnections() {
      return sockets.size;
    },
    get totalConnections() {
      return totalConnections;
    },
    whenIdle: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    request: (index) => {
      const found = requests.find((r) => r.index === index);
      if (found) return Promise.resolve(found);
      return new Promise<MockRequestRecord>((resolve) => {
        const waiters = requestWaiters.get(index) ?? [];
        waiters.push(resolve);
        requestWaiters.set(index, waiters);
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function sendError(
  res: ServerResponse,
  record: MockRequestRecord | null,
  status: number,
  error: Parameters<typeof apiErrorFor>[1],
  headers: Record<string, string> = {},
): void {
  if (record) record.status = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, { error: apiErrorFor(status, error) });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parseScenario(text: string, where: string): MockScenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON.`);
  }
  if (!isRecord(value)) throw new Error(`${where} must be a JSON object.`);
  return value as MockScenario;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('The request body is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return null;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('The request body is not valid JSON.');
  }
}
