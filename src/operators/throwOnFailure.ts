import type { MonoTypeOperatorFunction } from 'rxjs';
import { failureOf } from '../internal/events';
import { operate } from '../internal/operate';
import type { ResponseStreamEvent } from '../types';

/**
 * Passes every event through, but turns a failure event into a typed error.
 *
 * `error` becomes {@link ResponseStreamError}, `response.failed` becomes {@link ResponseFailedError} and
 * `response.incomplete` becomes {@link ResponseIncompleteError}. For pipelines that don't use the image
 * operators (which do this themselves).
 *
 * ```
 * source:  --created--delta--failed|
 * result:  --created--delta--#        (ResponseFailedError)
 * ```
 *
 * @example
 * ```ts
 * import { ofType, streamResponse, throwOnFailure } from 'rxjs-openai';
 *
 * streamResponse(client, params)
 *   .pipe(throwOnFailure(), ofType('response.output_text.delta'))
 *   .subscribe({ next: (e) => write(e.delta), error: (e) => console.error(e.name, e.message) });
 * ```
 *
 * @return An operator that mirrors the source until a failure event, then errors.
 */
export function throwOnFailure(): MonoTypeOperatorFunction<ResponseStreamEvent> {
  return operate<ResponseStreamEvent, ResponseStreamEvent>((subscriber) => ({
    next(event) {
      const failure = failureOf(event);
      if (failure) throw failure;
      subscriber.next(event);
    },
  }));
}
