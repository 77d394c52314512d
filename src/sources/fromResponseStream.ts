import { Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import { isTerminalEvent, type TerminalEventRule } from '../internal/events';
import { failOnCallerAbort } from '../internal/failOnCallerAbort';
import { guardStream } from '../internal/guardStream';
import { idleTimeoutMs } from '../internal/idleTimeout';
import type { ResponseEventStream, ResponseStreamEvent } from '../types';

/** Options of {@link fromResponseStream}. */
export interface FromResponseStreamOptions {
  /**
   * The `signal` you gave the request, if any. When it aborts, the Observable errors with the SDK's
   * `APIUserAbortError` at once. Without it, the SDK ends its stream quietly on your abort, and that end is
   * indistinguishable from a cut: `TruncatedStreamError`.
   */
  signal?: AbortSignal | null | undefined;
  /**
   * Milliseconds without an event (keepalives count) before the Observable errors with `StreamIdleError` and
   * aborts the stream. Default 120000; `0` turns it off.
   */
  idleTimeout?: number | undefined;
}

/**
 * Turns a stream of Responses API events (the SDK's `Stream`, or any async iterable) into an Observable.
 *
 * Every event is emitted as received, unknown event types included. How it ends:
 *
 * - Unsubscribing aborts the request: at once for the SDK's `Stream` (`stream.controller.abort()`, then the
 *   iterator's `return()`); an async iterable without a `controller` is stopped by its `return()`, which an
 *   async generator runs only at its next event. Teardown never throws.
 * - The `signal` of `options` aborting errors with the SDK's `APIUserAbortError` (see
 *   {@link FromResponseStreamOptions.signal}).
 * - Any other end before `response.completed`, `response.failed` or `response.incomplete` is a cut,
 *   `TruncatedStreamError`: the stream ending early, a network failure, and an abort that came from anywhere
 *   else (a custom `fetch` with its own deadline, a browser cancelling on navigation), the original as
 *   `cause`. The SDK ends its stream quietly on any abort; only yours (unsubscribing, your `signal`) may end
 *   it without a terminal event.
 * - An event the SDK cannot parse errors with `MalformedEventError`; the SDK's `APIError` passes through.
 * - No event for `idleTimeout` ms errors with `StreamIdleError`.
 *
 * An SDK stream can be read once, so the Observable can be subscribed once; use {@link streamResponse} for a
 * cold source that sends one request per subscription, and `share()` to fan one response out.
 *
 * ```
 * stream:  --created--delta--completed|
 * result:  --created--delta--completed|
 * cut:     --created--delta|
 * result:  --created--delta#  (TruncatedStreamError)
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { fromResponseStream } from 'rxjs-openai';
 *
 * const client = new OpenAI();
 * const controller = new AbortController();
 * const stream = await client.responses.create({ model: 'gpt-5', input: 'Hi', stream: true }, { signal: controller.signal });
 * fromResponseStream(stream, { signal: controller.signal }).subscribe((event) => console.log(event.type));
 * ```
 *
 * @param stream The SDK's `Stream<ResponseStreamEvent>` or any `AsyncIterable` of events.
 * @param options The request's `signal`, and the idle timeout.
 * @return An Observable of the events; it errors on a thrown, truncated, stalled or aborted stream.
 * @see streamResponse
 */
export function fromResponseStream(
  stream: ResponseEventStream,
  options: FromResponseStreamOptions = {},
): Observable<ResponseStreamEvent> {
  return fromEventStream(stream, options, isTerminalEvent);
}

/**
 * Internal (not exported by the package): {@link fromResponseStream} for a stream of any API's events, with
 * that API's rule of which events end a stream (the Images API's sources pass theirs), and the scheduler of
 * the idle timeout (`fromServerSentEvents` takes one, for marble tests).
 */
export function fromEventStream<E extends { type: string }>(
  stream: AsyncIterable<E> & { controller?: AbortController },
  options: FromResponseStreamOptions,
  isTerminal: TerminalEventRule,
  scheduler?: SchedulerLike,
): Observable<E> {
  return iterate(stream).pipe(
    guardStream<E>({
      isTerminal,
      endCause: () => sdkAbortReason(stream),
      idleMs: idleTimeoutMs(options.idleTimeout),
      scheduler,
    }),
    failOnCallerAbort(options.signal),
  );
}

/** Why the SDK's own controller was aborted, when it was: the SDK aborts it when its iterator stops early. */
function sdkAbortReason(stream: { controller?: AbortController }): unknown {
  const signal = stream.controller?.signal;
  return signal?.aborted ? signal.reason : undefined;
}

/** Emits what the iterator yields; teardown aborts the request at once rather than at the next event. */
function iterate<E>(stream: AsyncIterable<E> & { controller?: AbortController }): Observable<E> {
  return new Observable<E>((subscriber) => {
    const iterator = stream[Symbol.asyncIterator]();
    const state: PumpState = { stopped: false, finished: false };

    pump(iterator, iterator.next, subscriber, state).catch((error: unknown) => {
      state.finished = true;
      if (!state.stopped) subscriber.error(error);
    });

    return () => {
      if (state.stopped) return;
      state.stopped = true;
      if (state.finished) return;
      // Abort first: an async generator queues return() behind a pending next(); the abort does not wait.
      // Neither may throw out of teardown (RxJS would raise it from `unsubscribe()`).
      try {
        stream.controller?.abort();
      } catch {}
      try {
        iterator.return?.()?.catch?.(() => undefined);
      } catch {}
    };
  });
}

interface PumpState {
  /** The subscriber left: stop without emitting. */
  stopped: boolean;
  /** The iterator is done or failed: nothing to abort. */
  finished: boolean;
}

/**
 * Reads the iterator to its end into the subscriber, calling `next` (the iterator's, read once).
 *
 * Why not `iterator.next()` in the loop: the SDK makes a new async generator function for every stream, so
 * every stream's iterator has a new hidden class, and V8 deoptimises a loop that reads `.next` off it, then
 * compiles it again, for every response (measured: about 4% of a whole response's CPU, `bench/e2e.ts`).
 * Reading `next` once per stream, outside the loop, and keeping this a function of the module (not a closure
 * per subscription) lets V8 compile the loop once for all streams.
 */
async function pump<E>(
  iterator: AsyncIterator<E>,
  next: AsyncIterator<E>['next'],
  subscriber: Subscriber<E>,
  state: PumpState,
): Promise<void> {
  while (true) {
    const result = await next.call(iterator);
    if (state.stopped) return;
    if (result.done) break;
    subscriber.next(result.value);
    if (state.stopped) return;
  }
  state.finished = true;
  subscriber.complete();
}
