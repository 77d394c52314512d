import type { Observable } from 'rxjs';
import { requestImagesApiStream } from '../internal/requestStream';
import type {
  ImageEditClient,
  ImageEditParamsStreaming,
  ImageEditStreamEvent,
  StreamRequestOptions,
} from '../types';

/** The request body `streamImageEdit` takes: the Images API's edit params; `stream` is set for you. */
export type StreamImageEditParams = Omit<ImageEditParamsStreaming, 'stream'> & { stream?: true };

/**
 * Streams one image edit of the Images API per subscription: cold and lazy, like `defer`.
 *
 * Each subscription sends one request, `client.images.edit({ ...params, stream: true }, options)`: the SDK
 * uploads the input image(s) and the optional mask as multipart form data (`File`, `Blob`, `fs.ReadStream`,
 * `Response`, or `toFile(...)`: anything the SDK's `Uploadable` takes), and streams `image_edit.partial_image`
 * for each preview, then `image_edit.completed` with the final image. It ends as
 * {@link streamImageGeneration} does (the same errors, the same abort rules), and refuses `n > 1` the same
 * way, at subscription, with `UnsupportedImageCountError`.
 *
 * Each subscription sends the files again: a `File` or a `Blob` can be read any number of times, but a
 * stream (`fs.createReadStream`) only once, so for `retry()` or `repeat()` pass a `File` (`await toFile(...)`).
 *
 * ```
 * subscribe:  ^---------------------|
 * request:    POST /images/edits (multipart: image, mask, prompt, stream=true)
 * result:     ----p0----p1----final-|     p = image_edit.partial_image
 * ```
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import OpenAI from 'openai';
 * import { streamImageEdit, withFinalImage } from 'rxjs-openai';
 *
 * const image = new File([await readFile('room.png')], 'room.png', { type: 'image/png' });
 * const mask = new File([await readFile('mask.png')], 'mask.png', { type: 'image/png' });
 * streamImageEdit(new OpenAI(), { model: 'gpt-image-1.5', image, mask, prompt: 'Add a fireplace', partial_images: 1 })
 *   .pipe(withFinalImage())
 *   .subscribe((edited) => console.log(edited.itemId, edited.outputFormat, edited.usage?.total_tokens));
 * ```
 *
 * @param client Anything with `images.edit`: the `OpenAI` client, or a fake in tests (`fakeImagesClient`).
 * @param params The request body (`image`, `mask`, `prompt`, ...); `stream: true` is added.
 * @param options The SDK's request options (`timeout`, `headers`, `signal`, ...) and `idleTimeout`.
 * @return A cold Observable of the stream's events.
 * @see streamImageGeneration
 */
export function streamImageEdit(
  client: ImageEditClient,
  params: StreamImageEditParams,
  options?: StreamRequestOptions,
): Observable<ImageEditStreamEvent> {
  return requestImagesApiStream(
    params.n,
    (requestOptions) => client.images.edit({ ...params, stream: true }, requestOptions),
    options,
  );
}
