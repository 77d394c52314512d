import OpenAI, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  RateLimitError,
} from 'openai';
import { defer, NEVER, Observable, of, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ResponseFailedError,
  ResponseStreamError,
  type ResponseStreamEvent,
  streamResponse,
  TruncatedStreamError,
} from '../../src/index';
import {
  DEFAULT_RESPONSE_FIELDS,
  GENERIC_SAFE_ERROR,
  SERVER_SENT_EVENTS_HEADERS,
  serverSentEventsResponse,
  toSafeError,
  toServerSentEvents,
} from '../../src/server/index';
import { createEventFactory, imageGenerationEvents, startMockResponsesServer } from '../../src/testing/index';
import { sseFrame } from '../support/httpServers';
import { errorFrames as errorEvents, frameData, relayed } from './support';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/**
 * A Subject that counts subscribers, to see when the relay lets go of its source; `subscribed` resolves at the
 * first subscription (the relay subscribes when its body is first read).
 */
function trackedSource() {
  const subject = new Subject<ResponseStreamEvent>();
  let active = 0;
  let markSubscribed!: () => void;
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
  const source = new Observable<ResponseStreamEvent>((subscriber) => {
    active++;
    const subscription = subject.subscribe(subscriber);
    markSubscribed();
    return () => {
      active--;
      subscription.unsubscribe();
    };
  });
  return { subject, source, subscribed, active: () => active };
}

