import type { OperatorFunction } from 'rxjs';
import { operatePerResponse } from '../internal/operate';
import { PreviewGate } from '../internal/PreviewGate';
import type { ImageStreamEvent, PartialImage, ResponseStreamEvent } from '../types';

/**
 * Emits a {@link PartialImage} for every `response.image_generation_call.partial_image` event: the
 * progressive previews the API sends while an image is generated (`partial_images: 1..3` on the tool).
 *
 * Each preview is emitted once, newest last: a duplicated preview (same image, same `partial_image_index`) and
 * a late one with a lower index than one already emitted are dropped, and so is a preview that arrives after
 * its image is done (its completion event, its output item, or `response.completed` listing it): a preview
 * must never replace a newer one or the final image. State belongs to a response (see `withFinalImage`); it
 * holds no bytes, one number per image.
 *
 * The Images API's previews (`image_generation.partial_image`, `image_edit.partial_image`, from
 * `streamImageGeneration` / `streamImageEdit` with `partial_images`) follow the same rules, as
 * {@link ImagesApiPartialImage}s with the id `withFinalImage` gives their image. The output type follows the
 * input, as `withFinalImage`'s.
 *
 * ```
 * source:  --p0--p1--c--p2--d--|    p = partial_image, c = completed, d = output_item.done
 * result:  --p0--p1------------|
 * ```
 *
 * @example
 * ```ts
 * import { partialImages, streamResponse } from 'rxjs-openai';
 *
 * streamResponse(client, { model: 'gpt-5', input: 'A red fox', tools: [{ type: 'image_generation', partial_images: 2 }] })
 *   .pipe(partialImages())
 *   .subscribe((p) => (img.src = `data:image/png;base64,${p.b64}`));
 *
 * streamImageGeneration(client, { model: 'gpt-image-1.5', prompt: 'A red fox', partial_images: 2 })
 *   .pipe(partialImages())
 *   .subscribe((p) => (img.src = imageDataUrl(p.b64, p.outputFormat)));
 * ```
 *
 * @return An operator from the response's (or the Images API stream's) events to its image previews.
 * @see withFinalImage
 */
export function partialImages<E extends ImageStreamEvent = ResponseStreamEvent>(): OperatorFunction<
  E,
  PartialImage<E>
> {
  return operatePerResponse<PartialImage<E>, E>((subscriber) => {
    const gate = new PreviewGate();
    return {
      next(event, kind) {
        const preview = gate.preview(event, kind);
        if (preview) subscriber.next(preview as PartialImage<E>);
      },
      teardown: () => gate.clear(),
    };
  });
}
