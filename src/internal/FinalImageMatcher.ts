// Internal: not part of the public API, not importable from the package.
import type { ResponseImageGenCallCompletedEvent } from 'openai/resources/responses/responses';
import type { Subscriber } from 'rxjs';
import {
  ImageGenerationError,
  type ImageModerationDetails,
  MissingImageError,
  RxOpenAIError,
} from '../errors';
import type {
  AnyFinalImage,
  ImageGenerationCallItem,
  ImageStreamEvent,
  ImagesApiStreamEvent,
  ResponsesFinalImage,
} from '../types';
import { failureOf, isImageCall } from './events';
import { imagesApiFinalImage, imagesApiImageId } from './imagesApi';

/** More images than any response has: a stream past this is not a Responses stream, and state stays bounded. */
export const MAX_IMAGES_PER_RESPONSE = 4096;

/** What the matcher reports; both callbacks may throw to end the stream. */
export interface FinalImageSink {
  final(image: AnyFinalImage): void;
  failed(error: ImageGenerationError, item: ImageGenerationCallItem): void;
}

/** An image announced (by any of its events) whose bytes are not known yet. */
interface PendingImage {
  readonly outputIndex: number;
  /** Its completion event, once it came. */
  completed: ResponseImageGenCallCompletedEvent | null;
}

/**
 * Pairs image completion events with the output items that carry the bytes, by item id, in either order,
 * for any number of interleaved images of one response. Holds no bytes: a pending image is its output index
 * and its completion event; a settled one is only its id, so that late duplicates are ignored.
 *
 * An image is pending from its first event (`output_item.added`, `in_progress`, `generating`, a preview or
 * its completion event) until its bytes arrive: one that is still pending when the stream ends was announced
 * and never delivered (a proxy or an allowlist dropped its events), and {@link end} reports it, at
 * `response.completed` or when the stream ends.
 *
 * An Images API stream (`image_generation.*`, `image_edit.*`) carries one image: its previews announce it, its
 * completion event carries its bytes. Its id is derived from the first event after {@link clear} (the
 * operators clear at every new response or stream, see `ResponseBoundary`).
 */
export class FinalImageMatcher {
  /** Images announced whose bytes have not come yet, in the order they were announced. */
  private readonly pending = new Map<string, PendingImage>();
  /** Items already emitted or failed. */
  private readonly settled = new Set<string>();
  /** The id of the current Images API stream's image, once one of its events came. */
  private imagesApiId: string | null = null;

  /**
   * @param sink Where final images and failures go.
   * @param response The operator's `ResponseBoundary` (it knows the current response's id, which each final
   *   image carries), or `null`.
   */
  constructor(
    private readonly sink: FinalImageSink,
    private readonly response: { readonly responseId: string | null } | null = null,
  ) {}

  /**
   * A matcher for an operator's observer: final images go to `destination`, which clears the matcher when it
   * closes; a failed image is thrown, for the observer's `next` to turn into the output's error.
   */
  static emittingTo(
    destination: Subscriber<AnyFinalImage>,
    response: { readonly responseId: string | null } | null = null,
  ): FinalImageMatcher {
    const matcher = new FinalImageMatcher(
      {
        final: (image) => destination.next(image),
        failed: (error) => {
          throw error;
        },
      },
      response,
    );
    destination.add(() => matcher.clear());
    return matcher;
  }

  /** Feeds one event; throws the typed error for `error`, `response.failed` and `response.incomplete`. */
  push(event: ImageStreamEvent): void {
    // The type, read once: a second read of it costs as much as the switch (bench/operators.ts).
    const { type } = event;
    switch (type) {
      case 'response.output_item.added':
        if (isImageCall(event.item)) this.announce(event.item.id, event.output_index);
        return;
      case 'response.image_generation_call.in_progress':
      case 'response.image_generation_call.generating':
      case 'response.image_generation_call.partial_image':
        this.announce(event.item_id, event.output_index);
        return;
      case 'response.image_generation_call.completed': {
        const pending = this.announce(event.item_id, event.output_index);
        if (pending) pending.completed = event;
        return;
      }
      case 'response.output_item.done':
        if (isImageCall(event.item)) this.settle(event.item, event.output_index);
        return;
      case 'response.completed': {
        // Bytes that never came on `output_item.done` are taken from the final response: its last chance.
        const output = event.response?.output ?? [];
        for (let index = 0; index < output.length; index++) {
          const item = output[index];
          if (isImageCall(item) && !this.settled.has(item.id)) this.settle(item, index);
        }
        this.end();
        return;
      }
      case 'error':
      case 'response.failed':
      case 'response.incomplete':
        throw failureOf(event);
      default:
        // The Images API's types, and only they, start with `i` (`image_`): one comparison per event.
        if (type.charCodeAt(0) === 105) this.pushImagesApi(event as ImagesApiStreamEvent);
    }
  }

