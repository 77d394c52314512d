import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { eventKind, OTHER } from '../internal/eventKind';
import { FinalImagesObserver } from '../internal/FinalImagesObserver';
import { PreviewGate } from '../internal/PreviewGate';
import type {
  AnyFinalImage,
  AnyPartialImage,
  FinalImage,
  ImageStreamEvent,
  PartialImage,
  ResponseStreamEvent,
} from '../types';

/**
 * Emits the previews and the final images of a response in one stream, in the order they come: what
 * `partialImages()` and `withFinalImage()` emit, merged, with the same rules and errors, from one pass over
 * the events.
 *
 * Use it where you want both from one request: it needs no `share()` to feed one request to two operators,
 * and that saves the cost of RxJS handing every event to two chains (a few percent of a whole response's
 * time: `BENCHMARKS.md`, section 1). Tell the two apart with `'item' in image` (a {@link FinalImage} has its output item, a
 * {@link PartialImage} its event), which TypeScript narrows on.
 *
 * It reads the Images API's streams too (`streamImageGeneration`, `streamImageEdit`): their previews and
 * their final image, with the same shapes (`source: 'images'`); the output type follows the input, as
 * `withFinalImage`'s.
 *
 * ```
 * source:  --p0--p1--c--p2--d--rc|    p = partial_image, c = completed, d = output_item.done
 * result:  --p0--p1---------F----|    F = the FinalImage; p2 came after the image was done: dropped
 * ```
 *
 * @example
 * ```ts
 * import { partialAndFinalImages, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'A red fox', tools: [{ type: 'image_generation', partial_images: 2 }] })
 *   .pipe(partialAndFinalImages())
 *   .subscribe((image) => {
 *     if ('item' in image) save(image.itemId, image.b64); // the final image
 *     else show(image.itemId, image.b64); // a preview
 *   });
 *
 * // The Images API: the same operator; `image.source === 'images'`.
 * streamImageEdit(client, { image: photo, prompt: 'At night', partial_images: 2 })
 *   .pipe(partialAndFinalImages())
 *   .subscribe((image) => show(image.itemId, imageDataUrl(image.b64, image.outputFormat)));
 * ```
 *
 * @return An operator from the response's events to its previews and final images.
 * @see partialImages
 * @see withFinalImage
 */
export function partialAndFinalImages<E extends ImageStreamEvent = ResponseStreamEvent>(): OperatorFunction<
  E,
  PartialImage<E> | FinalImage<E>
> {
  return (source) =>
    new Observable<PartialImage<E> | FinalImage<E>>((subscriber) => {
      source.subscribe(
        new PartialAndFinalObserver(subscriber as Subscriber<AnyPartialImage | AnyFinalImage>),
      );
    });
}

/**
 * Its own observer class, as `withFinalImage`'s: `next` reads the event's kind once and calls the gate and the
 * matcher directly.
 */
class PartialAndFinalObserver extends FinalImagesObserver {
  private readonly gate = new PreviewGate();

  next(event: ImageStreamEvent): void {
    if (this.closed) return;
    const kind = eventKind(event.type);
    if (kind === OTHER) return;
    try {
      if (this.boundary.starts(event, kind)) this.clear();
      const preview = this.gate.preview(event, kind);
      if (preview) this.destination.next(preview);
      this.matcher.push(event, kind);
    } catch (error) {
      this.error(error);
    }
  }

  protected override clear(): void {
    super.clear();
    this.gate.clear();
  }
}
