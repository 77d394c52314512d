import { Observable, type Subscriber } from 'rxjs';
import type { TruncatedStreamError } from '../errors';
import { requireTerminalEvent } from '../internal/requireTerminalEvent';
import type { ResponseEventStream, ResponseStreamEvent } from '../types';

/**
 * Turns a stream of Responses API events (the SDK's `Stream`, or any async iterable) into an Observable.
 *
 * Every event is emitted as received, unknown event types included. Unsubscribing aborts the request at
 * once (`stream.controller.abort()`, then the iterator's `return()`), not at the next event. A stream that
 * throws errors the Observable with that same error. A stream that ends without `response.completed`,
 * `response.failed` or `response.incomplete`, and whose controller was not aborted, errors with
 * {@link TruncatedStreamError}: a cut connection is never mistaken for success.
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
 * const stream = await client.responses.create({ model: 'gpt-5', input: 'Hi', stream: true });
 * fromResponseStream(stream).subscribe((event) => console.log(event.type));
 * ```
 *
 * @param stream The SDK's `Stream<ResponseStreamEvent>` or any `AsyncIterable` of events.
 * @return An Observable of the events; it errors on a thrown or truncated stream.
 * @see streamResponse
 */
export function fromResponseStream(stream: ResponseEventStream): Observable<ResponseStreamEvent> {
  return iterate(stream).pipe(requireTerminalEvent(() => stream.controller?.signal.aborted === true));
}

/** Emits what the iterator yields; teardown aborts the request at once rather than at the next event. */
function iterate(stream: ResponseEventStream): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const iterator = stream[Symbol.asyncIterator]();
    const state: PumpState = { stopped: false, finished: false };

    pump(iterator, iterator.next, subscriber, state).catch((error: unknown) => {
      state.finished = true;
      if (state.stopped) return;
      // An abort of the controller by its owner ends quietly. The SDK also aborts its controller itself when a
      // read fails (a reset connection), so only an abort error counts as such, never any error.
      if (stream.controller?.signal.aborted && isAbortError(error, stream.controller.signal))
        subscriber.complete();
      else subscriber.error(error);
    });

    return () => {
      if (state.stopped) return;
      state.stopped = true;
      if (state.finished) return;
      // Abort first: an async generator queues return() behind a pending next(); the abort does not wait.
      stream.controller?.abort();
      iterator.return?.()?.catch?.(() => undefined);
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
async function pump(
  iterator: AsyncIterator<ResponseStreamEvent>,
  next: AsyncIterator<ResponseStreamEvent>['next'],
  subscriber: Subscriber<ResponseStreamEvent>,
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

/** Whether `error` is what an aborted read throws: the signal's reason, or an `AbortError`. */
function isAbortError(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}