  /** {@link push} for an Images API event: a preview announces the stream's image, its completion settles it. */
  private pushImagesApi(event: ImagesApiStreamEvent): void {
    switch (event.type) {
      case 'image_generation.partial_image':
      case 'image_edit.partial_image':
        this.announce(this.imagesApiIdOf(event), 0);
        return;
      case 'image_generation.completed':
      case 'image_edit.completed': {
        const itemId = this.imagesApiIdOf(event);
        if (this.settled.has(itemId)) return;
        this.markSettled(itemId);
        this.sink.final(imagesApiFinalImage(event, itemId));
        return;
      }
    }
  }

  /**
   * The response or the stream ended: throws `MissingImageError` for the first image announced whose bytes
   * never came. Runs at `response.completed` (after its output was read) and when the stream completes.
   */
  end(): void {
    for (const [itemId, pending] of this.pending) throw new MissingImageError(itemId, pending.outputIndex);
  }

  /** Forgets everything (at a new response, and on complete, error or unsubscribe). */
  clear(): void {
    this.pending.clear();
    this.settled.clear();
    this.imagesApiId = null;
  }

  /** The current Images API stream's image id: derived from its first event. */
  private imagesApiIdOf(event: ImagesApiStreamEvent): string {
    this.imagesApiId ??= imagesApiImageId(event);
    return this.imagesApiId;
  }

  /** Records an image as pending, unless it is settled; returns its pending record, or `null` if settled. */
  private announce(itemId: string, outputIndex: number): PendingImage | null {
    let pending = this.pending.get(itemId);
    if (pending) return pending;
    if (this.settled.has(itemId)) return null;
    this.track();
    pending = { outputIndex, completed: null };
    this.pending.set(itemId, pending);
    return pending;
  }

  private settle(item: ImageGenerationCallItem, outputIndex: number): void {
    const itemId = item.id;
    if (this.settled.has(itemId)) return;
    if (item.status === 'failed') {
      this.markSettled(itemId);
      const error = item.error as
        | {
            code?: string | null;
            message?: string;
            type?: string;
            moderation_details?: ImageModerationDetails;
          }
        | undefined;
      this.sink.failed(
        new ImageGenerationError(
          itemId,
          outputIndex,
          error?.code ?? null,
          error?.message ?? 'image generation failed',
          { type: error?.type ?? null, moderation_details: error?.moderation_details ?? null },
        ),
        item,
      );
      return;
    }
    const b64 = item.result;
    if (typeof b64 !== 'string' || b64.length === 0) {
      // Done without bytes: they may still come in `response.completed`'s output.
      this.announce(itemId, outputIndex);
      return;
    }
    // A non-null result is final even if `status` still says `generating` (some proxies drop the last update).
    const completed = this.pending.get(itemId)?.completed ?? null;
    this.markSettled(itemId);
    this.sink.final(
      responsesFinalImage(item, outputIndex, b64, completed, this.response?.responseId ?? null),
    );
  }

  private markSettled(itemId: string): void {
    if (!this.pending.delete(itemId)) this.track();
    this.settled.add(itemId);
  }

  private track(): void {
    if (this.settled.size + this.pending.size >= MAX_IMAGES_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_IMAGES_PER_RESPONSE} images in one response: refusing to track more.`,
      );
    }
  }
}

/** A final image of the Responses API, with the facts every final image has (see `ResponsesFinalImage`). */
function responsesFinalImage(
  item: ImageGenerationCallItem,
  outputIndex: number,
  b64: string,
  completed: ResponseImageGenCallCompletedEvent | null,
  responseId: string | null,
): ResponsesFinalImage {
  // SDK 6's item type lacks these fields; the API sends them all the same.
  const facts = item as Partial<
    Record<'output_format' | 'size' | 'quality' | 'background' | 'action' | 'revised_prompt', unknown>
  >;
  return {
    itemId: item.id,
    outputIndex,
    b64,
    item,
    completed,
    source: 'responses',
    responseId,
    outputFormat: (facts.output_format ?? null) as ResponsesFinalImage['outputFormat'],
    size: (facts.size ?? null) as string | null,
    quality: (facts.quality ?? null) as ResponsesFinalImage['quality'],
    background: (facts.background ?? null) as ResponsesFinalImage['background'],
    action: (facts.action ?? null) as ResponsesFinalImage['action'],
    revisedPrompt: (facts.revised_prompt ?? null) as string | null,
    usage: null,
  };
}
