// Internal: not part of the public API, not importable from the package.
import type { PartialImage, ResponseStreamEvent } from '../types';
import { isImageCall } from './events';
import { MAX_IMAGES_PER_RESPONSE } from './FinalImageMatcher';

/** The mark of an image that is final: no preview of it may pass any more. */
const FINAL = Number.POSITIVE_INFINITY;

/**
 * Lets through the previews of one response's images, fed one event at a time, each preview once and never
 * an older one after a newer one: a preview passes only when its `partial_image_index` is above the highest
 * one passed for its image, so a duplicated preview, and a late preview with a lower index, are dropped. A
 * preview that arrives after its image is done (its completion event, its output item, or
 * `response.completed` listing it) must never replace the final image. Holds no bytes: one number per image.
 */
export class PreviewGate {
  /** Per image: the highest preview index passed, or {@link FINAL}. */
  private readonly highest = new Map<string, number>();

  /** The preview `event` carries, or `null` (not a preview, a duplicate, an older one, or its image is final). */
  preview(event: ResponseStreamEvent): PartialImage | null {
    switch (event.type) {
      case 'response.image_generation_call.partial_image': {
        const index = event.partial_image_index;
        const highest = this.highest.get(event.item_id);
        if (highest !== undefined && index <= highest) return null;
        if (!this.record(event.item_id, index, highest)) return null;
        return {
          itemId: event.item_id,
          outputIndex: event.output_index,
          index,
          b64: event.partial_image_b64,
          event,
        };
      }
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
    this.highest.clear();
  }

  private finish(itemId: string): void {
    this.record(itemId, FINAL, this.highest.get(itemId));
  }

  /** Stores `value` for the image; `false` when a new image would pass the bound (its previews are dropped). */
  private record(itemId: string, value: number, previous: number | undefined): boolean {
    if (previous === undefined && this.highest.size >= MAX_IMAGES_PER_RESPONSE) return false;
    this.highest.set(itemId, value);
    return true;
  }
}
