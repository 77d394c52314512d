// Internal: not part of the public API, not importable from the package.
import type { PartialImage, ResponseStreamEvent } from '../types';
import { isImageCall } from './events';
import { MAX_IMAGES_PER_RESPONSE } from './FinalImageMatcher';

/**
 * Lets through the previews of images that are not final yet, fed one event at a time: a preview that arrives
 * after its image is done (its completion event, its output item, or `response.completed` listing it) must
 * never replace the final image. Holds no bytes, only the ids of finished images.
 */
export class PreviewGate {
  private readonly finished = new Set<string>();

  /** The preview `event` carries, or `null` (not a preview, or its image is final); records finished images. */
  preview(event: ResponseStreamEvent): PartialImage | null {
    switch (event.type) {
      case 'response.image_generation_call.partial_image':
        if (this.finished.has(event.item_id)) return null;
        return {
          itemId: event.item_id,
          outputIndex: event.output_index,
          index: event.partial_image_index,
          b64: event.partial_image_b64,
          event,
        };
      case 'response.image_generation_call.completed':
        this.finish(event.item_id);
        return null;
      case 'response.output_item.done':
        if (isImageCall(event.item)) this.finish(event.item.id);
        return null;
      case 'response.completed':
        // Its output holds every image's final item: a preview after it would replace a final image.
        for (const item of event.response?.output ?? []) if (isImageCall(item)) this.finish(item.id);
        return null;
      default:
        return null;
    }
  }

  clear(): void {
    this.finished.clear();
  }

  private finish(itemId: string): void {
    if (this.finished.size < MAX_IMAGES_PER_RESPONSE) this.finished.add(itemId);
  }
}
