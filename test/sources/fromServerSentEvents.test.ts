import { firstValueFrom, lastValueFrom, retry, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fromServerSentEvents,
  RelayHttpError,
  ResponseStreamError,
  type ResponseStreamEvent,
  RxOpenAIError,
  TruncatedStreamError,
  withFinalImage,
} from '../../src/index';
import { createEventFactory, imageGenerationScenario } from '../../src/testing/index';
import { settle, sseFrame, sseHead, startServer, type TestServer } from '../support/httpServers';
import { WatchedScheduler } from '../support/watchedScheduler';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fromServerSentEvents', () => {
  it('emits every event in order, however the bytes are split, and completes', async () => {
    const { events, images } = imageGenerationScenario({ images: 2, partials: 2, text: 'Here they are' });
    const wire = events.map(sseFrame).join('');
    server = await startServer(async (_req, res) => {
      sseHead(res);
      // Odd-sized chunks cut frames, lines and multi-byte characters alike.
      for (let at = 0; at < wire.length; at += 997) res.write(wire.slice(at, at + 997));
      res.end();
    });
    const url = server.url;
    const got = await lastValueFrom(fromServerSentEvents((signal) => fetch(url, { signal })).pipe(toArray()));
    expect(got).toEqual(events);
    // And it composes with the operators: the images arrive whole.
    const finals = await lastValueFrom(
      fromServerSentEvents((signal) => fetch(url, { signal })).pipe(withFinalImage(), toArray()),
    );
    expect(finals.map((i) => i.b64)).toEqual(images.map((i) => i.b64));
  });

  it('ignores SSE comments (heartbeats) between events', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.inProgress(), e.completed()];
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end(
        `: keepalive\n\n${sseFrame(events[0]!)}: keepalive\n\n${events.slice(1).map(sseFrame).join('')}`,
      );
    });
    const url = server.url;
    expect(await lastValueFrom(fromServerSentEvents(() => fetch(url)).pipe(toArray()))).toEqual(events);
  });

  it('unsubscribing aborts the fetch: the server sees the connection close', async () => {
    const e = createEventFactory();
    server = await startServer((_req, res) => {
      sseHead(res);
      res.write(sseFrame(e.created()));
      // ...and then never another byte.
    });
    const url = server.url;
    let signalSeen: AbortSignal | undefined;
    const first = await firstValueFrom(
      fromServerSentEvents((signal) => {
        signalSeen = signal;
        return fetch(url, { signal });
      }),
    );
    expect(first.type).toBe('response.created');
    expect(signalSeen?.aborted).toBe(true);
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('unsubscribing before the response arrives aborts the fetch too', async () => {
    server = await startServer(() => {
      // Never answers.
    });
    const url = server.url;
    const subscription = fromServerSentEvents((signal) => fetch(url, { signal })).subscribe({
      error: () => expect.unreachable('an unsubscribed Observable reports nothing'),
    });
    const request = await server.request(0);
    subscription.unsubscribe();
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('an HTTP error becomes a RelayHttpError with the status and the body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(500, 'Internal Server Error', { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'relay is down' }));
    });
    const url = server.url;
    const { error, values } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(RelayHttpError);
    expect(error).toMatchObject({
      name: 'RelayHttpError',
      status: 500,
      statusText: 'Internal Server Error',
      body: '{"error":"relay is down"}',
    });
  });

  it('a 200 that is not an event stream (an HTML fallback page) is a RelayHttpError, not an empty stream', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><app-root></app-root>');
    });
    const url = server.url;
    const { error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(error).toBeInstanceOf(RelayHttpError);
    expect(error).toMatchObject({ status: 200, body: '<!doctype html><app-root></app-root>' });
    expect((error as Error).message).toContain('not an event stream');
  });

  it('an HTTP error whose body stalls errors with what was read by the 2 s deadline, and cancels the body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(503, 'Service Unavailable', { 'content-type': 'text/plain' });
      res.write('upstream is restarting');
      // ...and then never another byte.
    });
    const url = server.url;
    // Idle timeout off: the only timer is the error body's deadline.
    const scheduler = new WatchedScheduler();
    const ended = settle(fromServerSentEvents(() => fetch(url), { idleTimeout: 0, scheduler }));
    await scheduler.scheduled();
    expect(scheduler.delays).toEqual([2000]);
    // Whatever has arrived by the deadline is the body: wait for the server's first write to be sent.
    const request = await server.request(0);
    scheduler.flush();
    const { error } = await ended;
    expect(error).toBeInstanceOf(RelayHttpError);
    expect(error).toMatchObject({ status: 503, statusText: 'Service Unavailable' });
    expect('upstream is restarting'.startsWith((error as RelayHttpError).body)).toBe(true);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('reads at most 16 KiB of an endless error body, keeps 4 KiB of text, and cancels the rest', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      // An endless body of 4-byte characters, written as fast as the client reads.
      const chunk = Buffer.from('🦊'.repeat(4096));
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const url = server.url;
    const { error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(error).toBeInstanceOf(RelayHttpError);
    const body = (error as RelayHttpError).body;
    expect(body.length).toBeLessThanOrEqual(4096);
    expect(body.startsWith('🦊'.repeat(1000))).toBe(true);
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it.each<[string | null, string]>([
    ['text/html; charset=utf-8', 'an HTML page'],
    ['text/html; profile=text/event-stream', 'text/event-stream only as a parameter'],
    ['application/x-text/event-stream', 'text/event-stream inside another type'],
    ['text/event-streams', 'a longer type'],
    [null, 'no content type at all'],
  ])('a 200 with content-type %s (%s) is a RelayHttpError', async (type) => {
    const e = createEventFactory();
    server = await startServer((_req, res) => {
      // Without a content-type header, node:http sends none.
      res.writeHead(200, type === null ? {} : { 'content-type': type });
      res.end([e.created(), e.completed()].map(sseFrame).join(''));
    });
    const url = server.url;
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe(type);
    const { error, values } = await settle(fromServerSentEvents(response));
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(RelayHttpError);
    expect(error).toMatchObject({ status: 200 });
  });

  it('takes text/event-stream in any case, with parameters', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.completed()];
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'Text/Event-Stream ; charset=UTF-8' });
      res.end(events.map(sseFrame).join(''));
    });
    const url = server.url;
    expect(await lastValueFrom(fromServerSentEvents(() => fetch(url)).pipe(toArray()))).toEqual(events);
  });

  it('keeps at most 4 KiB of an error body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502);
      res.end('x'.repeat(100_000));
    });
    const url = server.url;
    const { error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect((error as RelayHttpError).body).toBe('x'.repeat(4096));
  });

  it('an error event becomes a ResponseStreamError with its code and message, after the events before it', async () => {
    const e = createEventFactory();
    const before = [e.created(), e.inProgress()];
    const failure = e.error('The server had an error while processing your request.', 'server_error');
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end([...before, failure].map(sseFrame).join(''));
    });
    const url = server.url;
    const { values, error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(values).toEqual(before);
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({ code: 'server_error', sequenceNumber: failure.sequence_number });
    expect((error as Error).message).toContain('The server had an error');
  });

  it('a body that ends without a terminal event errors with TruncatedStreamError', async () => {
    const { events } = imageGenerationScenario({ partials: 1 });
    const cut = events.slice(0, 4);
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end(cut.map(sseFrame).join(''));
    });
    const url = server.url;
    const { values, error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(values).toEqual(cut);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error).toMatchObject({
      eventCount: 4,
      lastSequenceNumber: (cut[3] as { sequence_number: number }).sequence_number,
    });
  });

  it('a dropped connection (socket destroyed mid-stream) errors, never completes', async () => {
    const e = createEventFactory();
    server = await startServer((_req, res) => {
      sseHead(res);
      res.write(sseFrame(e.created()), () => res.destroy());
    });
    const url = server.url;
    const { values, completed, error } = await settle(fromServerSentEvents(() => fetch(url)));
    expect(values.map((v) => v.type)).toEqual(['response.created']);
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('a function input is cold: retry() fetches again', async () => {
    const e = createEventFactory();
    const created = e.created();
    const completed = e.completed();
    server = await startServer((_req, res) => {
      if ((server?.requests.length ?? 0) === 1) {
        res.writeHead(503);
        res.end('busy');
        return;
      }
      sseHead(res);
      res.end([created, completed].map(sseFrame).join(''));
    });
    const url = server.url;
    const got = await lastValueFrom(fromServerSentEvents(() => fetch(url)).pipe(retry(1), toArray()));
    expect(got).toEqual([created, completed]);
    expect(server.requests).toHaveLength(2);
  });

  it('a Response input can be read once; a second subscription errors with RxOpenAIError', async () => {
    const e = createEventFactory();
    const events: ResponseStreamEvent[] = [e.created(), e.completed()];
    server = await startServer((_req, res) => {
      sseHead(res);
      res.end(events.map(sseFrame).join(''));
    });
    const source = fromServerSentEvents(await fetch(server.url));
    expect(await lastValueFrom(source.pipe(toArray()))).toEqual(events);
    const again = await settle(source);
    expect(again.error).toBeInstanceOf(RxOpenAIError);
    expect((again.error as Error).message).toMatch(/already read/);
  });

  it('unsubscribing from a Response input cancels its body: the server sees the connection close', async () => {
    const e = createEventFactory();
    server = await startServer((_req, res) => {
      sseHead(res);
      res.write(sseFrame(e.created()));
    });
    const response = await fetch(server.url);
    const first = await lastValueFrom(fromServerSentEvents(response).pipe(take(1)));
    expect(first.type).toBe('response.created');
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
  });

  it('a fetch that rejects errors with its error', async () => {
    const failure = new TypeError('fetch failed');
    const { error } = await settle(fromServerSentEvents(() => Promise.reject(failure)));
    expect(error).toBe(failure);
  });
});

describe('fromServerSentEvents: an answer it cannot read', () => {
  it('an HTTP error whose body was already read errors with RelayHttpError, rather than never ending', async () => {
    const used = new Response('busy', { status: 503 });
    await used.text();
    const { error } = await settle(fromServerSentEvents(async () => used));
    expect(error).toBeInstanceOf(RelayHttpError);
    expect(error).toMatchObject({ status: 503, body: '' });
  });
});
