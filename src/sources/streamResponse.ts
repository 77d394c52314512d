import type { Observable } from 'rxjs';
import { requestStream } from '../internal/requestStream';
import type {
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
  ResponsesClient,
  StreamRequestOptions,
} from '../types';

/** The request body `streamResponse` takes: the Responses API's create params; `stream` is set for you. */
export type StreamResponseParams = Omit<ResponseCreateParamsStreaming, 'stream'> & { stream?: true };

/**
 * Streams one response per subscription: cold and lazy, like `defer`.
 *
 * Each subscription sends one request, `client.responses.create({ ...params, stream: true }, { ...options,
 * signal })`, and emits its events (see {@link fromResponseStream} for what it emits and how it ends).
 * Unsubscribing aborts the request at once; a `signal` of your own in `options` aborts it too, and ends the
 * Observable quietly. `retry()` re-sends the request. An SDK stream can be read once: to feed previews and
 * the final image from one response, `share()` it.
 *
 * ```
 * subscribe:  ^-------------------!
 * request:    POST /responses ... aborted at `!`
 * result:     --created--partial--
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
 * @param options The SDK's request options (`timeout`, `headers`, `signal`, ...).
 * @return A cold Observable of the response's events.
 * @see fromResponseStream
 */
export function streamResponse(
  client: ResponsesClient,
  params: StreamResponseParams,
  options?: StreamRequestOptions,
): Observable<ResponseStreamEvent> {
  return requestStream(
    (signal) => client.responses.create({ ...params, stream: true }, { ...options, signal }),
    options?.signal,
  );
}
