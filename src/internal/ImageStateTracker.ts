// Internal: not part of the public API, not importable from the package.
import type { ImageState, ImageStatus, ImageStreamEvent } from '../types';
import { isImageCall } from './events';
import { FinalImageMatcher, MAX_IMAGES_PER_RESPONSE } from './FinalImageMatcher';
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
export class ImageStateTracker {
  private readonly states = new Map<string, ImageState>();
  private readonly gate = new PreviewGate();
  private readonly matcher: FinalImageMatcher;

  constructor(
    private readonly onChange: (state: ImageState) => void,
    response: { readonly responseId: string | null } | null = null,
  ) {
    this.matcher = new FinalImageMatcher(
      {
        final: (image) =>
          this.update(image.itemId, image.outputIndex, { status: 'completed', b64: image.b64, final: image }),
        failed: (error, item) => this.update(item.id, error.outputIndex, { status: 'failed', error }),
      },
      response,
    );
  }

  /** Feeds one event; throws the typed error for a failed response (and `MissingImageError` at its end). */
  push(event: ImageStreamEvent): void {
    switch (event.type) {
      case 'response.output_item.added':
        if (isImageCall(event.item)) {
          const status = event.item.status === 'generating' ? 'generating' : 'in_progress';
          this.setStatus(event.item.id, event.output_index, status);
        }
        break;
      case 'response.image_generation_call.in_progress':
        this.setStatus(event.item_id, event.output_index, 'in_progress');
        break;
      case 'response.image_generation_call.generating':
        this.setStatus(event.item_id, event.output_index, 'generating');
        break;
    }
    const preview = this.gate.preview(event);
    if (preview) {
      const partials = (this.states.get(preview.itemId)?.partials ?? 0) + 1;
      this.update(preview.itemId, preview.outputIndex, { status: 'partial', partials, b64: preview.b64 });
    }
    this.matcher.push(event);
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
    if (!previous && this.states.size >= MAX_IMAGES_PER_RESPONSE) return;
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
