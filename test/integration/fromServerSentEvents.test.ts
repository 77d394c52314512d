// fromServerSentEvents with every supported SDK: this file runs with SDK 7 (`npm run test:unit`) and with
// 6.45 (`npm run test:sdk-oldest`), whose SSE decoder differs (no `events` mode: it throws a nested `error`
// event, and it lets go of a body only at its next chunk).
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fromServerSentEvents,
  ResponseStreamError,
  type ResponseStreamEvent,
  StreamIdleError,
} from '../../src/index';
import { createEventFactory } from '../../src/testing/index';
import { settle, sseFrame, sseHead, startServer, type TestServer } from '../support/httpServers';
import { WatchedScheduler } from '../support/watchedScheduler';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe(`fromServerSentEvents with openai ${process.env.EXPECT_OPENAI_VERSION ?? '(the dev dependency)'}`, () => {
  it('unsubscribing from a Response input cancels its body, even while it stalls', async () => {
    const e = createEventFactory();
    server = await startServer((_req, res) => {
      sseHead(res);
      res.write(sseFrame(e.created()));
      // ...and then never another byte.
    });
    const response = await fetch(server.url);
    let firstEvent!: (event: ResponseStreamEvent) => void;
    const arrived = new Promise<ResponseStreamEvent>((resolve) => (firstEvent = resolve));
    const subscription = fromServerSentEvents(response).subscribe({ next: (event) => firstEvent(event) });
    expect((await arrived).type).toBe('response.created');
    // By now the decoder waits for the next chunk, which never comes: unsubscribing must not wait for it.
    subscription.unsubscribe();
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('a nested error event is a ResponseStreamError with its code and message', async () => {
    const e = createEventFactory();
    const created = e.created();
    const nested = {
      type: 'error',
      sequence_number: created.sequence_number + 1,
      error: {
        type: 'invalid_request_error',
        code: 'invalid_prompt',
        message: 'The prompt was refused.',
        param: null,
      },
    };
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end(sseFrame(created) + sseFrame(nested));
    });
    const url = server.url;
    const { values, error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(values).toEqual([created]);
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({ code: 'invalid_prompt' });
    expect((error as Error).message).toBe(
      'The response stream reported an error (invalid_prompt): The prompt was refused.',
    );
  });

  it('a flat error event is a ResponseStreamError too, with its sequence number', async () => {
    const e = createEventFactory();
    const created = e.created();
    const flat = e.error('The server had an error.', 'server_error');
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end(sseFrame(created) + sseFrame(flat));
    });
    const url = server.url;
    const { error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({ code: 'server_error', sequenceNumber: flat.sequence_number });
  });

  it('a silent relay errors with StreamIdleError after idleTimeout (virtual time), and the request is aborted', async () => {
    const e = createEventFactory();
    const created = e.created();
    server = await startServer((_req, res) => {
      sseHead(res);
      res.write(sseFrame(created));
    });
    const url = server.url;
    const scheduler = new WatchedScheduler();
    const seen: ResponseStreamEvent[] = [];
    let firstEvent!: () => void;
    const arrived = new Promise<void>((resolve) => (firstEvent = resolve));
    const ended = new Promise<unknown>((resolve) =>
      fromServerSentEvents((signal) => fetch(url, { signal }), { idleTimeout: 30_000, scheduler }).subscribe({
        next: (event) => {
          seen.push(event);
          firstEvent();
        },
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    await arrived;
    scheduler.flush(); // 30 s of silence, in no time
    const error = await ended;
    expect(error).toBeInstanceOf(StreamIdleError);
    expect(error).toMatchObject({
      idleMs: 30_000,
      eventCount: 1,
      lastSequenceNumber: created.sequence_number,
    });
    expect(seen).toEqual([created]);
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('the idle timeout is on by default, at 120000 ms', async () => {
    server = await startServer((_req, res) => sseHead(res));
    const url = server.url;
    const scheduler = new WatchedScheduler();
    const ended = lastValueFrom(fromServerSentEvents(() => fetch(url), { scheduler }).pipe(toArray())).catch(
      (e: unknown) => e,
    );
    const request = await server.request(0);
    await scheduler.scheduled(); // the headers arrived and the idle timer is set
    scheduler.flush();
    expect(await ended).toMatchObject({ name: 'StreamIdleError', idleMs: 120_000, eventCount: 0 });
    await request.closed;
  });
});
