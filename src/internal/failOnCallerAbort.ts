// Internal: not part of the public API, not importable from the package.
import { APIUserAbortError } from 'openai/core/error';
import { type MonoTypeOperatorFunction, Observable } from 'rxjs';

/**
 * The caller's `signal` contract of every source: when it aborts, the Observable errors with the SDK's own
 * `APIUserAbortError` (what `await client.responses.create(..., { signal })` raises) and unsubscribes from the
 * request, which aborts it. Never a completion: a downstream operator must not take an abort for a finished
 * or a cut response, and every operator passes this error through unchanged. A signal already aborted
 * errors at once, before anything is sent.
 */
export function failOnCallerAbort<T>(signal: AbortSignal | null | undefined): MonoTypeOperatorFunction<T> {
  if (!signal) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.error(new APIUserAbortError());
        return;
      }
      const onAbort = () => subscriber.error(new APIUserAbortError());
      signal.addEventListener('abort', onAbort, { once: true });
      subscriber.add(() => signal.removeEventListener('abort', onAbort));
      // The subscriber itself, so that a synchronous unsubscribe (a firehose cut by `take`) reaches the source.
      source.subscribe(subscriber);
    });
}
