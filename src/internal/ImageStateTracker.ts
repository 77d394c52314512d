// Internal: not part of the public API, not importable from the package.
import type {
  ResponseImageGenCallGeneratingEvent,
  ResponseImageGenCallInProgressEvent,
  ResponseOutputItemAddedEvent,
} from 'openai/resources/responses/responses';
import type { ImageGenerationError } from '../errors';
import type {
  AnyFinalImage,
  ImageGenerationCallItem,
  ImageState,
  ImageStatus,
  ImageStreamEvent,
} from '../types';
import { type EventKind, eventKind, IMAGE_PROGRESS, ITEM_ADDED, OTHER } from './eventKind';
import { isImageCall } from './events';
import { FinalImageMatcher, type FinalImageSink } from './FinalImageMatcher';
import { MAX_ITEMS_PER_RESPONSE } from './limits';
import { PreviewGate } from './PreviewGate';

/**
 * The state of each image of one response, fed one event at a time: what `imageStates()` lists and what
 * `itemStates()` shows for image generation calls. Each image goes `in_progress` → `generating` → `partial`
 * (previews through the {@link PreviewGate}: each once, never an older one) → `completed` (the final bytes,
 * paired by the {@link FinalImageMatcher}) or `failed`; a late progress event never moves an image back. Every
 * change is reported to `onChange` with the image's new state (a new object; unchanged images keep theirs).
 *
 * Holds each image's latest state (its latest preview or final bytes): bounded by the images of a response.
 */
export class ImageStateTracker implements FinalImageSink {
  private readonly states = new Map<string, ImageState>();
  private readonly gate = new PreviewGate();
  private readonly matcher: FinalImageMatcher;

  constructor(
    private readonly onChange: (state: ImageState) => void,
    response: { readonly responseId: string | null } | null = null,
  ) {
    this.matcher = new FinalImageMatcher(this, response);
  }

  /**
   * Feeds one event; throws the typed error for a failed response (and `MissingImageError` at its end).
   * `kind` is the event's kind, when the caller has read it already (see `eventKind`).
   */
  push(event: ImageStreamEvent, kind: EventKind = eventKind(event.type)): void {
    switch (kind) {
      case OTHER:
        return;
      case ITEM_ADDED: {
        const { item, output_index } = event as ResponseOutputItemAddedEvent;
        if (isImageCall(item))
          this.setStatus(item.id, output_index, item.status === 'generating' ? 'generating' : 'in_progress');
        break;
      }
      case IMAGE_PROGRESS: {
        const progress = event as ResponseImageGenCallInProgressEvent | ResponseImageGenCallGeneratingEvent;
        const status =
          progress.type === 'response.image_generation_call.generating' ? 'generating' : 'in_progress';
        this.setStatus(progress.item_id, progress.output_index, status);
        break;
      }
    }
    const preview = this.gate.preview(event, kind);
    if (preview) {
      const partials = (this.states.get(preview.itemId)?.partials ?? 0) + 1;
      this.update(preview.itemId, preview.outputIndex, { status: 'partial', partials, b64: preview.b64 });
    }
    this.matcher.push(event, kind);
  }

  /** The matcher's sink: an image's final bytes. */
  final(image: AnyFinalImage): void {
    this.update(image.itemId, image.outputIndex, { status: 'completed', b64: image.b64, final: image });
  }

  /** The matcher's sink: an image whose item failed shows as `failed`, while the others go on. */
  failed(error: ImageGenerationError, item: ImageGenerationCallItem): void {
    this.update(item.id, error.outputIndex, { status: 'failed', error });
  }

  /** The stream ended: throws `MissingImageError` for an image announced whose bytes never came. */
  end(): void {
    this.matcher.end();
  }

  clear(): void {
    this.gate.clear();
    this.matcher.clear();
    this.states.clear();
  }

  private update(itemId: string, outputIndex: number, patch: Partial<ImageState>): void {
    const previous = this.states.get(itemId);
    if (previous?.final || previous?.status === 'failed') return;
    if (!previous && this.states.size >= MAX_ITEMS_PER_RESPONSE) return;
    const next: ImageState = previous
      ? { ...previous, ...patch }
      : { itemId, outputIndex, status: 'in_progress', partials: 0, b64: null, final: null, ...patch };
    this.states.set(itemId, next);
    this.onChange(next);
  }

  private setStatus(itemId: string, outputIndex: number, status: ImageStatus): void {
    const previous = this.states.get(itemId);
    // A late progress event never moves an image back (e.g. `generating` after a preview).
    if (previous && RANK[previous.status] >= RANK[status]) return;
    this.update(itemId, outputIndex, { status });
  }
}

const RANK: Record<ImageStatus, number> = {
  in_progress: 0,
  generating: 1,
  partial: 2,
  completed: 3,
  failed: 3,
};
