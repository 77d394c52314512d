import { APIConnectionError, APIError, AuthenticationError, BadRequestError, RateLimitError } from 'openai';
import { NEVER, Observable, of, Subject, throwError } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ResponseFailedError,
  ResponseStreamError,
  type ResponseStreamEvent,
  TruncatedStreamError,
} from '../../src/index';
import {
  GENERIC_SAFE_ERROR,
  SERVER_SENT_EVENTS_HEADERS,
  serverSentEventsResponse,
  toSafeError,
  toServerSentEvents,
} from '../../src/server/index';
import { createEventFactory, imageGenerationEvents } from '../../src/testing/index';
import { sseFrame } from '../support/httpServers';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** The `data` of every `event: error` frame. */
function errorEvents(text: string): Array<Record<string, unknown>> {
  return [...text.matchAll(/^event: error\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
}

/** A Subject that counts subscribers, to see when the relay lets go of its source. */
function trackedSource() {
  const subject = new Subject<ResponseStreamEvent>();
  let active = 0;
  const source = new Observable<ResponseStreamEvent>((subscriber) => {
    active++;
    const subscription = subject.subscribe(subscriber);
    return () => {
      active--;
      subscription.unsubscribe();
    };
  });
  return { subject, source, active: () => active };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('toServerSentEvents', () => {
  it("writes each event in the API's SSE framing and closes when the source completes", async () => {
    const events = imageGenerationEvents({ images: 2, partials: 1, text: 'Héllo ✨' });
    expect(await readAll(toServerSentEvents(of(...events)))).toBe(events.map(sseFrame).join(''));
  });

  it('relays only allowlisted types, plus the terminal events', async () => {
    const events = imageGenerationEvents({ partials: 2 });
    const allow = ['response.image_generation_call.partial_image', 'response.output_item.done'];
    const text = await readAll(toServerSentEvents(of(...events), { events: allow }));
    const expected = events.filter((e) => allow.includes(e.type) || e.type === 'response.completed');
    expect(text).toBe(expected.map(sseFrame).join(''));
    expect(expected.length).toBeLessThan(events.length);
  });

  it('takes a predicate as the allowlist; a throwing predicate becomes an error event', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.inProgress(), e.completed()];
    const text = await readAll(
      toServerSentEvents(of(...events), { events: (ev) => ev.type !== 'response.in_progress' }),
    );
    expect(text).toBe([events[0]!, events[2]!].map(sseFrame).join(''));

    const thrown = await readAll(
      toServerSentEvents(of(...events), {
        events: () => {
          throw new Error('secret sk-live-abcdef in a predicate');
        },
      }),
    );
    expect(errorEvents(thrown)).toEqual([
      { type: 'error', ...GENERIC_SAFE_ERROR, param: null, sequence_number: 0 },
    ]);
  });

  it('turns an event over maxEventBytes into an event_too_large error event, unsubscribes and closes', async () => {
    const e = createEventFactory();
    const { subject, source, active } = trackedSource();
    const stream = toServerSentEvents(source, { maxEventBytes: 600 });
    const text = readAll(stream);
    const created = e.created();
    subject.next(created);
    subject.next(e.imagePartial('ig_1', 0, 0, 'A'.repeat(1000)));
    const body = await text;
    expect(active()).toBe(0);
    expect(body.startsWith(sseFrame(created))).toBe(true);
    const [error] = errorEvents(body);
    expect(error).toMatchObject({
      type: 'error',
      code: 'event_too_large',
      sequence_number: created.sequence_number + 1,
    });
    expect(error!.message).toMatch(/response\.image_generation_call\.partial_image event of \d+ bytes/);
    expect(body.endsWith('\n\n')).toBe(true);
    expect(errorEvents(body)).toHaveLength(1);
  });

  it('an upstream error becomes one error event with a safe message, then the stream closes', async () => {
    const e = createEventFactory();
    const created = e.created();
    const secret = new Error('connect to db with password hunter2 failed');
    const body = await readAll(
      toServerSentEvents(
        new Observable((s) => {
          s.next(created);
          s.error(secret);
        }),
      ),
    );
    expect(body).toBe(
      `${sseFrame(created)}event: error\ndata: ${JSON.stringify({ type: 'error', ...GENERIC_SAFE_ERROR, param: null, sequence_number: created.sequence_number + 1 })}\n\n`,
    );
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('at ');
  });

  it('uses mapError when given, and the default when it returns undefined or throws', async () => {
    const mapped = await readAll(
      toServerSentEvents(
        throwError(() => new Error('x')),
        {
          mapError: () => ({ code: 'quota', message: 'You have used all your images today.' }),
        },
      ),
    );
    expect(errorEvents(mapped)[0]).toMatchObject({
      code: 'quota',
      message: 'You have used all your images today.',
    });
    const fallback = await readAll(
      toServerSentEvents(
        throwError(() => new Error('x')),
        {
          mapError: () => {
            throw new Error('bad mapper');
          },
        },
      ),
    );
    expect(errorEvents(fallback)[0]).toMatchObject(GENERIC_SAFE_ERROR);
  });

  it('cancelling the stream (the client went away) unsubscribes from the source', async () => {
    const { subject, source, active } = trackedSource();
    const stream = toServerSentEvents(source);
    const reader = stream.getReader();
    expect(active()).toBe(1);
    subject.next(createEventFactory().created());
    await reader.read();
    await reader.cancel();
    expect(active()).toBe(0);
    expect(subject.observed).toBe(false);
  });

  it('drops a client that falls more than maxBufferedBytes behind: unsubscribes and errors the stream', async () => {
    const e = createEventFactory();
    const { subject, source, active } = trackedSource();
    const stream = toServerSentEvents(source, { maxEventBytes: 1000, maxBufferedBytes: 2000 });
    let sent = 0;
    // Nobody reads: the buffer fills.
    while (active() > 0 && sent < 100) {
      subject.next(e.textDelta('msg_1', 0, 'x'.repeat(300)));
      sent++;
    }
    expect(active()).toBe(0);
    expect(sent).toBeGreaterThan(2);
    expect(sent).toBeLessThan(10);
    await expect(stream.getReader().read()).rejects.toThrow(/fell more than 2000 bytes behind/);
  });

  it('sends a keepalive comment when quiet for heartbeatMs, and none while events flow', async () => {
    vi.useFakeTimers();
    const e = createEventFactory();
    const { subject, source } = trackedSource();
    const reader = toServerSentEvents(source, { heartbeatMs: 1000 }).getReader();
    const decoder = new TextDecoder();
    vi.advanceTimersByTime(1000);
    expect(decoder.decode((await reader.read()).value)).toBe(': keepalive\n\n');
    const created = e.created();
    subject.next(created);
    vi.advanceTimersByTime(1000); // an event was sent in this period: no heartbeat
    subject.complete();
    expect(decoder.decode((await reader.read()).value)).toBe(sseFrame(created));
    expect((await reader.read()).done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('handles a source that ends synchronously, and one that never emits until cancelled', async () => {
    expect(await readAll(toServerSentEvents(of()))).toBe('');
    const stream = toServerSentEvents(NEVER, { heartbeatMs: 0 });
    await stream.cancel();
  });
});

describe('serverSentEventsResponse', () => {
  it('is a 200 text/event-stream Response with no-cache and no proxy buffering, readable by fetch clients', async () => {
    const events = imageGenerationEvents();
    const response = serverSentEventsResponse(of(...events), {
      headers: { 'access-control-allow-origin': '*' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(SERVER_SENT_EVENTS_HEADERS['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe(events.map(sseFrame).join(''));
  });
});

describe('toSafeError', () => {
  const headers = new Headers({ authorization: 'Bearer sk-proj-SECRETSECRET', 'x-request-id': 'req_1' });
  const cases: Array<[string, unknown, { code: string; message?: string | RegExp }]> = [
    [
      '401 (the API names part of the key)',
      new AuthenticationError(
        401,
        { message: 'Incorrect API key provided: sk-proj-****CRET.', code: 'invalid_api_key' },
        undefined,
        headers,
      ),
      { code: 'upstream_auth', message: 'The server is not authorized to call the API.' },
    ],
    [
      '429 (the API names the organization)',
      new RateLimitError(
        429,
        { message: 'Rate limit reached for gpt-image-1 in organization org-AbCdEf123 on images per minute.' },
        undefined,
        headers,
      ),
      { code: 'rate_limited' },
    ],
    [
      '400 keeps the API message, masked',
      new BadRequestError(
        400,
        { message: 'Invalid value for tools[0].size; key sk-abc123 Bearer xyz', code: 'invalid_value' },
        undefined,
        headers,
      ),
      { code: 'invalid_value', message: 'Invalid value for tools[0].size; key sk-*** Bearer ***' },
    ],
    ['500', APIError.generate(500, { message: 'boom' }, undefined, headers), { code: 'upstream_error' }],
    [
      'an error event inside the stream (APIError without status)',
      new APIError(
        undefined,
        { type: 'error', code: 'server_error', message: 'The server had an error.' },
        undefined,
        headers,
      ),
      { code: 'server_error', message: 'The server had an error.' },
    ],
    [
      'connection',
      new APIConnectionError({ message: 'getaddrinfo ENOTFOUND internal-proxy' }),
      { code: 'connection_error' },
    ],
    [
      'ResponseStreamError',
      new ResponseStreamError({
        type: 'error',
        code: 'rate_limit_exceeded',
        message: 'Slow down.',
        param: null,
        sequence_number: 3,
      }),
      { code: 'rate_limit_exceeded', message: 'Slow down.' },
    ],
    [
      'ResponseFailedError',
      new ResponseFailedError(
        createEventFactory().response({
          status: 'failed',
          error: { code: 'server_error', message: 'It broke.' },
        }),
      ),
      { code: 'server_error', message: 'It broke.' },
    ],
    ['TruncatedStreamError', new TruncatedStreamError(3, 2), { code: 'stream_truncated' }],
    [
      'a plain Error',
      new TypeError('Cannot read properties of undefined (reading "apiKey")'),
      GENERIC_SAFE_ERROR,
    ],
    ['a string', 'sk-live-1234', GENERIC_SAFE_ERROR],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    const safe = toSafeError(error);
    expect(safe.code).toBe(expected.code);
    if (typeof expected.message === 'string') expect(safe.message).toBe(expected.message);
    else if (expected.message) expect(safe.message).toMatch(expected.message);
    const json = JSON.stringify(safe);
    for (const secret of [
      'SECRET',
      'CRET',
      'AbCdEf123',
      'abc123',
      'xyz',
      'req_1',
      'ENOTFOUND',
      'apiKey',
      'sk-live',
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(Object.keys(safe).sort()).toEqual(['code', 'message']);
  });
});
