// Internal: not part of the public API, not importable from the package.
import type { ResponseImageGenCallCompletedEvent } from 'openai/resources/responses/responses';
import type { Subscriber } from 'rxjs';
import { ImageGenerationError, MissingImageError, RxOpenAIError } from '../errors';
import type { FinalImage, ImageGenerationCallItem, ResponseStreamEvent } from '../types';
import { failureOf, isImageCall } from './events';

/** More images than any response has: a stream past this is not a Responses stream, and state stays bounded. */
export const MAX_IMAGES_PER_RESPONSE = 4096;

/** What the matcher reports; both callbacks may throw to end the stream. */
export interface FinalImageSink {
  final(image: FinalImage): void;
  failed(error: ImageGenerationError, item: ImageGenerationCallItem): void;
}

/**
 * Pairs image completion events with the output items that carry the bytes, by item id, in either order,
 * for any number of interleaved images. Holds no bytes: a pending image is its completion event or its
 * output index; a settled one is only its id, so that late duplicates are ignored.
 */
export class FinalImageMatcher {
  /** Completion events whose bytes have not come yet. */
  private readonly completions = new Map<string, ResponseImageGenCallCompletedEvent>();
  /** Items that were done without bytes: output index, to report them if the bytes never come. */
  private readonly withoutBytes = new Map<string, number>();
  /** Items already emitted or failed. */
  private readonly settled = new Set<string>();

  constructor(private readonly sink: FinalImageSink) {}

  /**
   * A matcher for an operator's observer: final images go to `destination`, which clears the matcher when it
   * closes; a failed image is thrown, for the observer's `next` to turn into the output's error.
   */
  static emittingTo(destination: Subscriber<FinalImage>): FinalImageMatcher {
    const matcher = new FinalImageMatcher({
      final: (image) => destination.next(image),
      failed: (error) => {
        throw error;
      },
    });
    destination.add(() => matcher.clear());
    return matcher;
  }

  /** Feeds one event; throws the typed error for `error`, `response.failed` and `response.incomplete`. */
  push(event: ResponseStreamEvent): void {
    switch (event.type) {
      case 'response.image_generation_call.completed':
        if (!this.settled.has(event.item_id)) {
          this.track();
          this.completions.set(event.item_id, event);
        }
        return;
      case 'response.output_item.done':
        if (isImageCall(event.item)) this.settle(event.item, event.output_index);
        return;
      case 'response.completed': {
        // Bytes that never came on `output_item.done` are taken from the final response.
        const output = event.response?.output ?? [];
        for (let index = 0; index < output.length; index++) {
          const item = output[index];
          if (isImageCall(item) && !this.settled.has(item.id)) this.settle(item, index);
        }
        return;
      }
      case 'error':
      case 'response.failed':
      case 'response.incomplete':
        throw failureOf(event);
    }
  }

  /** The stream ended: throws `MissingImageError` for the first image whose bytes never came. */
  end(): void {
    for (const [itemId, completed] of this.completions)
      throw new MissingImageError(itemId, completed.output_index);
    for (const [itemId, outputIndex] of this.withoutBytes) throw new MissingImageError(itemId, outputIndex);
  }

  /** Forgets everything (on complete, error or unsubscribe). */
  clear(): void {
    this.completions.clear();
    this.withoutBytes.clear();
    this.settled.clear();
  }

  private settle(item: ImageGenerationCallItem, outputIndex: number): void {
    const itemId = item.id;
    if (this.settled.has(itemId)) return;
    if (item.status === 'failed') {
      this.markSettled(itemId);
      const error = item.error;
      this.sink.failed(
        new ImageGenerationError(
          itemId,
          outputIndex,
          error?.code ?? null,
          error?.message ?? 'image generation failed',
        ),
        item,
      );
      return;
    }
    const b64 = item.result;
    if (typeof b64 !== 'string' || b64.length === 0) {
      this.track();
      this.withoutBytes.set(itemId, outputIndex);
      return;
    }
    // A non-null result is final even if `status` still says `generating` (some proxies drop the last update).
    const completed = this.completions.get(itemId) ?? null;
    this.markSettled(itemId);
    this.sink.final({ itemId, outputIndex, b64, item, completed });
  }

  private markSettled(itemId: string): void {
    this.completions.delete(itemId);
    this.withoutBytes.delete(itemId);
    this.track();
    this.settled.add(itemId);
  }

  private track(): void {
    if (this.settled.size + this.completions.size + this.withoutBytes.size >= MAX_IMAGES_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_IMAGES_PER_RESPONSE} images in one response: refusing to track more.`,
      );
    }
  }
}
