// Internal: not part of the public API, not importable from the package.
import type {
  AnyPartialImage,
  ImageStreamEvent,
  ImagesApiStreamEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponsesPartialImage,
} from '../types';
import { isImageCall } from './events';
import { MAX_IMAGES_PER_RESPONSE } from './FinalImageMatcher';
import { imagesApiImageId, imagesApiPartialImage } from './imagesApi';

/** The mark of an image that is final: no preview of it may pass any more. */
const FINAL = Number.POSITIVE_INFINITY;

/**
 * Lets through the previews of one response's images, fed one event at a time, each preview once and never
 * an older one after a newer one: a preview passes only when its `partial_image_index` is above the highest
 * one passed for its image, so a duplicated preview, and a late preview with a lower index, are dropped. A
 * preview that arrives after its image is done (its completion event, its output item, or
 * `response.completed` listing it) must never replace the final image. Holds no bytes: one number per image.
 *
 * The Images API's previews (`image_generation.partial_image`, `image_edit.partial_image`) follow the same
 * rules for the one image of their stream, whose id is derived from the first event after {@link clear}.
 */
export class PreviewGate {
  /** Per image: the highest preview index passed, or {@link FINAL}. */
  private readonly highest = new Map<string, number>();
  /** The id of the current Images API stream's image, once one of its events came. */
  private imagesApiId: string | null = null;

  /** The preview `event` carries, or `null` (not a preview, a duplicate, an older one, or its image is final). */
  preview(event: ImageStreamEvent): AnyPartialImage | null {
    const { type } = event;
    switch (type) {
      case 'response.image_generation_call.partial_image': {
        const index = event.partial_image_index;
        const highest = this.highest.get(event.item_id);
        if (highest !== undefined && index <= highest) return null;
        if (!this.record(event.item_id, index, highest)) return null;
        return responsesPartialImage(event);
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
        // The Images API's types, and only they, start with `i` (`image_`): one comparison per event.
        return type.charCodeAt(0) === 105 ? this.previewImagesApi(event as ImagesApiStreamEvent) : null;
    }
  }

  /** {@link preview} for an Images API event: the stream's one image, the same rules. */
  private previewImagesApi(event: ImagesApiStreamEvent): AnyPartialImage | null {
    switch (event.type) {
      case 'image_generation.partial_image':
      case 'image_edit.partial_image': {
        const itemId = this.imagesApiIdOf(event);
        const index = event.partial_image_index;
        const highest = this.highest.get(itemId);
        if (highest !== undefined && index <= highest) return null;
        if (!this.record(itemId, index, highest)) return null;
        return imagesApiPartialImage(event, itemId);
      }
      case 'image_generation.completed':
      case 'image_edit.completed':
        this.finish(this.imagesApiIdOf(event));
        return null;
      default:
        return null;
    }
  }

  clear(): void {
    this.highest.clear();
    this.imagesApiId = null;
  }

  /** The current Images API stream's image id: derived from its first event. */
  private imagesApiIdOf(event: ImagesApiStreamEvent): string {
    this.imagesApiId ??= imagesApiImageId(event);
    return this.imagesApiId;
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

/** A preview of the Responses API, with the facts every preview has (see `ResponsesPartialImage`). */
function responsesPartialImage(event: ResponseImageGenCallPartialImageEvent): ResponsesPartialImage {
  // SDK 6's event type lacks these fields; SDK 7's has them, optional.
  const facts = event as Partial<Record<'output_format' | 'size' | 'quality' | 'background', unknown>>;
  return {
    itemId: event.item_id,
    outputIndex: event.output_index,
    index: event.partial_image_index,
    b64: event.partial_image_b64,
    event,
    source: 'responses',
    outputFormat: (facts.output_format ?? null) as ResponsesPartialImage['outputFormat'],
    size: (facts.size ?? null) as string | null,
    quality: (facts.quality ?? null) as ResponsesPartialImage['quality'],
    background: (facts.background ?? null) as ResponsesPartialImage['background'],
  };
}
