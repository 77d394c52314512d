import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { eventKind, OTHER } from '../internal/eventKind';
import { ImageStateTracker } from '../internal/ImageStateTracker';
import { MAX_ITEMS_PER_RESPONSE } from '../internal/limits';
import { OrderedStates } from '../internal/OrderedStates';
import { OperatorObserver } from '../internal/operate';
import { ResponseBoundary } from '../internal/ResponseBoundary';
import type { ImageState, ImageStreamEvent, ResponseStreamEvent } from '../types';

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
  return (source) =>
    new Observable<readonly ImageState[]>((subscriber) => {
      source.subscribe(new ImageStatesObserver(subscriber));
    });
}

/**
 * The observer behind `imageStates`, its own class as `withFinalImage`'s: `next` reads the event's kind once,
 * for the boundary and the tracker, and calls them directly.
 */
class ImageStatesObserver extends OperatorObserver<ImageStreamEvent> {
  private readonly boundary = new ResponseBoundary();
  private readonly list = new OrderedStates<ImageState>(MAX_ITEMS_PER_RESPONSE);
  private readonly images = new ImageStateTracker(
    (state) => this.list.set(state.itemId, state),
    this.boundary,
  );

  constructor(destination: Subscriber<readonly ImageState[]>) {
    super(destination);
    destination.add(() => this.clear());
  }

  next(event: ImageStreamEvent): void {
    if (this.closed) return;
    const kind = eventKind(event.type);
    if (kind === OTHER) return;
    try {
      // A new response: the list starts afresh, and what the previous one left unfinished is dropped.
      if (this.boundary.starts(event, kind)) this.clear();
      this.images.push(event, kind);
      if (this.list.changed) this.destination.next(this.list.take());
    } catch (error) {
      this.error(error);
    }
  }

  protected override end(): void {
    this.images.end();
  }

  private clear(): void {
    this.images.clear();
    this.list.clear();
  }
}
