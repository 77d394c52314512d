// Internal: not part of the public API, not importable from the package.
import { from, type InteropObservable, Observable, observable as observableSymbol, tap } from 'rxjs';
import { fromResponseStream } from '../sources/fromResponseStream';
import type { ResponseEventStream, ResponseStreamEvent, StreamRequestOptions } from '../types';
import { failOnCallerAbort } from './failOnCallerAbort';
import { idleTimeout, idleTimeoutMs } from './idleTimeout';
import { requireTerminalEvent } from './requireTerminalEvent';

/**
 * The request plumbing shared by `streamResponse` and `resumeResponse`: one request per subscription, sent by
 * `send` with the SDK's request options (ours taken out) and an `AbortSignal` of our own, which only
 * unsubscribing aborts; "was it us" is decided from that controller alone, never from the SDK's. The caller's
 * `signal` errors the Observable with `APIUserAbortError` (before the request, nothing is sent), which
 * unsubscribes and so aborts. A request that fails errors with the SDK's error. Events are emitted as
 * {@link fromResponseStream} emits them: a stream that ends without a terminal event, however it ends, errors
 * with `TruncatedStreamError`, and one silent for the idle timeout with `StreamIdleError`.
 */
export function requestStream(
  send: (requestOptions: Record<string, unknown>) => PromiseLike<ResponseEventStream>,
  options: StreamRequestOptions | undefined,
): Observable<ResponseStreamEvent> {
  const { signal: callerSignal, idleTimeout: idleOption, ...sdkOptions } = options ?? {};
  const idleMs = idleTimeoutMs(idleOption);
  const request = new Observable<ResponseStreamEvent>((subscriber) => {
    const controller = new AbortController();
    // Abort only a request still running: one that ended on its own is left alone (and recorded as such).
    let ended = false;
    const markEnded = tap<ResponseStreamEvent>({
      error: () => (ended = true),
      complete: () => (ended = true),
    });
    subscriber.add(() => {
      if (!ended) controller.abort();
    });

    const pending = send({ ...sdkOptions, signal: controller.signal });

    // A client (like the testing kit's fake) may hand back its events as an Observable: subscribe to it
    // synchronously, so virtual time in marble tests sees them.
    const interop = (pending as Partial<InteropObservable<ResponseStreamEvent>>)[observableSymbol as never] as
      | (() => unknown)
      | undefined;
    if (typeof interop === 'function') {
      subscriber.add(
        from(pending as unknown as InteropObservable<ResponseStreamEvent>)
          .pipe(requireTerminalEvent(), idleTimeout(idleMs), markEnded)
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
        subscriber.add(
          fromResponseStream(stream, { idleTimeout: idleMs }).pipe(markEnded).subscribe(subscriber),
        );
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
  });
  return request.pipe(failOnCallerAbort(callerSignal));
}
