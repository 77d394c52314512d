import { BadRequestError, NotFoundError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { resumeResponse, streamResponse, TruncatedStreamError, withFinalImage } from '../../src/index';
import {
  imageGenerationScenario,
  type MockResponsesServer,
  type MockResponsesServerOptions,
  REALISTIC_IMAGE,
  renderMockImage,
  startMockResponsesServer,
} from '../../src/testing/index';
import { clientFor, params, withScenario } from './support';

const servers: MockResponsesServer[] = [];
const start = async (options?: MockResponsesServerOptions) => {
  const server = await startMockResponsesServer(options);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const collect = async (stream: AsyncIterable<ResponseStreamEvent>) => {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
};

describe('startMockResponsesServer: the wire format', () => {
  it('frames events as the API does: `event: <type>`, `data: <json>`, a blank line, as text/event-stream', async () => {
    const server = await start({ scenario: { images: 1, partials: 1 } });
    const res = await fetch(`${server.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    const frames = text.split('\n\n').filter(Boolean);
    const events = server.responses.get(server.requests[0]!.responseId!)!.events;
    expect(frames).toEqual(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}`));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('answers the Response JSON without `stream`, carrying the request’s model and the final images', async () => {
    const server = await start({ scenario: { images: 2 } });
    const response = await clientFor(server).responses.create({ ...params, model: 'gpt-4.1' });
    const served = server.responses.get(response.id)!;
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4.1');
    const results = response.output.flatMap((item) =>
      item.type === 'image_generation_call' ? [item.result] : [],
    );
    expect(results).toEqual(served.images.map((i) => i.b64));
  });

  it('records request bodies, and serves text with one delta per word', async () => {
    const server = await start({ scenario: { images: 0, textDeltas: 40 } });
    const events = await lastValueFrom(streamResponse(clientFor(server), params).pipe(toArray()));
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/responses',
      status: 200,
      end: 'finished',
    });
    expect(server.requests[0]!.body).toEqual({ ...params, stream: true });
    expect(events.filter((e) => e.type === 'response.output_text.delta')).toHaveLength(40);
  });

  it('answers unknown routes and unknown responses with the API’s 404 error body', async () => {
    const server = await start();
    await expect(clientFor(server).responses.retrieve('resp_missing')).rejects.toBeInstanceOf(NotFoundError);
    const res = await fetch(`${server.url}/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        message: 'Unknown request URL: GET /v1/nothing.',
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    });
  });

  it('refuses a scenario header that is not JSON with a 400', async () => {
    const server = await start();
    const error = await clientFor(server)
      .responses.create({ ...params }, { headers: { 'x-mock-scenario': '{nope' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe('400 x-mock-scenario is not valid JSON.');
  });
});

describe('startMockResponsesServer: scenarios', () => {
  it('picks the scenario per request: the server’s function, then metadata, then the header', async () => {
    const server = await start({ scenario: (request) => ({ images: request.index + 1, partials: 0 }) });
    const client = clientFor(server);
    const count = async (body: object, options?: ReturnType<typeof withScenario>) =>
      (
        await lastValueFrom(
          streamResponse(client, { ...params, ...body }, options).pipe(withFinalImage(), toArray()),
        )
      ).length;
    expect(await count({})).toBe(1);
    expect(await count({})).toBe(2);
    expect(await count({ metadata: { mock_scenario: JSON.stringify({ images: 4 }) } })).toBe(4);
    expect(
      await count(
        { metadata: { mock_scenario: JSON.stringify({ images: 4 }) } },
        withScenario({ images: 1 }),
      ),
    ).toBe(1);
  });

  it('is deterministic for a seed: the same seed serves the same ids and bytes, another seed other bytes', async () => {
    const served = async (seed: number) => {
      const server = await start({ seed, scenario: { images: 2, partials: 2 } });
      await lastValueFrom(streamResponse(clientFor(server), params).pipe(toArray()));
      return server.responses.get(server.requests[0]!.responseId!)!;
    };
    const [a, b, c] = [await served(5), await served(5), await served(6)];
    expect(b.id).toBe(a.id);
    expect(b.events).toEqual(a.events);
    expect(c.images[0]!.b64).not.toBe(a.images[0]!.b64);
    expect(a.images[1]!.b64).not.toBe(a.images[0]!.b64);
  });

  it('serves given events as they are', async () => {
    const { events } = imageGenerationScenario({ images: 1, partials: 0, responseId: 'resp_given' });
    const server = await start({ scenario: { events } });
    const got = await lastValueFrom(streamResponse(clientFor(server), params).pipe(toArray()));
    expect(got.map((e) => [e.type, e.sequence_number])).toEqual(
      events.map((e) => [e.type, e.sequence_number]),
    );
  });

  it('draws realistic images of about 1.5 MB of base64', () => {
    const b64 = renderMockImage(1, 0, REALISTIC_IMAGE);
    expect(b64.length).toBeGreaterThan(1_200_000);
    expect(b64.length).toBeLessThan(1_800_000);
  });
});

describe('startMockResponsesServer: background responses', () => {
  it('replays a background response after `starting_after`, so a cut stream can be resumed', async () => {
    // The first request (the POST) is cut after 5 events; the replay is served whole.
    const server = await start({
      scenario: (request) => ({
        images: 2,
        partials: 1,
        ...(request.index === 0 ? { cut: { afterEvents: 5 } } : {}),
      }),
    });
    const client = clientFor(server);
    const first: ResponseStreamEvent[] = [];
    const error = await new Promise<unknown>((resolve) =>
      streamResponse(client, { ...params, background: true }).subscribe({
        next: (e) => first.push(e),
        error: resolve,
        complete: () => resolve(null),
      }),
    );
    expect(error).toBeInstanceOf(TruncatedStreamError);
    const id = server.requests[0]!.responseId!;
    const stored = server.responses.get(id)!;
    expect(stored.background).toBe(true);
    expect(server.requests[0]!.eventsSent).toBe(5);

    const after = 4;
    const rest = await collect(await client.responses.retrieve(id, { stream: true, starting_after: after }));
    expect(server.requests[1]!.url).toBe(`/v1/responses/${id}?stream=true&starting_after=${after}`);
    expect(rest).toEqual(stored.events.slice(after + 1));
    expect(rest[0]!.sequence_number).toBe(5);
  });

  it('lets resumeResponse read the replay through the real client', async () => {
    const server = await start({ scenario: { images: 1, partials: 0 } });
    const client = clientFor(server);
    await lastValueFrom(streamResponse(client, { ...params, background: true }).pipe(toArray()));
    const id = server.requests[0]!.responseId!;
    const images = await lastValueFrom(
      resumeResponse(client, id, { startingAfter: 2 }).pipe(withFinalImage(), toArray()),
    );
    expect(images.map((i) => i.b64)).toEqual(server.responses.get(id)!.images.map((i) => i.b64));
  });

  it('refuses to stream a response that was not created in the background, as the API does', async () => {
    const server = await start();
    const client = clientFor(server);
    await lastValueFrom(streamResponse(client, params).pipe(toArray()));
    const id = server.requests[0]!.responseId!;
    const error = await client.responses.retrieve(id, { stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('stream');
    // Without `stream`, it is still retrievable.
    expect((await client.responses.retrieve(id)).status).toBe('completed');
  });
});

describe('startMockResponsesServer: lifecycle', () => {
  it('close() ends a stalled stream and every connection', async () => {
    const server = await startMockResponsesServer({ scenario: { stallAfterEvents: 2 } });
    const events: string[] = [];
    const ended = new Promise<unknown>((resolve) =>
      streamResponse(clientFor(server), params).subscribe({
        next: (e) => {
          events.push(e.type);
          if (events.length === 2) void server.close();
        },
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    expect(await ended).toBeInstanceOf(TruncatedStreamError);
    expect(server.requests[0]!.end).toBe('server-closed');
    expect(server.openConnections).toBe(0);
  });
});
