// Internal: not part of the public API, not importable from the package.
import { from, type InteropObservable, Observable, observable as observableSymbol, tap } from 'rxjs';
import { UnsupportedImageCountError } from '../errors';
import { fromEventStream } from '../sources/fromResponseStream';
import type { ImagesApiStreamEvent, StreamRequestOptions } from '../types';
import { isImagesApiTerminalEvent, isTerminalEvent, type TerminalEventRule } from './events';
import { failOnCallerAbort } from './failOnCallerAbort';
import { guardStream } from './guardStream';
import { idleTimeoutMs } from './idleTimeout';

/** What a request for a stream resolves to: the SDK's `Stream` (or any async iterable of events). */
type EventStream<E> = AsyncIterable<E> & { controller?: AbortController };

/**
 * The request plumbing shared by every source (`streamResponse`, `resumeResponse`, `streamImageGeneration`,
 * `streamImageEdit`): one request per subscription, sent by `send` with the SDK's request options (ours taken
 * out) and an `AbortSignal` of our own, which only unsubscribing aborts; "was it us" is decided from that
 * controller alone, never from the SDK's. The caller's `signal` errors the Observable with
 * `APIUserAbortError` (before the request, nothing is sent), which unsubscribes and so aborts. A request that
 * fails errors with the SDK's error. Events are emitted as {@link fromResponseStream} emits them: a stream
 * that ends without a terminal event (`isTerminal`: the Responses API's by default), however it ends, errors
 * with `TruncatedStreamError`, and one silent for the idle timeout with `StreamIdleError`.
 */
export function requestStream<E extends { type: string }>(
  send: (requestOptions: Record<string, unknown>) => PromiseLike<EventStream<E>>,
  options: StreamRequestOptions | undefined,
  isTerminal: TerminalEventRule = isTerminalEvent,
): Observable<E> {
  const { signal: callerSignal, idleTimeout: idleOption, ...sdkOptions } = options ?? {};
  const request = new Observable<E>((subscriber) => {
    const controller = new AbortController();
    // Abort only a request still running: one that ended on its own is left alone (and recorded as such).
    let ended = false;
    const markEnded = tap<E>({
      error: () => (ended = true),
      complete: () => (ended = true),
    });
    subscriber.add(() => {
      if (!ended) controller.abort();
    });

    const pending = send({ ...sdkOptions, signal: controller.signal });

    // A client (like the testing kit's fake) may hand back its events as an Observable: subscribe to it
    // synchronously, so virtual time in marble tests sees them.
    const interop = (pending as Partial<InteropObservable<E>>)[observableSymbol as never] as
      | (() => unknown)
      | undefined;
    if (typeof interop === 'function') {
      subscriber.add(
        from(pending as unknown as InteropObservable<E>)
          .pipe(guardStream<E>({ isTerminal, idleMs: idleTimeoutMs(idleOption) }), markEnded)
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
          fromEventStream(stream, { idleTimeout: idleOption }, isTerminal)
            .pipe(markEnded)
            .subscribe(subscriber),
        );
      },
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
  });
  return request.pipe(failOnCallerAbort(callerSignal));
}

/**
 * The request plumbing of the Images API's sources: `requestStream` with the Images API's terminal rule (a
 * stream is whole once its `*.completed` event came), after refusing `n > 1` at subscription, before any
 * request: the API's stream events do not say which image they belong to (see `UnsupportedImageCountError`).
 */
export function requestImagesApiStream<E extends ImagesApiStreamEvent>(
  n: number | null | undefined,
  send: (requestOptions: Record<string, unknown>) => PromiseLike<EventStream<E>>,
  options: StreamRequestOptions | undefined,
): Observable<E> {
  const events$ = requestStream(send, options, isImagesApiTerminalEvent);
  if (typeof n !== 'number' || !(n > 1)) return events$;
  return new Observable<E>((subscriber) => subscriber.error(new UnsupportedImageCountError(n)));
}
