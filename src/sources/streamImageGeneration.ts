import type { Observable } from 'rxjs';
import { requestImagesApiStream } from '../internal/requestStream';
import type {
  ImageGenerateParamsStreaming,
  ImageGenerationClient,
  ImageGenStreamEvent,
  StreamRequestOptions,
} from '../types';

/** The request body `streamImageGeneration` takes: the Images API's generate params; `stream` is set for you. */
export type StreamImageGenerationParams = Omit<ImageGenerateParamsStreaming, 'stream'> & { stream?: true };

/**
 * Streams one image generation of the Images API per subscription: cold and lazy, like `defer`.
 *
 * Each subscription sends one request, `client.images.generate({ ...params, stream: true }, options)` (the
 * SDK's own call, its own `Stream`), and emits its events: `image_generation.partial_image` for each preview
 * (`partial_images: 0..3`), then `image_generation.completed` with the final image and its usage. The image
 * operators read them as they read the Responses API's: `partialImages()`, `withFinalImage()`,
 * `partialAndFinalImages()`, `imageStates()`. How it ends, as `streamResponse`:
 *
 * - `image_generation.completed` ends the stream (the Observable completes when the body ends after it).
 * - Unsubscribing aborts the request at once, silently.
 * - A `signal` of your own in `options` aborting errors with the SDK's `APIUserAbortError` and aborts.
 * - Any other end before the completion event is a cut: `TruncatedStreamError` (an abort that is not yours
 *   included), `MalformedEventError` for a torn frame, `StreamIdleError` after `options.idleTimeout` ms
 *   without an event (default 120000; `0` turns it off).
 * - An HTTP error is the SDK's `APIError`, unchanged: a prompt refused by moderation is a `BadRequestError`
 *   with `code: 'moderation_blocked'` (its message lists the `safety_violations`). An `error` event in the
 *   stream (a generated image blocked by moderation) is the SDK's `APIError` with the event's `code` (SDK 7;
 *   SDK 6 yields a flat `error` event, which the image operators turn into `ResponseStreamError`).
 *
 * **One image per stream.** With `n > 1`, the API's events would not say which image they belong to (a
 * preview's `partial_image_index` counts one image's previews; a completion event names no image), so the
 * previews and finals of several images could not be told apart: `n > 1` errors at subscription with
 * `UnsupportedImageCountError`, before any request. For several images, `merge` several streams of one.
 *
 * ```
 * subscribe:  ^---------------------|
 * request:    POST /images/generations (stream: true)
 * result:     ----p0----p1----final-|     p = image_generation.partial_image
 * ```
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { imageStates, streamImageGeneration } from 'rxjs-openai';
 *
 * streamImageGeneration(new OpenAI(), { model: 'gpt-image-1.5', prompt: 'A lighthouse at dawn', partial_images: 2 })
 *   .pipe(imageStates())
 *   .subscribe((images) => console.log(images.map((image) => `${image.status}:${image.partials}`).join()));
 * ```
 *
 * @param client Anything with `images.generate`: the `OpenAI` client, or a fake in tests (`fakeImagesClient`).
 * @param params The request body; `stream: true` is added. `n` may be 1 (or left out).
 * @param options The SDK's request options (`timeout`, `headers`, `signal`, ...) and `idleTimeout`.
 * @return A cold Observable of the stream's events.
 * @see streamImageEdit
 * @see imageStates
 */
export function streamImageGeneration(
  client: ImageGenerationClient,
  params: StreamImageGenerationParams,
  options?: StreamRequestOptions,
): Observable<ImageGenStreamEvent> {
  return requestImagesApiStream(
    params.n,
    (requestOptions) => client.images.generate({ ...params, stream: true }, requestOptions),
    options,
  );
}
