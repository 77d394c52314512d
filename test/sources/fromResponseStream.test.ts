import { APIUserAbortError } from 'openai/core/error';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  fromResponseStream,
  type ResponseEventStream,
  type ResponseStreamEvent,
  TruncatedStreamError,
} from '../../src/index';
import { createEventFactory, imageGenerationEvents } from '../../src/testing/index';

/** An SDK-like stream: events are released one at a time by the test, and an abort ends the wait at once. */
function controlledStream(events: ResponseStreamEvent[]) {
  const controller = new AbortController();
  const waiting: Array<() => void> = [];
  let returned = false;
  async function* iterate() {
    try {
      for (const event of events) {
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        });
        yield event;
      }
    } finally {
      returned = true;
    }
  }
  const stream: ResponseEventStream = { controller, [Symbol.asyncIterator]: iterate };
  return {
    stream,
    controller,
    release: () => waiting.shift()?.(),
    get returned() {
      return returned;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('fromResponseStream', () => {
  it('emits every event as received, unknown types included, and completes after the terminal event', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.unknown('keepalive'), e.textDelta('m', 0, 'Hi'), e.completed()];
    async function* gen() {
      yield* events;
    }
    await expect(lastValueFrom(fromResponseStream(gen()).pipe(toArray()))).resolves.toEqual(events);
  });

  it('aborts the controller on unsubscribe at once, before the next event arrives', async () => {
    const e = createEventFactory();
    const s = controlledStream([e.created(), e.inProgress(), e.completed()]);
    const received: string[] = [];
    const subscription = fromResponseStream(s.stream).subscribe((event) => received.push(event.type));
    s.release();
    await tick();
    expect(received).toEqual(['response.created']);
    expect(s.controller.signal.aborted).toBe(false);
    subscription.unsubscribe();
    // No further event was released: the abort happened synchronously in the teardown.
    expect(s.controller.signal.aborted).toBe(true);
    await tick();
    expect(s.returned).toBe(true);
    expect(received).toEqual(['response.created']);
  });

  it('errors with the same error a stream throws', async () => {
    const failure = new Error('socket hang up');
    async function* gen(): AsyncGenerator<ResponseStreamEvent> {
      yield createEventFactory().created();
      throw failure;
    }
    await expect(lastValueFrom(fromResponseStream(gen()))).rejects.toBe(failure);
  });

  it('errors with TruncatedStreamError when the stream ends without a terminal event', async () => {
    const e = createEventFactory({ startSequenceNumber: 7 });
    async function* gen() {
      yield e.created();
      yield e.imagePartial('ig_1', 0, 0, 'AAAA');
    }
    const error = await lastValueFrom(fromResponseStream(gen())).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error).toMatchObject({ eventCount: 2, lastSequenceNumber: 8, name: 'TruncatedStreamError' });
  });

  it.each(['completed', 'failed', 'incomplete'] as const)(
    'treats response.%s as a proper end',
    async (kind) => {
      const e = createEventFactory();
      const end = kind === 'completed' ? e.completed() : kind === 'failed' ? e.failed() : e.incomplete();
      async function* gen() {
        yield end;
      }
      await expect(lastValueFrom(fromResponseStream(gen()))).resolves.toBe(end);
    },
  );

  it("an abort of the stream's own controller is a cut (the SDK aborts it too, after any early end): TruncatedStreamError", async () => {
    const e = createEventFactory();
    const s = controlledStream([e.created(), e.completed()]);
    const done = lastValueFrom(fromResponseStream(s.stream).pipe(toArray()));
    s.release();
    await tick();
    s.controller.abort();
    const error = await done.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as TruncatedStreamError).eventCount).toBe(1);
  });

  it("the caller's signal in options errors with the SDK's APIUserAbortError at once, and aborts the stream", async () => {
    const e = createEventFactory();
    const s = controlledStream([e.created(), e.completed()]);
    const caller = new AbortController();
    const received: string[] = [];
    const done = lastValueFrom(
      fromResponseStream(s.stream, { signal: caller.signal }).pipe(tap((event) => received.push(event.type))),
    );
    s.release();
    await tick();
    caller.abort();
    await expect(done).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toEqual(['response.created']);
    expect(s.controller.signal.aborted).toBe(true);
  });

  it('unsubscribing never throws, even when the iterator throws from return() synchronously', () => {
    const iterable: ResponseEventStream = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<ResponseStreamEvent>>(() => undefined),
        return: () => {
          throw new Error('return() exploded');
        },
      }),
    };
    const subscription = fromResponseStream(iterable).subscribe({ error: () => undefined });
    expect(() => subscription.unsubscribe()).not.toThrow();
    expect(subscription.closed).toBe(true);
  });

  it('reads the whole SDK-shaped scenario and can be cut short with take', async () => {
    async function* gen() {
      yield* imageGenerationEvents({ images: 2 });
    }
    const first = await firstValueFrom(fromResponseStream(gen()).pipe(take(1)));
    expect(first.type).toBe('response.created');
  });
});

describe('fromResponseStream with a controller aborted by the stream itself', () => {
  it('still errors when a read fails and the stream aborted its own controller (as the SDK does)', async () => {
    const controller = new AbortController();
    const reset = new TypeError('terminated');
    async function* iterate(): AsyncGenerator<ResponseStreamEvent> {
      try {
        yield createEventFactory().created();
        throw reset;
      } finally {
        controller.abort();
      }
    }
    const stream: ResponseEventStream = { controller, [Symbol.asyncIterator]: iterate };
    const error = await lastValueFrom(fromResponseStream(stream)).catch((err: unknown) => err);
    // A network failure (fetch's TypeError) is a truncation: typed, with the original kept as its cause.
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect(error).toMatchObject({ eventCount: 1, lastSequenceNumber: 0, cause: reset });
    expect((error as Error).message).toContain('terminated');
  });

  it('completes when the connection fails after the terminal event: the response was already whole', async () => {
    const e = createEventFactory();
    const events = [e.created(), e.completed()];
    async function* gen(): AsyncGenerator<ResponseStreamEvent> {
      yield* events;
      throw new TypeError('terminated');
    }
    await expect(lastValueFrom(fromResponseStream(gen()).pipe(toArray()))).resolves.toEqual(events);
  });
});
