// Internal: not part of the public API, not importable from the package.
import type {
  ResponseCompletedEvent,
  ResponseImageGenCallCompletedEvent,
  ResponseOutputItemDoneEvent,
} from 'openai/resources/responses/responses';
import type {
  AnyPartialImage,
  ImageStreamEvent,
  ImagesApiPartialImageEvent,
  ImagesApiStreamEvent,
  ResponseImageGenCallPartialImageEvent,
  ResponsesPartialImage,
} from '../types';
import {
  type EventKind,
  eventKind,
  IMAGE_COMPLETED,
  IMAGE_PARTIAL,
  IMAGES_API_COMPLETED,
  IMAGES_API_PARTIAL,
  ITEM_DONE,
  OTHER,
  RESPONSE_COMPLETED,
} from './eventKind';
import { isImageCall } from './events';
import { ImagesApiImageId, imagesApiPartialImage } from './imagesApi';
import { MAX_ITEMS_PER_RESPONSE } from './limits';

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
  /** The id of the current Images API stream's image. */
  private readonly imagesApiId = new ImagesApiImageId();

  /**
   * The preview `event` carries, or `null` (not a preview, a duplicate, an older one, or its image is final).
   * `kind` is the event's kind, when the caller has read it already (see `eventKind`).
   */
  preview(event: ImageStreamEvent, kind: EventKind = eventKind(event.type)): AnyPartialImage | null {
    switch (kind) {
      case OTHER:
        return null;
      case IMAGE_PARTIAL: {
        const partial = event as ResponseImageGenCallPartialImageEvent;
        return this.pass(partial.item_id, partial.partial_image_index)
          ? responsesPartialImage(partial)
          : null;
      }
      case IMAGE_COMPLETED:
        this.finish((event as ResponseImageGenCallCompletedEvent).item_id);
        return null;
      case ITEM_DONE: {
        const { item } = event as ResponseOutputItemDoneEvent;
        if (isImageCall(item)) this.finish(item.id);
        return null;
      }
      case RESPONSE_COMPLETED:
        // Its output holds every image's final item: a preview after it would replace a final image.
        for (const item of (event as ResponseCompletedEvent).response?.output ?? [])
          if (isImageCall(item)) this.finish(item.id);
        return null;
      case IMAGES_API_PARTIAL: {
        // The Images API: the stream's one image, the same rules.
        const partial = event as ImagesApiPartialImageEvent;
        const itemId = this.imagesApiId.of(partial);
        return this.pass(itemId, partial.partial_image_index) ? imagesApiPartialImage(partial, itemId) : null;
      }
      case IMAGES_API_COMPLETED:
        this.finish(this.imagesApiId.of(event as ImagesApiStreamEvent));
        return null;
      default:
        return null;
    }
  }

  /** Whether a preview with this index may pass for the image (recording it when it does). */
  private pass(itemId: string, index: number): boolean {
    const highest = this.highest.get(itemId);
    if (highest !== undefined && index <= highest) return false;
    return this.record(itemId, index, highest);
  }

  clear(): void {
    this.highest.clear();
    this.imagesApiId.clear();
  }

  private finish(itemId: string): void {
    this.record(itemId, FINAL, this.highest.get(itemId));
  }

  /** Stores `value` for the image; `false` when a new image would pass the bound (its previews are dropped). */
  private record(itemId: string, value: number, previous: number | undefined): boolean {
    if (previous === undefined && this.highest.size >= MAX_ITEMS_PER_RESPONSE) return false;
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
