import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ResponseStreamEvent } from '../../src/index';
import type { SafeError, ServerSentEventsOptions } from '../../src/server/index';
import { KEEPALIVE_FRAME, sseFrames } from '../../src/server/sseFrames';
import { createEventFactory } from '../../src/testing/index';
import { sseFrame } from '../support/httpServers';
import { testScheduler } from '../support/marbles';
import { relayed } from './support';

// The relay's frames in virtual time: its heartbeat and its idle timeout run on RxJS's asyncScheduler, which
// TestScheduler.run() drives.
const frames = (events$: Observable<ResponseStreamEvent>, options: ServerSentEventsOptions) =>
  sseFrames(events$, options);

const errorFrame = (error: SafeError, sequenceNumber: number) =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', ...error, param: null, sequence_number: sequenceNumber })}\n\n`;

describe('the relay in virtual time: heartbeat and idle timeout', () => {
  it('sends a keepalive comment after heartbeatMs without a frame, and none while frames flow', () => {
    const e = createEventFactory();
    const a = e.created();
    const b = e.completed();
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<ResponseStreamEvent>('-a 24ms b|', { a, b });
      expectObservable(frames(source, { heartbeatMs: 10, idleTimeout: 0 })).toBe('-a 9ms k 9ms k 4ms b|', {
        a: sseFrame(relayed(a)),
        k: KEEPALIVE_FRAME,
        b: sseFrame(relayed(b)),
      });
    });
  });

  it('a stalled source ends the stream with one stream_idle error event, keepalives notwithstanding', () => {
    const a = createEventFactory().created();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ResponseStreamEvent>('-a', { a });
      // The heartbeat's own comments (at 11 and 21) do not count: silent since 1, the source is given up at 26.
      expectObservable(frames(source, { heartbeatMs: 10, idleTimeout: 25 })).toBe('-a 9ms k 9ms k 4ms (e|)', {
        a: sseFrame(relayed(a)),
        k: KEEPALIVE_FRAME,
        e: errorFrame(
          { code: 'stream_idle', message: 'The upstream response stream was silent for 25 ms.' },
          a.sequence_number + 1,
        ),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 25ms !');
    });
  });

  it("the API's keepalive events count, and are relayed whatever the allowlist", () => {
    const e = createEventFactory();
    const a = e.created();
    const k = { type: 'keepalive', sequence_number: e.nextSequenceNumber } as unknown as ResponseStreamEvent;
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<ResponseStreamEvent>('-a 19ms k', { a, k });
      expectObservable(
        frames(source, { heartbeatMs: 0, idleTimeout: 25, events: ['response.created'] }),
      ).toBe('-a 19ms k 24ms (e|)', {
        a: sseFrame(relayed(a)),
        k: sseFrame(k),
        e: errorFrame(
          { code: 'stream_idle', message: 'The upstream response stream was silent for 25 ms.' },
          k.sequence_number + 1,
        ),
      });
    });
  });

  it('gives up after 120000 ms by default, with the heartbeat every 15000 ms', () => {
    const a = createEventFactory().created();
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold<ResponseStreamEvent>('a', { a });
      const keepalives = Array.from({ length: 7 }, () => '14999ms k').join(' ');
      expectObservable(frames(source, {})).toBe(`a ${keepalives} 14999ms (ke|)`, {
        a: sseFrame(relayed(a)),
        k: KEEPALIVE_FRAME,
        e: errorFrame(
          { code: 'stream_idle', message: 'The upstream response stream was silent for 120000 ms.' },
          a.sequence_number + 1,
        ),
      });
    });
  });

  it('mapError maps the idle error too', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const mapped = { code: 'slow', message: 'The image service is slow today.' };
      expectObservable(
        frames(cold<ResponseStreamEvent>('-'), { heartbeatMs: 0, idleTimeout: 5, mapError: () => mapped }),
      ).toBe('5ms (e|)', { e: errorFrame(mapped, 0) });
    });
  });

  it('passes a source error on as one error event and a synchronous firehose is cut at the first error', () => {
    const e = createEventFactory();
    const a = e.created();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ResponseStreamEvent>('a-#', { a }, new Error('password hunter2'));
      expectObservable(frames(source, { heartbeatMs: 0 })).toBe('a-(e|)', {
        a: sseFrame(relayed(a)),
        e: errorFrame(
          { code: 'internal_error', message: 'The server could not complete the response.' },
          a.sequence_number + 1,
        ),
      });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('a synchronous firehose is unsubscribed at the first event it cannot relay', () => {
    const e = createEventFactory();
    let produced = 0;
    const firehose = new Observable<ResponseStreamEvent>((subscriber) => {
      for (let i = 0; i < 1000 && !subscriber.closed; i++) {
        produced++;
        subscriber.next(e.textDelta('msg_1', 0, 'x'.repeat(i === 2 ? 2000 : 10)));
      }
      subscriber.complete();
    });
    const got: string[] = [];
    frames(firehose, { heartbeatMs: 0, idleTimeout: 0, maxEventBytes: 1000 }).subscribe((frame) =>
      got.push(frame),
    );
    expect(produced).toBe(3);
    expect(got).toHaveLength(3);
    expect(got[2]).toMatch(/^event: error\ndata: .*"code":"event_too_large"/);
  });
});
