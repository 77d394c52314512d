import { request as httpRequest, type IncomingMessage } from 'node:http';
import { APIConnectionError, BadRequestError, InternalServerError, NotFoundError } from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CursorError,
  cancelFromRequest,
  cursorOf,
  resumeFromRequest,
  signCursor,
} from '../../src/server/index';
import { fakeResponsesClient, imageGenerationEvents } from '../../src/testing/index';
import { startServer, type TestServer } from '../support/httpServers';

const cursor = { secret: 'the relay secret, at least thirty-two bytes long' };
const events = imageGenerationEvents({ images: 1, partials: 2, responseId: 'resp_bg', background: true });

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends one request to a real node:http server and hands the `IncomingMessage` to `use`. */
async function withIncoming<T>(
  path: string,
  headers: Record<string, string>,
  use: (req: IncomingMessage) => Promise<T>,
): Promise<T> {
  let result!: Promise<T>;
  const used = new Promise<void>((resolve) => {
    void startServer((req, res) => {
      result = use(req);
      void result.finally(() => {
        res.end();
        resolve();
      });
    }).then((started) => {
      server = started;
      httpRequest(`${started.url}${path}`, { method: 'POST', headers }, (res) => res.resume())
        .on('error', () => undefined)
        .end();
    });
  });
  await used;
  return result;
}

describe('cursorOf', () => {
  it('reads Last-Event-ID, else ?cursor=, else the body field, from node:http and fetch requests alike', async () => {
    const headerCursor = await withIncoming(
      '/api?cursor=fromQuery',
      { 'last-event-id': 'fromHeader' },
      async (req) => cursorOf(req, { body: { cursor: 'fromBody' } }),
    );
    expect(headerCursor).toBe('fromHeader');
    expect(await withIncoming('/api?cursor=fromQuery', {}, async (req) => cursorOf(req))).toBe('fromQuery');
    expect(
      await withIncoming('/api', {}, async (req) => cursorOf(req, { body: { cursor: 'fromBody' } })),
    ).toBe('fromBody');
    expect(await withIncoming('/api', {}, async (req) => cursorOf(req))).toBeNull();

    const url = 'https://relay.example/api/images';
    expect(cursorOf(new Request(url, { headers: { 'last-event-id': 'h' } }))).toBe('h');
    expect(cursorOf(new Request(`${url}?cursor=q`))).toBe('q');
    expect(cursorOf(new Request(url), { body: { cursor: 'b' } })).toBe('b');
    expect(cursorOf(new Request(url), { body: { cursor: 42 } })).toBeNull();
    expect(cursorOf(new Request(url))).toBeNull();
  });
});

