// Internal: not part of the public API, not importable from the package.
import type {
  ResponseCompletedEvent,
  ResponseImageGenCallCompletedEvent,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
} from 'openai/resources/responses/responses';
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
  ImagesApiCompletedEvent,
  ImagesApiStreamEvent,
  ResponseStreamEvent,
  ResponsesFinalImage,
} from '../types';
import {
  type EventKind,
  eventKind,
  IMAGE_COMPLETED,
  IMAGE_PARTIAL,
  IMAGE_PROGRESS,
  IMAGES_API_COMPLETED,
  IMAGES_API_PARTIAL,
  ITEM_ADDED,
  ITEM_DONE,
  OTHER,
  RESPONSE_COMPLETED,
  RESPONSE_FAILED,
  STREAM_ERROR,
} from './eventKind';
import { failureOf, isImageCall } from './events';
import { ImagesApiImageId, imagesApiFinalImage } from './imagesApi';
import { MAX_ITEMS_PER_RESPONSE } from './limits';

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

/** The mark of an image emitted or failed: its late or repeated events are ignored. */
const SETTLED = 0;

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
  /**
   * Every image of the response by item id: pending (announced, its bytes not come yet) or {@link SETTLED}.
   * One map, so that an event costs one lookup; iterated in the order images were announced. Made at the
   * first image: a response without images (most of a chat's) costs no map.
   */
  private images: Map<string, PendingImage | typeof SETTLED> | null = null;
  /** How many of {@link images} are pending: {@link end} looks only when some are. */
  private pendingCount = 0;
  /** The id of the current Images API stream's image. */
  private readonly imagesApiId = new ImagesApiImageId();

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
   * Feeds one event; throws the typed error for `error`, `response.failed` and `response.incomplete`. `kind`
   * is the event's kind, when the caller has read it already (see `eventKind`).
   */
  push(event: ImageStreamEvent, kind: EventKind = eventKind(event.type)): void {
    switch (kind) {
      case OTHER:
        return;
      case ITEM_ADDED: {
        const { item, output_index: outputIndex } = event as ResponseOutputItemAddedEvent;
        if (isImageCall(item)) this.announce(item.id, outputIndex);
        return;
      }
      case IMAGE_PROGRESS:
      case IMAGE_PARTIAL: {
        const progress = event as { item_id: string; output_index: number };
        this.announce(progress.item_id, progress.output_index);
        return;
      }
      case IMAGE_COMPLETED: {
        const completed = event as ResponseImageGenCallCompletedEvent;
        const pending = this.announce(completed.item_id, completed.output_index);
        if (pending) pending.completed = completed;
        return;
      }
      case ITEM_DONE: {
        const { item, output_index: outputIndex } = event as ResponseOutputItemDoneEvent;
        if (isImageCall(item)) this.settle(item, outputIndex);
        return;
      }
      case RESPONSE_COMPLETED: {
        // Bytes that never came on `output_item.done` are taken from the final response: its last chance.
        const output = (event as ResponseCompletedEvent).response?.output ?? [];
        for (let index = 0; index < output.length; index++) {
          const item = output[index];
          if (isImageCall(item)) this.settle(item, index);
        }
        this.end();
        return;
      }
      case STREAM_ERROR:
      case RESPONSE_FAILED:
        throw failureOf(event as ResponseStreamEvent);
      case IMAGES_API_PARTIAL:
        // A preview announces the stream's image.
        this.announce(this.imagesApiId.of(event as ImagesApiStreamEvent), 0);
        return;
      case IMAGES_API_COMPLETED: {
        // The completion event carries the stream's image.
        const itemId = this.imagesApiId.of(event as ImagesApiStreamEvent);
        const entry = this.images?.get(itemId);
        if (entry === SETTLED) return;
        this.markSettled(itemId, entry);
        this.sink.final(imagesApiFinalImage(event as ImagesApiCompletedEvent, itemId));
        return;
      }
    }
  }

  /**
   * The response or the stream ended: throws `MissingImageError` for the first image announced whose bytes
   * never came. Runs at `response.completed` (after its output was read) and when the stream completes.
   */
  end(): void {
    if (this.pendingCount === 0 || this.images === null) return;
    for (const [itemId, entry] of this.images)
      if (entry !== SETTLED) throw new MissingImageError(itemId, entry.outputIndex);
  }

  /** Forgets everything (at a new response, and on complete, error or unsubscribe). */
  clear(): void {
    this.images = null;
    this.pendingCount = 0;
    this.imagesApiId.clear();
  }

  /** Records an image as pending, unless it is settled; returns its pending record, or `null` if settled. */
  private announce(itemId: string, outputIndex: number): PendingImage | null {
    const entry = this.images?.get(itemId);
    if (entry !== undefined) return entry === SETTLED ? null : entry;
    this.track();
    const pending: PendingImage = { outputIndex, completed: null };
    this.imageMap().set(itemId, pending);
    this.pendingCount++;
    return pending;
  }

  private settle(item: ImageGenerationCallItem, outputIndex: number): void {
    const itemId = item.id;
    const entry = this.images?.get(itemId);
    if (entry === SETTLED) return;
    if (item.status === 'failed') {
      this.markSettled(itemId, entry);
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
    this.markSettled(itemId, entry);
    this.sink.final(
      responsesFinalImage(
        item,
        outputIndex,
        b64,
        entry?.completed ?? null,
        this.response?.responseId ?? null,
      ),
    );
  }

  /** Marks an image settled; `entry` is what the map held for it (`undefined`: a new image, which counts). */
  private markSettled(itemId: string, entry: PendingImage | undefined): void {
    if (entry === undefined) this.track();
    else this.pendingCount--;
    this.imageMap().set(itemId, SETTLED);
  }

  /** {@link images}, made at the first image. */
  private imageMap(): Map<string, PendingImage | typeof SETTLED> {
    this.images ??= new Map();
    return this.images;
  }

  private track(): void {
    if (this.images !== null && this.images.size >= MAX_ITEMS_PER_RESPONSE) {
      throw new RxOpenAIError(
        `More than ${MAX_ITEMS_PER_RESPONSE} images in one response: refusing to track more.`,
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
