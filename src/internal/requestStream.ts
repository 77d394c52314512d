// Internal: not part of the public API, not importable from the package.
import { from, type InteropObservable, Observable, observable as observableSymbol, tap } from 'rxjs';
import { fromResponseStream } from '../sources/fromResponseStream';
import type { ResponseEventStream, ResponseStreamEvent } from '../types';
import { requireTerminalEvent } from './requireTerminalEvent';

/**
 * The request plumbing shared by `streamResponse` and `resumeResponse`: one request per subscription, sent by
 * `send` with an `AbortSignal` that unsubscribing aborts at once. The caller's own `signal` aborts it too, and
 * ends the Observable quietly (before the request, nothing is sent). A request that fails errors the
 * Observable with the SDK's error, unless it was aborted. Events are emitted as {@link fromResponseStream}
 * emits them (a stream without a terminal event errors with `TruncatedStreamError`).
 */
export function requestStream(
  send: (signal: AbortSignal) => PromiseLike<ResponseEventStream>,
  callerSignal: AbortSignal | null | undefined,
): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const controller = new AbortController();
    const signal = callerSignal ?? undefined;
    const abort = () => controller.abort(signal?.reason);
    if (signal?.aborted) {
      subscriber.complete();
      return;
    }
    signal?.addEventListener('abort', abort, { once: true });
    // Abort only a request still running: one that ended on its own is left alone (and recorded as such).
    let ended = false;
    const markEnded = tap<ResponseStreamEvent>({
      error: () => (ended = true),
      complete: () => (ended = true),
    });
    subscriber.add(() => {
      signal?.removeEventListener('abort', abort);
      if (!ended) controller.abort();
    });
    // A caller's abort ends quietly; our own (on unsubscribe) happens after the subscriber is closed anyway.
    controller.signal.addEventListener('abort', () => subscriber.complete(), { once: true });

    const pending = send(controller.signal);

    // A client (like the testing kit's fake) may hand back its events as an Observable: subscribe to it
    // synchronously, so virtual time in marble tests sees them.
    const interop = (pending as Partial<InteropObservable<ResponseStreamEvent>>)[observableSymbol as never] as
      | (() => unknown)
      | undefined;
    if (typeof interop === 'function') {
      subscriber.add(
        from(pending as unknown as InteropObservable<ResponseStreamEvent>)
          .pipe(
            requireTerminalEvent(() => controller.signal.aborted),
            markEnded,
          )
          .subscribe(subscriber),
      );
      return;
    }

    Promise.resolve(pending).then(
      (stream) => {
        if (subscriber.closed) {
          stream.controller?.abort();
          return;
        }
        subscriber.add(fromResponseStream(stream).pipe(markEnded).subscribe(subscriber));
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
  });
}
