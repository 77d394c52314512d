import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ScenarioImage } from '../scenarios';
import type { MockImageSize } from './images';
import { renderMockImage } from './images';
import {
  apiErrorFor,
  buildImagesApiStream,
  buildResponse,
  isRecord,
  type MockApiError,
  type MockScenario,
  type MockStoredResponse,
  moderationRefusal,
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
  /**
   * The parsed body, or `null`: JSON as sent; a `multipart/form-data` body (`images.edit`) as an object of its
   * fields, each a string or a {@link MockUploadedFile} (a field sent several times, or named `name[]`, as
   * an array).
   */
  readonly body: unknown;
}

/** A file a request uploaded (`image`, `mask` of an Images API edit), as the server received it. */
export interface MockUploadedFile {
  /** The file name the client gave. */
  readonly filename: string;
  /** Its content type, as sent. */
  readonly type: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The SHA-256 of its bytes, hex: compare with what was sent. */
  readonly sha256: string;
}

/** What the server saw of one request and how it answered. */
export interface MockRequestRecord extends MockRequestInfo {
  /** The response created or replayed, if any. */
  responseId: string | null;
  /** The image an Images API request streamed or returned (its derived id, bytes and previews), if any. */
  image: ScenarioImage | null;
  /** The HTTP status sent. */
  status: number;
  /** Whole events sent. */
  eventsSent: number;
  /** Events this request was to send (before faults). */
  eventsPlanned: number;
  /**
   * How the answer ended: `pending` while it runs; `client-closed` when the client left first; `cancelled` when
   * its background response was cancelled (`POST /v1/responses/{id}/cancel`) while it streamed.
   */
  end: 'pending' | 'answered' | 'cancelled' | StreamEnd;
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
  /**
   * The ids of the responses cancelled by `POST /v1/responses/{id}/cancel` while they ran, in order (bounded by
   * `maxRecordedRequests`). A cancelled response's entry in `responses` keeps only the events produced before
   * the cancel, and its `response.status` is `cancelled`.
   */
  readonly cancelled: readonly string[];
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
 * - A `previous_response_id` must name a response it created without `store: false` (else 400, as the API).
 * - `GET /v1/responses/{id}?stream=true&starting_after=N` replays a stored `background: true` response's events
 *   after sequence number N (400 for other responses, as the API); without `stream`, it returns the `Response`.
 * - `POST /v1/responses/{id}/cancel` cancels a running background response, as `client.responses.cancel(id)`
 *   asks. A background response runs as its streams deliver it (the creating one, then any replay); once
 *   cancelled it keeps the events produced so far, every stream of it ends there (the body ends cleanly: the
 *   SDK's event union has no cancellation event), a replay serves those events and ends, and its `Response`
 *   (the cancel's answer, and `GET` without `stream`) has status `cancelled`. Cancelling it again answers the
 *   same (the API's cancel is idempotent); a finished response is a 400 (`Cannot cancel a completed
 *   response.`), one created without `background: true` a 400, an unknown id a 404. Successful cancels are
 *   listed in `cancelled`.
 * - `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart form data, parsed with the
 *   platform's `Request.formData()`; `image` is required, `mask` optional, both recorded as
 *   {@link MockUploadedFile}s) answer as the Images API: with `stream: true`, `partial_images` previews and a
 *   `*.completed` event (one image per stream: `n > 1` is refused with 400); without, the `ImagesResponse`
 *   JSON. The same faults apply, and `moderation` blocks a prompt (HTTP 400) or an image (an `error` event).
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
  /** How far each background response has run, and the streams delivering it (dropped with the response). */
  const runs = new Map<string, MockRun>();
  const cancelled: string[] = [];
  /** Responses created with `store: false` (kept in `responses` for assertions): none can be continued. */
  const unstored = new Set<string>();
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
      image: null,
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

    /** Streams `events` as the scenario says, recording what was sent; `onSent` sees each count too. */
    const streamOut = async (
      events: readonly ResponseStreamEvent[],
      scenario: MockScenario,
      signal: AbortSignal,
      onSent?: (sent: number) => void,
    ) => {
      record.status = 200;
      record.eventsPlanned = events.length;
      streams.add(controller);
      const end = await writeEventStream(res, events, scenario, signal, {
        onEvent: (sent) => {
          record.eventsSent = sent;
          onSent?.(sent);
        },
        onCut: () => {
          cutting = true;
        },
      });
      streams.delete(controller);
      return end;
    };

    try {
      body = await readBody(req);
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
    const cancelMatch = /^\/v1\/responses\/([^/]+)\/cancel$/.exec(path.pathname);
    if (cancelMatch && method === 'POST') {
      cancel(decodeURIComponent(cancelMatch[1]!), res, record, refuse);
      finish('answered');
      return;
    }
    if (method === 'POST' && scenario.moderation?.stage === 'input')
      return refuse(400, moderationRefusal(scenario));
    const imagesMatch = /^\/v1\/images\/(generations|edits)$/.exec(path.pathname);
    if (imagesMatch && method === 'POST') {
      const kind = imagesMatch[1] === 'edits' ? 'edit' : 'generation';
      if (!isRecord(body)) {
        return refuse(400, {
          message:
            kind === 'edit'
              ? 'The request body must be multipart form data.'
              : 'The request body must be a JSON object.',
          type: 'invalid_request_error',
        });
      }
      if (kind === 'edit' && body.image === undefined && body['image[]'] === undefined) {
        return refuse(400, {
          message: "Missing required parameter: 'image'.",
          type: 'invalid_request_error',
          param: 'image',
          code: 'missing_required_parameter',
        });
      }
      const n = Number(body.n ?? 1);
      const imagesStream = body.stream === true || body.stream === 'true';
      if (imagesStream && n > 1) {
        return refuse(400, {
          message: 'This local server streams one image per request (n = 1).',
          type: 'invalid_request_error',
          param: 'n',
        });
      }
      const served = buildImagesApiStream(
        kind,
        body,
        { ...scenario, seed: scenario.seed ?? seed },
        draw,
        1_764_000_000 + index,
      );
      record.image = served.image;
      res.setHeader('x-request-id', `req_${index}`);
      if (!imagesStream) {
        if (scenario.errorEvent || !served.image) return refuse(500, {});
        const completed = served.events.at(-1) as unknown as Record<string, unknown>;
        const count = Math.max(1, Math.min(10, Number.isFinite(n) ? Math.floor(n) : 1));
        record.status = 200;
        sendJson(res, 200, {
          created: completed.created_at,
          data: Array.from({ length: count }, () => ({ b64_json: served.image!.b64 })),
          background: completed.background,
          output_format: completed.output_format,
          quality: completed.quality,
          size: completed.size,
          usage: completed.usage,
        });
        finish('answered');
        return;
      }
      const end = await streamOut(
        served.events as unknown as readonly ResponseStreamEvent[],
        scenario,
        controller.signal,
      );
      finish(end === 'client-closed' && closing ? 'server-closed' : end);
      return;
    }

    const match = /^\/v1\/responses(?:\/([^/]+))?$/.exec(path.pathname);
    let stored: MockStoredResponse | undefined;
    let events: MockStoredResponse['events'] = [];
    let stream = false;
    /** How many of the response's events come before this stream's first. */
    let offset = 0;

    if (match && !match[1] && method === 'POST') {
      if (!isRecord(body)) {
        return refuse(400, {
          message: 'The request body must be a JSON object.',
          type: 'invalid_request_error',
        });
      }
      const previous = body.previous_response_id;
      if (typeof previous === 'string' && (!responses.has(previous) || unstored.has(previous))) {
        // As the API: only a stored response can be continued.
        return refuse(400, {
          message: `Previous response with id '${previous}' not found.`,
          type: 'invalid_request_error',
          param: 'previous_response_id',
          code: 'previous_response_not_found',
        });
      }
      const id = `resp_${(scenario.seed ?? seed).toString(16)}_${String(responseCount++).padStart(6, '0')}`;
      try {
        stored = buildResponse(id, body, { ...scenario, seed: scenario.seed ?? seed }, draw);
      } catch (error) {
        return refuse(500, { message: `Mock server: ${(error as Error).message}` });
      }
      store(stored);
      if (body.store === false) unstored.add(id);
      if (stored.background) {
        const total = stored.events.length;
        runs.set(id, {
          produced: 0,
          total,
          status: body.stream === true ? 'running' : 'finished',
          streams: new Set(),
        });
      }
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
      offset = stored.events.length - events.length;
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

    // A background response runs as its streams deliver it, until its end or a cancel (see `cancel`).
    const run = stored.background ? runs.get(stored.id) : undefined;
    const stop = new AbortController();
    run?.streams.add(stop);
    const end = await streamOut(
      events,
      scenario,
      run ? AbortSignal.any([controller.signal, stop.signal]) : controller.signal,
      (sent) => {
        if (run?.status === 'running') {
          run.produced = Math.max(run.produced, offset + sent);
          if (run.produced >= run.total) run.status = 'finished';
        }
      },
    );
    run?.streams.delete(stop);
    if (stop.signal.aborted && !controller.signal.aborted) {
      // Cancelled: the stream ends where the response stopped, without a terminal event.
      res.end();
      finish('cancelled');
      return;
    }
    finish(end === 'client-closed' && closing ? 'server-closed' : end);
  };

  /** `POST /v1/responses/{id}/cancel`, answered as the API answers it. */
  const cancel = (
    id: string,
    res: ServerResponse,
    record: MockRequestRecord,
    refuse: (status: number, error: Partial<MockApiError>) => void,
  ) => {
    const stored = responses.get(id);
    if (!stored) return refuse(404, { message: `No response found with id '${id}'.`, param: 'response_id' });
    record.responseId = id;
    if (!stored.background) return refuse(400, { message: 'Cannot cancel a synchronous response.' });
    const run = runs.get(id);
    if (run?.status === 'running') {
      run.status = 'cancelled';
      const kept = stored.events.slice(0, run.produced);
      const output = kept.flatMap((event) =>
        event.type === 'response.output_item.done' ? [event.item] : [],
      );
      store({ ...stored, events: kept, response: { ...stored.response, status: 'cancelled', output } });
      cancelled.push(id);
      if (cancelled.length > maxRecorded) cancelled.splice(0, cancelled.length - maxRecorded);
      for (const stream of run.streams) stream.abort();
    } else if (stored.response.status !== 'cancelled') {
      return refuse(400, { message: `Cannot cancel a ${stored.response.status ?? 'completed'} response.` });
    }
    record.status = 200;
    sendJson(res, 200, responses.get(id)!.response);
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
      unstored.delete(id);
      runs.delete(id);
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
    cancelled,
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

/** How far a background response has run (see `POST /v1/responses/{id}/cancel`). */
interface MockRun {
  /** How many of its events some stream has delivered. */
  produced: number;
  /** How many events it has in all. */
  readonly total: number;
  /** `running` until a stream delivers its last event (`finished`) or it is cancelled. */
  status: 'running' | 'finished' | 'cancelled';
  /** The streams delivering it now: a cancel aborts them. */
  readonly streams: Set<AbortController>;
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

/** Reads a request's body (at most 16 MiB): JSON, or multipart form data (parsed by the platform's `Request.formData()`). */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('The request body is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return null;
  const bytes = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    let form: FormData;
    try {
      form = await new Request('http://localhost/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: bytes,
      }).formData();
    } catch {
      throw new Error('The request body is not valid multipart form data.');
    }
    return formFields(form);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error('The request body is not valid JSON.');
  }
}

/** A form's fields as an object: strings, files as {@link MockUploadedFile}s; repeated or `[]` fields as arrays. */
async function formFields(form: FormData): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    const entry =
      typeof value === 'string'
        ? value
        : {
            filename: value.name,
            type: value.type,
            size: value.size,
            sha256: createHash('sha256')
              .update(new Uint8Array(await value.arrayBuffer()))
              .digest('hex'),
          };
    const previous = fields[name];
    if (previous === undefined) fields[name] = name.endsWith('[]') ? [entry] : entry;
    else fields[name] = Array.isArray(previous) ? [...previous, entry] : [previous, entry];
  }
  return fields;
}
