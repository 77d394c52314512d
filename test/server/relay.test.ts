import OpenAI from 'openai';
import { lastValueFrom, takeWhile, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fromServerSentEvents,
  imageStates,
  ResponseStreamError,
  type ResponseStreamEvent,
  streamResponse,
  TruncatedStreamError,
} from '../../src/index';
import { pipeServerSentEvents } from '../../src/server/index';
import { createEventFactory, imageGenerationScenario } from '../../src/testing/index';
import { readBody, sseFrame, startServer, type TestServer } from '../support/httpServers';
import { relayed as asRelayed } from './support';

const API_KEY = 'sk-test-RELAYSECRET0123456789';
const scenario = imageGenerationScenario({ images: 2, partials: 2 });

/**
 * A stand-in for the API: `POST /v1/responses` answers by the request's `input`: `ok` streams the scenario,
 * `stall` sends three events and then nothing, `unauthorized` is the API's 401, `error-event` sends an
 * `error` event mid-stream.
 */
let upstream: TestServer;
/** The relay under test: node:http, the real OpenAI client, `pipeServerSentEvents`. */
let relay: TestServer;
const relayed: Promise<void>[] = [];

beforeAll(async () => {
  upstream = await startServer(async (req, res) => {
    const { input } = JSON.parse(await readBody(req)) as { input: string };
    if (input === 'unauthorized') {
      res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_SECRETREQUEST' });
      res.end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${API_KEY.slice(0, 8)}****6789.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (input === 'stall') {
      res.write(scenario.events.slice(0, 3).map(sseFrame).join(''));
      return;
    }
    if (input === 'error-event') {
      const e = createEventFactory();
      res.end(
        [e.created(), e.error('The model is overloaded. Please try again later.', 'server_overloaded')]
          .map(sseFrame)
          .join(''),
      );
      return;
    }
    res.end(scenario.events.map(sseFrame).join(''));
  });
  const client = new OpenAI({ apiKey: API_KEY, baseURL: `${upstream.url}/v1`, maxRetries: 0 });
  relay = await startServer(async (req, res) => {
    const { prompt } = JSON.parse(await readBody(req)) as { prompt: string };
    const events$ = streamResponse(client, {
      model: 'gpt-5',
      input: prompt,
      tools: [{ type: 'image_generation', partial_images: 2 }],
    });
    relayed.push(pipeServerSentEvents(events$, res, { heartbeatMs: 0 }));
  });
});

afterAll(async () => {
  await relay?.close();
  await upstream?.close();
});

function post(prompt: string) {
  return (signal?: AbortSignal) =>
    fetch(relay.url, { method: 'POST', body: JSON.stringify({ prompt }), signal: signal ?? null });
}

describe('relay: streamResponse → pipeServerSentEvents (node:http) → fromServerSentEvents (fetch)', () => {
  it('delivers every upstream event, in order, with SSE headers', async () => {
    const response = await post('ok')();
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const events = await lastValueFrom(fromServerSentEvents(response).pipe(toArray()));
    expect(events).toEqual(scenario.events.map((event) => asRelayed(event)));
    // The key stayed on the server: the upstream saw it, the browser's request did not carry it.
    const upstreamRequest = upstream.requests.at(-1)!;
    expect(upstreamRequest.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(relay.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('feeds imageStates in the browser: both images end completed with the served bytes', async () => {
    const states = await lastValueFrom(fromServerSentEvents(post('ok')).pipe(imageStates()));
    expect(states.map((s) => [s.status, s.b64])).toEqual(scenario.images.map((i) => ['completed', i.b64]));
  });

  it('a browser disconnect cancels the upstream request', async () => {
    const before = upstream.requests.length;
    const seen = await lastValueFrom(
      fromServerSentEvents(post('stall')).pipe(
        takeWhile((event: ResponseStreamEvent) => event.sequence_number < 2, true),
        toArray(),
      ),
    );
    expect(seen).toEqual(scenario.events.slice(0, 3).map((event) => asRelayed(event)));
    // The client left: the relay's response closes, its pipe settles, and the upstream connection closes.
    const relayRequest = await relay.request(relay.requests.length - 1);
    await relayRequest.closed;
    expect(relayRequest.clientClosed).toBe(true);
    await relayed.at(-1);
    const upstreamRequest = await upstream.request(before);
    await upstreamRequest.closed;
    expect(upstreamRequest.clientClosed).toBe(true);
  });

  it('an upstream 401 reaches the browser as a safe error event: no key, no request id, no stack', async () => {
    const raw = await (await post('unauthorized')()).text();
    for (const secret of ['RELAYSECRET', API_KEY.slice(0, 8), '6789', 'SECRETREQUEST', 'Bearer', ' at ']) {
      expect(raw).not.toContain(secret);
    }
    const error = await lastValueFrom(fromServerSentEvents(post('unauthorized'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({ code: 'upstream_auth' });
  });

  it("an upstream error event reaches the browser as a ResponseStreamError with the API's code and message", async () => {
    const events: ResponseStreamEvent[] = [];
    const error = await new Promise((resolve) =>
      fromServerSentEvents(post('error-event')).subscribe({
        next: (e) => events.push(e),
        error: resolve,
        complete: () => resolve(null),
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['response.created']);
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({ code: 'server_overloaded' });
    expect((error as Error).message).toContain('The model is overloaded');
  });

  it('an upstream cut (no terminal event) ends the relay with a truncation error event', async () => {
    const cut = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(scenario.events.slice(0, 4).map(sseFrame).join(''));
    });
    const cutRelay = await startServer((_req, res) => {
      const client = new OpenAI({ apiKey: API_KEY, baseURL: `${cut.url}/v1`, maxRetries: 0 });
      void pipeServerSentEvents(streamResponse(client, { model: 'gpt-5', input: 'x' }), res);
    });
    try {
      const error = await lastValueFrom(fromServerSentEvents(() => fetch(cutRelay.url))).catch(
        (e: unknown) => e,
      );
      // The relay turns the TruncatedStreamError into an error event; the browser reports it as such.
      expect(error).toBeInstanceOf(ResponseStreamError);
      expect(error).toMatchObject({ code: 'stream_truncated' });
      expect(error).not.toBeInstanceOf(TruncatedStreamError);
    } finally {
      await cutRelay.close();
      await cut.close();
    }
  });
});
