import type { IncomingMessage } from 'node:http';
import OpenAI from 'openai';
import { type Observable, VirtualTimeScheduler } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  fromServerSentEvents,
  type ResponseStreamEvent,
  resumable,
  resumeResponse,
  streamResponse,
} from '../../src/index';
import {
  type CancelAnswer,
  type Cursor,
  type CursorError,
  cancelFromRequest,
  DEFAULT_RESPONSE_FIELDS,
  pipeServerSentEvents,
  type RequestBodyError,
  readJsonBody,
  resumeFromRequest,
  type ServerResponseLike,
  serverSentEventsResponse,
  toServerSentEvents,
  verifyCursor,
} from '../../src/server/index';

declare const events$: Observable<ResponseStreamEvent>;
declare const req: IncomingMessage;
declare const res: ServerResponseLike;

describe('relay options types', () => {
  it('takes Response fields by name, a list built on the default, or all', () => {
    toServerSentEvents(events$, { responseFields: ['id', 'status', 'output'] });
    toServerSentEvents(events$, { responseFields: [...DEFAULT_RESPONSE_FIELDS, 'metadata'] });
    serverSentEventsResponse(events$, { responseFields: 'all', idleTimeout: 60_000 });
    pipeServerSentEvents(events$, res, { idleTimeout: 0, heartbeatMs: 10_000 });
    // @ts-expect-error: 'all' or a list, nothing else
    toServerSentEvents(events$, { responseFields: 'none' });
    // @ts-expect-error: the idle timeout is in milliseconds
    toServerSentEvents(events$, { idleTimeout: '2m' });
  });

  it('reads a JSON body from node:http or a fetch Request, as an object of unknowns', () => {
    expectTypeOf(readJsonBody(req)).toEqualTypeOf<Promise<Record<string, unknown>>>();
    expectTypeOf(readJsonBody(new Request('http://x'), { maxBytes: 1024 })).toEqualTypeOf<
      Promise<Record<string, unknown>>
    >();
    expectTypeOf<RequestBodyError['status']>().toEqualTypeOf<number>();
    // @ts-expect-error: a string is not a request
    readJsonBody('{"prompt":"x"}');
  });
});

describe('fromServerSentEvents options types', () => {
  it('takes an idle timeout and a scheduler', () => {
    expectTypeOf(
      fromServerSentEvents(new Response(''), { idleTimeout: 30_000, scheduler: new VirtualTimeScheduler() }),
    ).toEqualTypeOf<Observable<ResponseStreamEvent>>();
    // @ts-expect-error: not a scheduler
    fromServerSentEvents(new Response(''), { scheduler: Date });
  });
});

describe('resume and cancel types', () => {
  it('the browser source gets the last cursor, and takes resume and cancel options', () => {
    expectTypeOf(
      fromServerSentEvents(
        (signal, cursor) => {
          expectTypeOf(cursor).toEqualTypeOf<string | null>();
          return fetch('/api', { headers: cursor ? { 'last-event-id': cursor } : {}, signal });
        },
        {
          resume: { retries: 3, backoff: (attempt) => attempt * 100 },
          cancel: (cursor) => fetch(`/c?${cursor}`),
        },
      ),
    ).toEqualTypeOf<Observable<ResponseStreamEvent>>();
    fromServerSentEvents((signal) => fetch('/api', { signal }), { resume: true });
    // @ts-expect-error: retries is a number
    fromServerSentEvents(() => fetch('/api'), { resume: { retries: 'five' } });
    // @ts-expect-error: cancel gets the cursor, a string
    fromServerSentEvents(() => fetch('/api'), { cancel: (cursor: number) => cursor });
  });

  it('the relay takes the real OpenAI client, a node:http request or a fetch Request, and a cursor secret', () => {
    const client = new OpenAI({ apiKey: 'x' });
    const cursor = { secret: ['new secret...', 'old secret...'] };
    expectTypeOf(resumeFromRequest(client, req, { cursor })).toEqualTypeOf<
      Promise<Observable<ResponseStreamEvent> | null>
    >();
    expectTypeOf(cancelFromRequest(client, new Request('http://x'), { cursor })).toEqualTypeOf<
      Promise<CancelAnswer>
    >();
    toServerSentEvents(events$, { cursor: { secret: 'a secret of 32 bytes or more....' } });
    expectTypeOf(verifyCursor('v1...', cursor)).toEqualTypeOf<Promise<Cursor>>();
    expectTypeOf<CursorError>().toMatchTypeOf<RequestBodyError>();
    // @ts-expect-error: the secret is a string or a list of them
    toServerSentEvents(events$, { cursor: { secret: 42 } });
    // @ts-expect-error: cancel needs a client with responses.cancel
    cancelFromRequest({ responses: {} }, req, { cursor });
  });

  it('the sources take cancelOnUnsubscribe and onCancelError; the real client has a cancel', () => {
    const client = new OpenAI({ apiKey: 'x' });
    streamResponse(
      client,
      { model: 'gpt-5', input: 'x', background: true },
      {
        cancelOnUnsubscribe: false,
        onCancelError: (error, responseId) => console.warn(error, responseId),
      },
    );
    resumeResponse(client, 'resp_1', { startingAfter: 3 }, { cancelOnUnsubscribe: true });
    events$.pipe(resumable(client, { cancelOnUnsubscribe: false }));
    // @ts-expect-error: a boolean
    streamResponse(client, { model: 'gpt-5', input: 'x' }, { cancelOnUnsubscribe: 'no' });
  });
});
