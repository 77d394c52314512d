import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { eventKind, OTHER } from '../internal/eventKind';
import { FinalImagesObserver } from '../internal/FinalImagesObserver';
import type { AnyFinalImage, FinalImage, ImageStreamEvent, ResponseStreamEvent } from '../types';

/**
 * Emits one {@link FinalImage} per image generation call: its completion event, its output item and the
 * final image's base64 bytes.
 *
 * Apply it to the whole event stream. The API says an image is done with
 * `response.image_generation_call.completed`, but the bytes come on the matching `response.output_item.done`
 * (`item.result`); this pairs them by item id, in either order, with several images interleaved, and emits
 * each image once, as soon as its bytes are known, in the order images become final.
 *
 * - `completed` is the completion event if it came before the bytes, else `null`: a missing completion
 *   event never holds an image back.
 * - Bytes that never came on `output_item.done` are taken from `response.completed`'s `response.output`.
 * - An item with status `failed` errors with `ImageGenerationError`; `response.failed`,
 *   `response.incomplete` and `error` error with `ResponseFailedError`, `ResponseIncompleteError` and
 *   `ResponseStreamError`.
 * - An image announced (its `output_item.added`, `in_progress`, `generating`, a preview or its completion
 *   event) whose bytes never came before the stream ended errors with `MissingImageError`: an image is never
 *   dropped silently.
 * - State belongs to a response: a stream that carries several (`concatMap` over prompts, `repeat()`,
 *   `retry()` upstream) emits each response's images, and an abandoned response (a new `response.created`
 *   before its terminal event: a retry re-sent the request) is dropped, not reported as missing.
 * - Nothing is kept after an image is emitted, and partial images are never held.
 *
 * It reads the Images API's streams too (`streamImageGeneration`, `streamImageEdit`): their completion
 * event (`image_generation.completed`, `image_edit.completed`) is the final image, emitted as an
 * {@link ImagesApiFinalImage} (`source: 'images'`, an id derived from the stream, its format, size, quality,
 * background and usage). The output type follows the input: `ResponsesFinalImage` for Responses API events,
 * `ImagesApiFinalImage` for the Images API's, either for a stream that may carry both (`image.source`).
 *
 * ```
 * source:  --c1--c2--d2--d1--rc|     c = image_generation_call.completed, d = output_item.done
 * result:  ----------i2--i1----|     i = FinalImage
 *
 * images:  --p0--p1--ic|             p = image_generation.partial_image, ic = image_generation.completed
 * result:  ----------i-|
 * ```
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { streamResponse, withFinalImage } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'A red fox', tools: [{ type: 'image_generation' }] })
 *   .pipe(withFinalImage())
 *   .subscribe((image) => writeFile(`${image.itemId}.${image.item.output_format ?? 'png'}`, image.b64, 'base64'));
 *
 * // The Images API: the same operator, the same fields.
 * streamImageGeneration(client, { model: 'gpt-image-1.5', prompt: 'A red fox', partial_images: 2 })
 *   .pipe(withFinalImage())
 *   .subscribe((image) => writeFile(`fox.${image.outputFormat}`, image.b64, 'base64'));
 * ```
 *
 * @return An operator from the response's (or the Images API stream's) events to its final images.
 * @see partialImages
 * @see imageStates
 * @see streamImageGeneration
 */
export function withFinalImage<E extends ImageStreamEvent = ResponseStreamEvent>(): OperatorFunction<
  E,
  FinalImage<E>
> {
  return (source) =>
    new Observable<FinalImage<E>>((subscriber) => {
      source.subscribe(new FinalImageObserver(subscriber as Subscriber<AnyFinalImage>));
    });
}

/**
 * The observer behind `withFinalImage`, written out rather than built by `operate` so that its per-event
 * call to the matcher is monomorphic (it runs on every event of the stream; see `OperatorObserver`).
 */
class FinalImageObserver extends FinalImagesObserver {
  next(event: ImageStreamEvent): void {
    if (this.closed) return;
    // The event's kind, read once for the boundary and the matcher.
    const kind = eventKind(event.type);
    if (kind === OTHER) return;
    try {
      if (this.boundary.starts(event, kind)) this.clear();
      this.matcher.push(event, kind);
    } catch (error) {
      this.error(error);
    }
  }
}
