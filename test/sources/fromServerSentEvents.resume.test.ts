// fromServerSentEvents with `resume` and `cancel`: reconnections in virtual time (the waits run on a
// VirtualTimeScheduler; the bodies are in-memory Responses), dedupe and gaps by sequence number, bounded retries,
// and the relay's Cancel on unsubscribe.
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  fromServerSentEvents,
  MalformedEventError,
  RelayHttpError,
  type ResponseStreamEvent,
  ResumeFailedError,
  ResumeNotPossibleError,
  RxOpenAIError,
  SequenceGapError,
  StreamIdleError,
  TruncatedStreamError,
} from '../../src/index';
import { createEventFactory, imageGenerationEvents } from '../../src/testing/index';
import { WatchedScheduler } from '../support/watchedScheduler';

const background = () =>
  imageGenerationEvents({ images: 1, partials: 2, responseId: 'resp_bg', background: true });
const cursorOf = (event: ResponseStreamEvent) => `c${event.sequence_number}`;

/** An SSE body as a relay with `cursor` writes it: each frame with its id (`c<n>`), and `: after` where given. */
function sse(
  events: readonly ResponseStreamEvent[],
  options: { ids?: boolean; after?: Record<number, number> } = {},
) {
  return events
    .map((event) => {
      const id = options.ids === false ? '' : `id: ${cursorOf(event)}\n`;
      const after = options.after?.[event.sequence_number];
      return `${id}${after === undefined ? '' : `: after ${after}\n`}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    })
    .join('');
}

const stream = (body: string | ReadableStream<Uint8Array>, status = 200) =>
  new Response(body, {
    status,
    headers: { 'content-type': status === 200 ? 'text/event-stream' : 'text/plain' },
  });

/** A body that sends `text` and then never ends (a stalled relay). */
const stalled = (text: string) =>
  new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode(text)),
  });

/**
 * Runs `source$` on `scheduler` to its end: each time a wait is set, virtual time jumps over it. Returns the
 * values, how it ended, and the input calls' cursors.
 */
async function drive(source$: Observable<ResponseStreamEvent>, scheduler: WatchedScheduler) {
  const values: ResponseStreamEvent[] = [];
  let settled: { error?: unknown; completed: boolean } | null = null;
  const done = new Promise<void>((resolve) =>
    source$.subscribe({
      next: (v) => values.push(v),
      error: (error: unknown) => {
        settled = { error, completed: false };
        resolve();
      },
      complete: () => {
        settled = { completed: true };
        resolve();
      },
    }),
  );
  while (!settled) {
    await Promise.race([done, scheduler.scheduled()]);
    scheduler.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await done;
  return { values, ...(settled as { error?: unknown; completed: boolean }) };
}

/** An input that serves `answers` in turn (a Response, a body text, or an error to reject with). */
function inputOf(answers: Array<Response | string | Error | (() => Response)>) {
  const cursors: (string | null)[] = [];
  const input = async (_signal: AbortSignal, cursor: string | null) => {
    cursors.push(cursor);
    const answer = answers[Math.min(cursors.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer();
    return typeof answer === 'string' ? stream(answer) : answer;
  };
  return { input, cursors };
}

describe('fromServerSentEvents: resume', () => {
  it('a body that ends early: waits the backoff, reconnects with the last cursor; every event once, in order', async () => {
    const events = background();
    // The second relay replays from before the cut (events 2 and 3 again): they are dropped.
    const { input, cursors } = inputOf([sse(events.slice(0, 4)), sse(events.slice(2))]);
    const scheduler = new WatchedScheduler();
    const result = await drive(
      fromServerSentEvents(input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(result.completed).toBe(true);
    expect(result.values).toEqual(events);
    expect(cursors).toEqual([null, 'c3']);
    expect(scheduler.delays).toEqual([500]);
  });

  it('a torn frame (MalformedEventError), a network error and a 5xx all resume; attempts reset on progress', async () => {
    const events = background();
    const torn = `${sse(events.slice(0, 2))}event: x\ndata: {"type":"respo\n\n`;
    const { input, cursors } = inputOf([
      torn,
      sse(events.slice(2, 4)),
      new TypeError('Failed to fetch'),
      () => stream('relay restarting', 503),
      sse(events.slice(4)),
    ]);
    const scheduler = new WatchedScheduler();
    const failures: unknown[] = [];
    const result = await drive(
      fromServerSentEvents(input, {
        resume: {
          retries: 5,
          backoff: (attempt, error) => {
            failures.push(error);
            return attempt * 100;
          },
        },
        idleTimeout: 0,
        scheduler,
      }),
      scheduler,
    );
    expect(result.values).toEqual(events);
    expect(cursors).toEqual([null, 'c1', 'c3', 'c3', 'c3']);
    expect(failures.map((e) => (e as Error).constructor.name)).toEqual([
      'MalformedEventError',
      'TruncatedStreamError',
      'TypeError',
      'RelayHttpError',
    ]);
    expect(failures[0]).toBeInstanceOf(MalformedEventError);
    // Attempts count the reconnections in a row without a new event: 1; after progress 1 again; then 2, 3.
    // (2000: the deadline for reading the 503's body.)
    expect(scheduler.delays.filter((d) => d !== 2000)).toEqual([100, 100, 200, 300]);
  });

  it('a stall (StreamIdleError) is a dropped connection: it resumes', async () => {
    const events = background();
    const { input, cursors } = inputOf([
      () => stream(stalled(sse(events.slice(0, 3)))),
      sse(events.slice(3)),
    ]);
    const failures: unknown[] = [];
    const values = await new Promise<ResponseStreamEvent[]>((resolve, reject) => {
      const seen: ResponseStreamEvent[] = [];
      fromServerSentEvents(input, {
        idleTimeout: 50,
        resume: {
          backoff: (_attempt, error) => {
            failures.push(error);
            return 0;
          },
        },
      }).subscribe({ next: (v) => seen.push(v), error: reject, complete: () => resolve(seen) });
    });
    expect(values).toEqual(events);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(StreamIdleError);
    expect(cursors).toEqual([null, 'c2']);
  });

  it('a jump in the sequence numbers is a SequenceGapError, unless the relay says what the event follows', async () => {
    const events = background();
    const scheduler = new WatchedScheduler();
    const gap = inputOf([sse(events.slice(0, 4)), sse(events.slice(6))]);
    const failed = await drive(
      fromServerSentEvents(gap.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(failed.values).toEqual(events.slice(0, 4));
    expect(failed.error).toBeInstanceOf(SequenceGapError);
    expect(failed.error).toMatchObject({ responseId: 'resp_bg', expected: 4, received: 6 });

    // A relay that passes only some event types writes `: after <n>`: no gap.
    const filtered = inputOf([sse(events.slice(0, 4)), sse(events.slice(6), { after: { 6: 3 } })]);
    const ok = await drive(
      fromServerSentEvents(filtered.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(ok.completed).toBe(true);
    expect(ok.values).toEqual([...events.slice(0, 4), ...events.slice(6)]);
    // ...but not a lie: `: after 5` when the browser's last is 3 is a gap.
    const lie = inputOf([sse(events.slice(0, 4)), sse(events.slice(6), { after: { 6: 5 } })]);
    const caught = await drive(
      fromServerSentEvents(lie.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(caught.error).toBeInstanceOf(SequenceGapError);
  });

  it('gives up after `retries` reconnections in a row without a new event: ResumeFailedError, the last failure as cause', async () => {
    const events = background();
    const { input, cursors } = inputOf([sse(events.slice(0, 3)), () => stream('still down', 502)]);
    const scheduler = new WatchedScheduler();
    const result = await drive(
      fromServerSentEvents(input, { resume: { retries: 2, backoff: 10 }, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(result.values).toEqual(events.slice(0, 3));
    expect(result.error).toBeInstanceOf(ResumeFailedError);
    expect(result.error).toMatchObject({ responseId: 'resp_bg', attempts: 2, lastSequenceNumber: 2 });
    expect((result.error as Error).cause).toBeInstanceOf(RelayHttpError);
    expect(cursors).toEqual([null, 'c2', 'c2']);
    expect(scheduler.delays.filter((d) => d === 10)).toHaveLength(2);
  });

  it('a 4xx (a refused cursor) and an error event are not resumed: they pass through', async () => {
    const events = background();
    const scheduler = new WatchedScheduler();
    const forbidden = inputOf([sse(events.slice(0, 3)), stream('{"code":"forbidden_cursor"}', 403)]);
    const result = await drive(
      fromServerSentEvents(forbidden.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(result.error).toBeInstanceOf(RelayHttpError);
    expect(result.error).toMatchObject({ status: 403 });
    expect(forbidden.cursors).toHaveLength(2);

    const e = createEventFactory({ responseId: 'resp_bg', background: true });
    const errored = inputOf([sse([e.created(), e.error('No.', 'server_error')])]);
    const ended = await drive(
      fromServerSentEvents(errored.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect((ended.error as Error).name).toBe('ResponseStreamError');
    expect(errored.cursors).toHaveLength(1);
  });

  it('a stream cut before any cursor cannot resume: ResumeNotPossibleError (no-cursor / not-background), the cut as cause', async () => {
    const scheduler = new WatchedScheduler();
    const events = background();
    const noIds = inputOf([sse(events.slice(0, 3), { ids: false })]);
    const result = await drive(
      fromServerSentEvents(noIds.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(result.error).toBeInstanceOf(ResumeNotPossibleError);
    expect(result.error).toMatchObject({ responseId: 'resp_bg', reason: 'no-cursor' });
    expect((result.error as Error).cause).toBeInstanceOf(TruncatedStreamError);
    expect((result.error as Error).message).toMatch(/before the relay sent a cursor/);

    // The API says `background: false` on a response created without it.
    const plain = imageGenerationEvents({ images: 1, partials: 1, responseId: 'resp_fg' }).map((event) =>
      'response' in event
        ? ({ ...event, response: { ...event.response, background: false } } as typeof event)
        : event,
    );
    const notBackground = inputOf([sse(plain.slice(0, 3), { ids: false })]);
    const refused = await drive(
      fromServerSentEvents(notBackground.input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(refused.error).toMatchObject({ name: 'ResumeNotPossibleError', reason: 'not-background' });
    expect(noIds.cursors).toEqual([null]);
  });

  it('a failure before any event passes through unchanged (for retry() to send the request again)', async () => {
    const scheduler = new WatchedScheduler();
    const failure = new TypeError('Failed to fetch');
    const { input, cursors } = inputOf([failure]);
    const result = await drive(fromServerSentEvents(input, { resume: true, scheduler }), scheduler);
    expect(result.error).toBe(failure);
    expect(cursors).toEqual([null]);
  });

  it('a connection that drops after the terminal event completes: nothing is missing', async () => {
    const events = background();
    const scheduler = new WatchedScheduler();
    // The whole response arrives... and then the socket resets.
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new TypeError('terminated'));
        else controller.enqueue(new TextEncoder().encode(sse(events)));
        sent = true;
      },
    });
    const { input, cursors } = inputOf([() => stream(body)]);
    const result = await drive(
      fromServerSentEvents(input, { resume: true, scheduler, idleTimeout: 0 }),
      scheduler,
    );
    expect(result.values).toEqual(events);
    expect(result.completed).toBe(true);
    expect(cursors).toEqual([null]);
  });

  it('resume needs a function input', async () => {
    const scheduler = new WatchedScheduler();
    const result = await drive(fromServerSentEvents(stream(''), { resume: true, scheduler }), scheduler);
    expect(result.error).toBeInstanceOf(RxOpenAIError);
    expect((result.error as Error).message).toMatch(/function input/);
  });
});

describe('fromServerSentEvents: cancel', () => {
  it('unsubscribing during the wait before a reconnection cancels it, and calls cancel with the last cursor', async () => {
    const events = background();
    const { input, cursors } = inputOf([sse(events.slice(0, 4)), sse(events.slice(4))]);
    const scheduler = new WatchedScheduler();
    const cancelled: string[] = [];
    const values: ResponseStreamEvent[] = [];
    const subscription = fromServerSentEvents(input, {
      resume: true,
      scheduler,
      idleTimeout: 0,
      cancel: (cursor) => cancelled.push(cursor),
    }).subscribe((v) => values.push(v));
    await scheduler.scheduled();
    expect(scheduler.delays).toEqual([500]);
    subscription.unsubscribe();
    scheduler.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(values).toEqual(events.slice(0, 4));
    expect(cursors).toEqual([null]);
    expect(cancelled).toEqual(['c3']);
  });

  it('unsubscribing mid-stream (no resume needed) aborts the fetch and calls cancel once; never after the end or an error', async () => {
    const events = background();
    const signals: AbortSignal[] = [];
    const cancelled: string[] = [];
    const subscription = fromServerSentEvents(
      async (signal) => {
        signals.push(signal);
        return stream(stalled(sse(events.slice(0, 3))));
      },
      { cancel: (cursor) => cancelled.push(cursor) },
    ).subscribe((event) => {
      if (event.sequence_number === 2) subscription.unsubscribe();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signals[0]!.aborted).toBe(true);
    expect(cancelled).toEqual(['c2']);

    // Completed, errored, or no cursor at all: nothing to cancel.
    const whole = fromServerSentEvents(async () => stream(sse(events)), { cancel: (c) => cancelled.push(c) });
    await new Promise<void>((resolve) => whole.subscribe({ complete: () => resolve() }));
    const e = createEventFactory({ responseId: 'resp_bg', background: true });
    const errored = fromServerSentEvents(async () => stream(sse([e.created(), e.error('No.')])), {
      cancel: (c) => cancelled.push(c),
    });
    await new Promise<void>((resolve) => errored.subscribe({ error: () => resolve() }));
    const plain = imageGenerationEvents({ images: 1, partials: 1 });
    const anonymous = fromServerSentEvents(
      async () => stream(stalled(sse(plain.slice(0, 2), { ids: false }))),
      {
        cancel: (c) => cancelled.push(c),
      },
    ).subscribe((event) => {
      if (event.sequence_number === 1) anonymous.unsubscribe();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toEqual(['c2']);
  });

  it('a cancel that throws or rejects never escapes the teardown: onCancelError hears of it', async () => {
    const events = background();
    const heard: unknown[] = [];
    for (const cancel of [
      () => {
        throw new Error('sync');
      },
      () => Promise.reject(new Error('async')),
    ]) {
      const subscription = fromServerSentEvents(async () => stream(stalled(sse(events.slice(0, 2)))), {
        cancel,
        onCancelError: (error) => heard.push(error),
      }).subscribe((event) => {
        if (event.sequence_number === 1) expect(() => subscription.unsubscribe()).not.toThrow();
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(heard.map((e) => (e as Error).message)).toEqual(['sync', 'async']);
  });
});
