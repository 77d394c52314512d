import type { IncomingMessage } from 'node:http';
import { type Observable, VirtualTimeScheduler } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { fromServerSentEvents, type ResponseStreamEvent } from '../../src/index';
import {
  DEFAULT_RESPONSE_FIELDS,
  pipeServerSentEvents,
  type RequestBodyError,
  readJsonBody,
  type ServerResponseLike,
  serverSentEventsResponse,
  toServerSentEvents,
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
