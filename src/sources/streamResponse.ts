import type { Observable } from 'rxjs';
import { cancelOnUnsubscribe } from '../internal/cancelResponse';
import { requestStream } from '../internal/requestStream';
import type {
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
  ResponseStreamOptions,
  ResponsesClient,
} from '../types';

/** The request body `streamResponse` takes: the Responses API's create params; `stream` is set for you. */
export type StreamResponseParams = Omit<ResponseCreateParamsStreaming, 'stream'> & { stream?: true };

/**
 * Streams one response per subscription: cold and lazy, like `defer`.
 *
 * Each subscription sends one request, `client.responses.create({ ...params, stream: true }, options)`, and
 * emits its events (see {@link fromResponseStream} for what it emits and how it ends). How it ends:
 *
 * - Unsubscribing aborts the request at once, silently. A background response (`background: true`) goes on
 *   running on the API's side after its connection closes: unsubscribing before its terminal event also calls
 *   `client.responses.cancel(id)` (the id from `response.created`), so that it stops, and stops billing.
 *   `options.cancelOnUnsubscribe: false` turns that off; a failed cancel goes to `options.onCancelError`, never
 *   to the stream. Completion and errors (a dropped connection, which `resumable()` resumes) cancel nothing,
 *   nor does a relay of `rxjs-openai/server` when its browser goes away (the browser may resume).
 * - A `signal` of your own in `options` aborting errors with the SDK's `APIUserAbortError` (what
 *   `await client.responses.create(..., { signal })` raises) and aborts the request (and, as a Cancel, cancels a
 *   background response); every operator of this library passes that error through unchanged, so no operator
 *   takes it for a cut or a finished response.
 * - Any other end before a terminal event is a cut: `TruncatedStreamError` (an abort that is not yours
 *   included: a custom `fetch`'s deadline, a browser cancelling fetches), `MalformedEventError` for a torn
 *   frame, `StreamIdleError` after `options.idleTimeout` ms without an event (default 120000; `0` turns it
 *   off). The SDK's `timeout` covers only the wait for the headers; the idle timeout covers the body.
 * - An HTTP error is the SDK's `APIError`, unchanged.
 *
 * `retry()` re-sends the request (a new response). An SDK stream can be read once: to feed previews and the
 * final image from one response, `share()` it, or use `partialAndFinalImages()`.
 *
 * ```
 * subscribe:  ^-------------------!
 * request:    POST /responses ... aborted at `!`
 * result:     --created--partial--
 * background: POST /responses/{id}/cancel at `!`
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { share } from 'rxjs';
 * import { partialImages, streamResponse, withFinalImage } from 'rxjs-openai';
 *
 * const events$ = streamResponse(new OpenAI(), {
 *   model: 'gpt-5',
 *   input: 'A lighthouse at dawn',
 *   tools: [{ type: 'image_generation', partial_images: 2 }],
 * }).pipe(share());
 * events$.pipe(partialImages()).subscribe((p) => console.log('preview', p.index));
 * events$.pipe(withFinalImage()).subscribe((img) => console.log('final', img.b64.length));
 * ```
 *
 * @param client Anything with `responses.create`: the `OpenAI` client, or a fake in tests.
 * @param params The request body; `stream: true` is added.
 * @param options The SDK's request options (`timeout`, `headers`, `signal`, ...), `idleTimeout`,
 *   `cancelOnUnsubscribe` and `onCancelError`.
 * @return A cold Observable of the response's events.
 * @see fromResponseStream
 */
export function streamResponse(
  client: ResponsesClient,
  params: StreamResponseParams,
  options?: ResponseStreamOptions,
): Observable<ResponseStreamEvent> {
  const { cancelOnUnsubscribe: cancel, onCancelError, ...requestOptions } = options ?? {};
  return requestStream(
    (sdkOptions) => client.responses.create({ ...params, stream: true }, sdkOptions),
    requestOptions,
  ).pipe(
    cancelOnUnsubscribe(client, { cancelOnUnsubscribe: cancel, onCancelError, signal: options?.signal }),
  );
}
