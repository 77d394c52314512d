import type { OperatorFunction } from 'rxjs';
import { isImageCall } from '../internal/events';
import { FinalImageMatcher, MAX_IMAGES_PER_RESPONSE } from '../internal/FinalImageMatcher';
import { operatePerResponse } from '../internal/operate';
import { PreviewGate } from '../internal/PreviewGate';
import type { ImageState, ImageStatus, ImageStreamEvent, ResponseStreamEvent } from '../types';

/**
 * Emits the state of every image of the response, for UIs: a new array, ordered by `outputIndex`, each time
 * an image changes. Entries that did not change keep their identity, so `OnPush` components and signals
 * re-render only what changed.
 *
 * Each image goes `in_progress` → `generating` → `partial` (with `partials` counting previews and `b64`
 * the latest) → `completed` (`b64` and `final` the final image). Previews follow `partialImages()`'s rules:
 * a duplicated or older preview is neither shown nor counted. An image whose item failed shows as `failed`
 * with its `error` while the others go on; a failed response (`error`, `response.failed`,
 * `response.incomplete`) errors the stream, and so does an image announced whose bytes never came before
 * the stream ended (`MissingImageError`): no image is left showing a preview forever.
 *
 * State belongs to a response: when a stream carries several (`concatMap` over prompts, `repeat()`,
 * `retry()` upstream), the list starts afresh with each response (the next list emitted holds only the new
 * response's images), and an abandoned response (a new `response.created` before its terminal event) is
 * dropped, so a retried attempt never leaves an image `in_progress`.
 *
 * The Images API's streams (`streamImageGeneration`, `streamImageEdit`) give the same states, of the one
 * image of each stream: it appears with its first preview (`partial`; the API sends nothing before it), then
 * `completed`, under the id `withFinalImage` gives it, with `final.source === 'images'`. The list's type is the
 * same for both APIs, so a UI switches endpoints without other changes.
 *
 * Memory: the list holds each image's latest bytes (its final image once known), so it grows with the number
 * of images of the current response (about one final image each), never with the number of previews. For a
 * response's final images alone, `withFinalImage()` keeps nothing.
 *
 * ```
 * source:  --added--generating--partial--done--completed|
 * result:  --[ip]---[gen]-------[p1]-----[ok]-----------|
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { imageStates, streamResponse } from 'rxjs-openai';
 *
 * readonly images = toSignal(streamResponse(client, params).pipe(imageStates()), { initialValue: [] });
 * // template: @for (image of images(); track image.itemId) { <img [src]="'data:image/png;base64,' + image.b64"> }
 *
 * // The Images API: the same list, the same template.
 * readonly generated = toSignal(streamImageGeneration(client, { prompt, partial_images: 2 }).pipe(imageStates()), { initialValue: [] });
 * ```
 *
 * @return An operator from the response's events to the list of its images' states.
 * @see withFinalImage
 */
export function imageStates<E extends ImageStreamEvent = ResponseStreamEvent>(): OperatorFunction<
  E,
  readonly ImageState[]
> {
  return operatePerResponse<readonly ImageState[], E>((subscriber, response) => {
    const byId = new Map<string, ImageState>();
    let list: ImageState[] = [];
    let changed = false;

    const update = (itemId: string, outputIndex: number, patch: Partial<ImageState>) => {
      const previous = byId.get(itemId);
      if (previous?.final || previous?.status === 'failed') return;
      if (!previous && byId.size >= MAX_IMAGES_PER_RESPONSE) return;
      const next: ImageState = previous
        ? { ...previous, ...patch }
        : { itemId, outputIndex, status: 'in_progress', partials: 0, b64: null, final: null, ...patch };
      byId.set(itemId, next);
      list = previous ? replaceEntry(list, previous, next) : insertByOutputIndex(list, next);
      changed = true;
    };
    const setStatus = (itemId: string, outputIndex: number, status: ImageStatus) => {
      const previous = byId.get(itemId);
      // A late progress event never moves an image back (e.g. `generating` after a preview).
      if (previous && rank(previous.status) >= rank(status)) return;
      update(itemId, outputIndex, { status });
    };

    const gate = new PreviewGate();
    const matcher = new FinalImageMatcher(
      {
        final: (image) =>
          update(image.itemId, image.outputIndex, { status: 'completed', b64: image.b64, final: image }),
        failed: (error, item) => update(item.id, error.outputIndex, { status: 'failed', error }),
      },
      response,
    );

    return {
      next(event: ImageStreamEvent) {
        switch (event.type) {
          case 'response.output_item.added':
            if (isImageCall(event.item)) {
              const status = event.item.status === 'generating' ? 'generating' : 'in_progress';
              setStatus(event.item.id, event.output_index, status);
            }
            break;
          case 'response.image_generation_call.in_progress':
            setStatus(event.item_id, event.output_index, 'in_progress');
            break;
          case 'response.image_generation_call.generating':
            setStatus(event.item_id, event.output_index, 'generating');
            break;
        }
        const preview = gate.preview(event);
        if (preview) {
          const partials = (byId.get(preview.itemId)?.partials ?? 0) + 1;
          update(preview.itemId, preview.outputIndex, { status: 'partial', partials, b64: preview.b64 });
        }
        matcher.push(event);
        if (changed) {
          changed = false;
          subscriber.next(list);
        }
      },
      complete: () => matcher.end(),
      teardown: () => {
        gate.clear();
        matcher.clear();
        byId.clear();
        list = [];
      },
    };
  });
}

const order: Record<ImageStatus, number> = {
  in_progress: 0,
  generating: 1,
  partial: 2,
  completed: 3,
  failed: 3,
};
function rank(status: ImageStatus): number {
  return order[status];
}

/** A copy of `list` with `previous` replaced by `next` (a copy and one store: cheaper than `map`). */
function replaceEntry(list: readonly ImageState[], previous: ImageState, next: ImageState): ImageState[] {
  const copy = list.slice();
  copy[copy.indexOf(previous)] = next;
  return copy;
}

function insertByOutputIndex(list: readonly ImageState[], state: ImageState): ImageState[] {
  let at = list.length;
  while (at > 0 && (list[at - 1] as ImageState).outputIndex > state.outputIndex) at--;
  return [...list.slice(0, at), state, ...list.slice(at)];
}
