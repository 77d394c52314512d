import type { OperatorFunction } from 'rxjs';
import { isImageCall } from '../internal/events';
import { MAX_IMAGES_PER_RESPONSE } from '../internal/FinalImageMatcher';
import { operate } from '../internal/operate';
import type { PartialImage, ResponseStreamEvent } from '../types';

/**
 * Emits a {@link PartialImage} for every `response.image_generation_call.partial_image` event: the
 * progressive previews the API sends while an image is generated (`partial_images: 1..3` on the tool).
 *
 * A preview that arrives after its image is done (its completion event, its output item, or
 * `response.completed` listing it) is dropped: a preview must never replace the final image. It holds no
 * bytes, only the ids of finished images.
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
 * ```
 *
 * @return An operator from the response's events to its image previews.
 * @see withFinalImage
 */
export function partialImages(): OperatorFunction<ResponseStreamEvent, PartialImage> {
  return operate<ResponseStreamEvent, PartialImage>((subscriber) => {
    const finished = new Set<string>();
    const finish = (itemId: string) => {
      if (finished.size < MAX_IMAGES_PER_RESPONSE) finished.add(itemId);
    };
    return {
      next(event) {
        switch (event.type) {
          case 'response.image_generation_call.partial_image':
            if (!finished.has(event.item_id)) {
              subscriber.next({
                itemId: event.item_id,
                outputIndex: event.output_index,
                index: event.partial_image_index,
                b64: event.partial_image_b64,
                event,
              });
            }
            return;
          case 'response.image_generation_call.completed':
            finish(event.item_id);
            return;
          case 'response.output_item.done':
            if (isImageCall(event.item)) finish(event.item.id);
            return;
          case 'response.completed':
            // Its output holds every image's final item: a preview after it would replace a final image.
            for (const item of event.response?.output ?? []) if (isImageCall(item)) finish(item.id);
            return;
        }
      },
      teardown: () => finished.clear(),
    };
  });
}
