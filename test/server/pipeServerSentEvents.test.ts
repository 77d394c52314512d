import { get } from 'node:http';
import { Observable, of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseStreamEvent } from '../../src/index';
import { pipeServerSentEvents } from '../../src/server/index';
import { createEventFactory, imageGenerationEvents } from '../../src/testing/index';
import { sseFrame, startServer, type TestServer } from '../support/httpServers';
import { relayed } from './support';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('pipeServerSentEvents', () => {
  it('sets the SSE headers, keeps a status already chosen, writes every frame and ends', async () => {
    const events = imageGenerationEvents({ partials: 1 });
    const flushed: number[] = [];
    let piped: Promise<void> | undefined;
    server = await startServer((_req, res) => {
      res.statusCode = 201;
      // Like Express's compression(): a flush() to call after each write.
      Object.assign(res, { flush: () => flushed.push(1) });
      piped = pipeServerSentEvents(of(...events), res);
    });
    const response = await fetch(server.url);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(await response.text()).toBe(events.map((event) => sseFrame(relayed(event))).join(''));
    await piped;
    expect(flushed).toHaveLength(events.length);
  });

  it('drops a client that stops reading once maxBufferedBytes wait, and unsubscribes from the source', async () => {
    const e = createEventFactory();
    const payload = 'x'.repeat(60_000);
    let emitted = 0;
    let unsubscribed!: () => void;
    const released = new Promise<void>((resolve) => (unsubscribed = resolve));
    // A fast source: a 60 kB event every turn of the event loop, until unsubscribed.
    const source = new Observable<ResponseStreamEvent>((subscriber) => {
      let timer: NodeJS.Immediate;
      const tick = () => {
        emitted++;
        subscriber.next(e.textDelta('msg_1', 0, payload));
        if (!subscriber.closed) timer = setImmediate(tick);
      };
      timer = setImmediate(tick);
      return () => {
        clearImmediate(timer);
        unsubscribed();
      };
    });
    let piped: Promise<void> | undefined;
    server = await startServer((_req, res) => {
      piped = pipeServerSentEvents(source, res, {
        maxEventBytes: 100_000,
        maxBufferedBytes: 256_000,
        heartbeatMs: 0,
      });
    });
    const url = server.url;
    get(url, (res) => {
      res.pause(); // read nothing: the socket buffers fill, then the relay's
      res.on('error', () => undefined);
    }).on('error', () => undefined);
    await released;
    await piped;
    // The relay gave up on this client: its response was destroyed, not ended.
    const request = await server.request(0);
    await request.closed;
    expect(request.clientClosed).toBe(true);
    // Bounded: the socket buffers plus maxBufferedBytes, not everything the source could send.
    expect(emitted * 60_000).toBeLessThan(64 * 1024 * 1024);
  });
});