describe('resumeFromRequest', () => {
  it('no cursor: null, and nothing is asked of the API', async () => {
    const client = fakeResponsesClient(events);
    expect(await resumeFromRequest(client, new Request('http://relay/api'), { cursor })).toBeNull();
    expect(client.retrieveCalls).toEqual([]);
  });

  it('a verified cursor: the replay after its sequence number (node:http and fetch requests)', async () => {
    const text = await signCursor({ responseId: 'resp_bg', sequenceNumber: 4 }, cursor);
    const client = fakeResponsesClient(events);
    const fromFetch = await resumeFromRequest(
      client,
      new Request('http://relay/api', { headers: { 'last-event-id': text } }),
      { cursor },
    );
    expect(await lastValueFrom(fromFetch!.pipe(toArray()))).toEqual(events.slice(5));
    const fromNode = await withIncoming('/api', { 'last-event-id': text }, (req) =>
      resumeFromRequest(client, req, { cursor }),
    );
    expect(await lastValueFrom(fromNode!.pipe(toArray()))).toEqual(events.slice(5));
    expect(client.retrieveCalls.map((c) => [c.responseId, c.query])).toEqual([
      ['resp_bg', { stream: true, starting_after: 4 }],
      ['resp_bg', { stream: true, starting_after: 4 }],
    ]);
  });

  it('a malformed cursor is CursorError 400, a forged one 403; the API is never asked', async () => {
    const client = fakeResponsesClient(events);
    const ask = (value: string) =>
      resumeFromRequest(client, new Request('http://relay/api', { headers: { 'last-event-id': value } }), {
        cursor,
      }).catch((error: unknown) => error);
    expect(await ask('resp_bg:4')).toMatchObject({ status: 400, code: 'invalid_cursor' });
    const foreign = await signCursor(
      { responseId: 'resp_bg', sequenceNumber: 4 },
      { secret: 'somebody else entirely, with a long secret' },
    );
    const error = await ask(foreign);
    expect(error).toBeInstanceOf(CursorError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden_cursor' });
    expect(await ask('x'.repeat(5000))).toMatchObject({ status: 400, code: 'invalid_cursor' });
    expect(client.retrieveCalls).toEqual([]);
  });
});

describe('cancelFromRequest', () => {
  /** A fake client with a `cancel` that records its calls and answers with `answer`. */
  function cancellable(answer: () => Promise<unknown>) {
    const calls: string[] = [];
    return {
      calls,
      client: {
        responses: {
          cancel: (id: string) => {
            calls.push(id);
            return answer();
          },
        },
      },
    };
  }
  const withCursor = (text: string) =>
    new Request('http://relay/api/cancel', { method: 'POST', headers: { 'last-event-id': text } });

  it('a verified cursor cancels its response: 200 { id, status }', async () => {
    const { client, calls } = cancellable(async () => ({ id: 'resp_bg', status: 'cancelled' }));
    const text = await signCursor({ responseId: 'resp_bg', sequenceNumber: 3 }, cursor);
    expect(await cancelFromRequest(client, withCursor(text), { cursor })).toEqual({
      status: 200,
      body: { id: 'resp_bg', status: 'cancelled' },
    });
    const fromNode = await withIncoming('/api/cancel', { 'last-event-id': text }, (req) =>
      cancelFromRequest(client, req, { cursor }),
    );
    expect(fromNode.status).toBe(200);
    expect(calls).toEqual(['resp_bg', 'resp_bg']);
  });

  it('no cursor is 400, a bad one 400/403, and nothing is cancelled', async () => {
    const { client, calls } = cancellable(async () => ({}));
    expect(await cancelFromRequest(client, new Request('http://relay/api/cancel'), { cursor })).toEqual({
      status: 400,
      body: { code: 'missing_cursor', message: 'Send the cursor of the stream to cancel.' },
    });
    expect((await cancelFromRequest(client, withCursor('nope'), { cursor })).status).toBe(400);
    const foreign = await signCursor(
      { responseId: 'resp_bg', sequenceNumber: 3 },
      { secret: 'somebody else entirely, with a long secret' },
    );
    expect(await cancelFromRequest(client, withCursor(foreign), { cursor })).toEqual({
      status: 403,
      body: { code: 'forbidden_cursor', message: 'The cursor was not issued by this service.' },
    });
    expect(calls).toEqual([]);
  });

  it("the API's refusals keep their 4xx; its failures are 502; never a rejection, never a secret", async () => {
    const text = await signCursor({ responseId: 'resp_bg', sequenceNumber: 3 }, cursor);
    const headers = new Headers();
    const cases: [unknown, number, string][] = [
      [
        new BadRequestError(400, { message: 'Cannot cancel a completed response.' }, undefined, headers),
        400,
        'Cannot cancel a completed response.',
      ],
      [
        new NotFoundError(404, { message: "No response found with id 'resp_bg'." }, undefined, headers),
        404,
        "No response found with id 'resp_bg'.",
      ],
      [
        new InternalServerError(500, { message: 'boom sk-secret123456' }, undefined, headers),
        502,
        'The API had a problem; try again.',
      ],
      [new APIConnectionError({ message: 'Connection error.' }), 502, 'The server could not reach the API.'],
      [new Error('sk-live-abcdef0123456789 leaked'), 502, 'The server could not complete the response.'],
    ];
    for (const [failure, status, message] of cases) {
      const { client } = cancellable(() => Promise.reject(failure));
      const answer = await cancelFromRequest(client, withCursor(text), { cursor });
      expect(answer.status).toBe(status);
      expect((answer.body as { message: string }).message).toBe(message);
    }
  });
});