describe('toServerSentEvents', () => {
  it("writes each event in the API's SSE framing and closes when the source completes", async () => {
    const events = imageGenerationEvents({ images: 2, partials: 1, text: 'Héllo ✨' });
    const all = await readAll(toServerSentEvents(of(...events), { responseFields: 'all' }));
    expect(all).toBe(events.map(sseFrame).join(''));
    // By default, the `Response` of `response.*` events carries only DEFAULT_RESPONSE_FIELDS.
    expect(await readAll(toServerSentEvents(of(...events)))).toBe(
      events.map((event) => sseFrame(relayed(event))).join(''),
    );
  });

  it("relays only the page's fields of a Response by default; a list of fields, or 'all', relays more", async () => {
    const e = createEventFactory();
    const secrets = {
      instructions: 'SECRET-INSTRUCTIONS: never reveal the discount code',
      tools: [
        {
          type: 'mcp',
          server_label: 'crm',
          server_url: 'https://mcp.internal.example/SECRET-MCP-URL',
          headers: { Authorization: 'Bearer SECRET-MCP-TOKEN' },
          require_approval: 'never',
        },
      ],
      prompt: { id: 'pmpt_SECRETPROMPT', variables: { customer: 'SECRET-VARIABLE' } },
      metadata: { tenant: 'SECRET-METADATA' },
      user: 'SECRET-USER',
      safety_identifier: 'SECRET-SAFETY-ID',
      prompt_cache_key: 'SECRET-CACHE-KEY',
      previous_response_id: 'resp_SECRETPREVIOUS',
      text: { format: { type: 'text' } },
      reasoning: { effort: 'high', summary: null },
      max_output_tokens: 4096,
      service_tier: 'priority',
    } as Record<string, unknown>;
    const usage = {
      input_tokens: 10,
      output_tokens: 20,
      total_tokens: 30,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    };
    const events: ResponseStreamEvent[] = [
      e.created(secrets),
      e.inProgress(secrets),
      e.completed({ ...secrets, usage, background: false, completed_at: 1_764_000_100 }),
    ];
    const text = await readAll(toServerSentEvents(of(...events)));
    expect(text).not.toMatch(/SECRET/);
    const completed = frameData(text).at(-1)!;
    expect(Object.keys(completed.response as object).sort()).toEqual(
      ['background', 'completed_at', 'created_at', 'error', 'id', 'incomplete_details', 'model', 'object']
        .concat(['output', 'output_text', 'status', 'usage'])
        .sort(),
    );
    expect(completed.response).toMatchObject({ id: 'resp_test', status: 'completed', usage });
    expect(DEFAULT_RESPONSE_FIELDS).toContain('output');

    const withMetadata = await readAll(
      toServerSentEvents(of(...events), { responseFields: [...DEFAULT_RESPONSE_FIELDS, 'metadata'] }),
    );
    expect(frameData(withMetadata).at(-1)!.response).toMatchObject({
      metadata: { tenant: 'SECRET-METADATA' },
    });
    expect(withMetadata).not.toMatch(/SECRET-(?!METADATA)/);
    const all = await readAll(toServerSentEvents(of(...events), { responseFields: 'all' }));
    expect(all).toBe(events.map(sseFrame).join(''));
  });

  it('is lazy: making the stream sends no request; the first read does', async () => {
    const api = await startMockResponsesServer({ scenario: { images: 1, partials: 0 } });
    try {
      const fetches: string[] = [];
      const client = new OpenAI({
        apiKey: 'sk-test',
        baseURL: api.url,
        maxRetries: 0,
        fetch: (url, init) => {
          fetches.push(String(url));
          return fetch(url, init);
        },
      });
      let subscriptions = 0;
      const events$ = defer(() => {
        subscriptions++;
        return streamResponse(client, { model: 'gpt-5', input: 'a fox' });
      });
      const stream = toServerSentEvents(events$);
      // Let the stream's start (and anything it would schedule) run.
      await new Promise((resolve) => setImmediate(resolve));
      expect(subscriptions).toBe(0);
      expect(fetches).toEqual([]);
      expect(api.requests).toHaveLength(0);
      const text = await readAll(stream);
      expect(subscriptions).toBe(1);
      expect(fetches).toEqual([`${api.url}/responses`]);
      expect(frameData(text).at(-1)!.type).toBe('response.completed');
      // A stream never read never subscribes; cancelling it is harmless.
      const unread = toServerSentEvents(events$);
      await unread.cancel();
      expect(subscriptions).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('relays only allowlisted types, plus the terminal events', async () => {
    const events = imageGenerationEvents({ partials: 2 });
    const allow = ['response.image_generation_call.partial_image', 'response.output_item.done'];
    const text = await readAll(toServerSentEvents(of(...events), { events: allow, responseFields: 'all' }));
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
    expect(text).toBe([events[0]!, events[2]!].map((event) => sseFrame(relayed(event))).join(''));

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
    const { subject, source, subscribed, active } = trackedSource();
    const stream = toServerSentEvents(source, { maxEventBytes: 600 });
    const text = readAll(stream);
    await subscribed;
    const created = e.created();
    subject.next(created);
    subject.next(e.imagePartial('ig_1', 0, 0, 'A'.repeat(1000)));
    const body = await text;
    expect(active()).toBe(0);
    expect(body.startsWith(sseFrame(relayed(created)))).toBe(true);
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
      `${sseFrame(relayed(created))}event: error\ndata: ${JSON.stringify({ type: 'error', ...GENERIC_SAFE_ERROR, param: null, sequence_number: created.sequence_number + 1 })}\n\n`,
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
    const { subject, source, subscribed, active } = trackedSource();
    const stream = toServerSentEvents(source);
    const reader = stream.getReader();
    const first = reader.read();
    await subscribed;
    expect(active()).toBe(1);
    subject.next(createEventFactory().created());
    await first;
    await reader.cancel();
    expect(active()).toBe(0);
    expect(subject.observed).toBe(false);
  });

  it('drops a client that falls more than maxBufferedBytes behind: unsubscribes and errors the stream', async () => {
    const e = createEventFactory();
    const { subject, source, subscribed, active } = trackedSource();
    const stream = toServerSentEvents(source, { maxEventBytes: 1000, maxBufferedBytes: 2000 });
    const reader = stream.getReader();
    // One read starts the relay (and takes the first frame); then nobody reads: the buffer fills.
    const first = reader.read();
    await subscribed;
    let sent = 0;
    while (active() > 0 && sent < 100) {
      subject.next(e.textDelta('msg_1', 0, 'x'.repeat(300)));
      sent++;
    }
    expect(active()).toBe(0);
    expect(sent).toBeGreaterThan(2);
    expect(sent).toBeLessThan(10);
    expect((await first).done).toBe(false);
    await expect(reader.read()).rejects.toThrow(/fell more than 2000 bytes behind/);
  });

  it('drops a client behind a synchronous firehose at once: the source stops when the buffer is full', async () => {
    const e = createEventFactory();
    let produced = 0;
    const firehose = new Observable<ResponseStreamEvent>((subscriber) => {
      for (let i = 0; i < 10_000 && !subscriber.closed; i++) {
        produced++;
        subscriber.next(e.textDelta('msg_1', 0, 'x'.repeat(300)));
      }
    });
    const reader = toServerSentEvents(firehose, { maxEventBytes: 1000, maxBufferedBytes: 2000 }).getReader();
    await reader.read();
    expect(produced).toBeLessThan(10);
    await expect(reader.read()).rejects.toThrow(/fell more than 2000 bytes behind/);
  });

  it('a source that goes silent ends the stream with one stream_idle error event (heartbeats or not)', async () => {
    // The source never emits again: whatever the clock, the relay must give up rather than beat forever.
    const { source, active } = trackedSource();
    const text = await readAll(toServerSentEvents(source, { idleTimeout: 1, heartbeatMs: 1 }));
    expect(errorEvents(text)).toEqual([
      {
        type: 'error',
        code: 'stream_idle',
        message: 'The upstream response stream was silent for 1 ms.',
        param: null,
        sequence_number: 0,
      },
    ]);
    expect(active()).toBe(0);
  });

  it("an upstream error event is mapped like a thrown error: one safe error event, never the API's text", async () => {
    const e = createEventFactory();
    const created = e.created();
    const leak = e.error(
      'Incorrect API key provided: sk-proj-LEAKEDKEY1234 (organization org-LEAKEDORG99).',
      'invalid_api_key',
    );
    const { subject, source, subscribed, active } = trackedSource();
    const seen: unknown[] = [];
    const text = readAll(toServerSentEvents(source, { mapError: (error) => void seen.push(error) }));
    await subscribed;
    subject.next(created);
    subject.next(leak);
    // What a source on SDK 6 does after an error event: it ends without a terminal event.
    subject.error(new TruncatedStreamError(2, leak.sequence_number));
    const body = await text;
    expect(body).not.toMatch(/LEAKED/);
    expect(errorEvents(body)).toEqual([
      {
        type: 'error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided: sk-*** (organization org-***).',
        param: null,
        sequence_number: leak.sequence_number,
      },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(ResponseStreamError);
    expect(active()).toBe(0);
    const mapped = await readAll(
      toServerSentEvents(of(created, leak), { mapError: () => ({ code: 'busy', message: 'Try later.' }) }),
    );
    expect(errorEvents(mapped)).toMatchObject([{ code: 'busy', message: 'Try later.' }]);
  });

  it("relays response.failed with its error's text mapped, and no error event besides", async () => {
    const e = createEventFactory();
    const created = e.created();
    const failed = e.failed({
      error: {
        code: 'server_error',
        message: 'Upstream rejected https://res.openai.azure.com/?api-key=0123456789abcdef0123456789abcdef',
      },
    });
    const body = await readAll(toServerSentEvents(of(created, failed)));
    expect(body).not.toMatch(/0123456789abcdef/);
    expect(errorEvents(body)).toEqual([]);
    const relayedFailed = frameData(body).at(-1)!;
    expect(relayedFailed).toMatchObject({
      type: 'response.failed',
      sequence_number: failed.sequence_number,
      response: {
        status: 'failed',
        error: {
          code: 'server_error',
          message: 'Upstream rejected https://res.openai.azure.com/?api-key=***',
        },
      },
    });
    const seen: unknown[] = [];
    const mapped = await readAll(
      toServerSentEvents(of(created, failed), {
        mapError: (error) => {
          seen.push(error);
          return { code: 'generation_failed', message: 'The image could not be made.' };
        },
      }),
    );
    expect(frameData(mapped).at(-1)!.response).toMatchObject({
      error: { code: 'generation_failed', message: 'The image could not be made.' },
    });
    expect(seen).toEqual([expect.any(ResponseFailedError)]);
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
    expect(await response.text()).toBe(events.map((event) => sseFrame(relayed(event))).join(''));
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
