import { Observable } from 'rxjs';
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
    let stopped = false;
    let finished = false;

    const pump = async () => {
      while (true) {
        const result = await iterator.next();
        if (stopped) return;
        if (result.done) break;
        subscriber.next(result.value);
        if (stopped) return;
      }
      finished = true;
      subscriber.complete();
    };

    pump().catch((error: unknown) => {
      finished = true;
      if (stopped) return;
      // An abort of the controller by its owner ends quietly. The SDK also aborts its controller itself when a
      // read fails (a reset connection), so only an abort error counts as such, never any error.
      if (stream.controller?.signal.aborted && isAbortError(error, stream.controller.signal))
        subscriber.complete();
      else subscriber.error(error);
    });

    return () => {
      if (stopped) return;
      stopped = true;
      if (finished) return;
      // Abort first: an async generator queues return() behind a pending next(); the abort does not wait.
      stream.controller?.abort();
      iterator.return?.()?.catch?.(() => undefined);
    };
  });
}

/** Whether `error` is what an aborted read throws: the signal's reason, or an `AbortError`. */
function isAbortError(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}
