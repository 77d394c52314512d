import { concatWith, NEVER, type OperatorFunction } from 'rxjs';
import { base64ToBytes } from '../images/bytes';
import { imageMimeType, sniffImageMimeType } from '../images/mimeType';
import { operate } from '../internal/operate';
import type { ImageState } from '../types';

/** An {@link ImageState} with an object URL for its latest bytes. Emitted (as a list) by `objectUrls()`. */
export interface ImageStateWithUrl extends ImageState {
  /** A `blob:` URL of `b64` (the latest preview, then the final image), or `null` before any bytes. */
  readonly url: string | null;
}

/** Options of {@link objectUrls}. */
export interface ObjectUrlsOptions {
  /**
   * Keep the last URLs valid after the source completes, until you unsubscribe: the output does not complete
   * with the source (default `true`). A UI shows the last images after the stream ends, and the browser loads
   * an `<img src>` after change detection, so revoking at completion would break the final image. With
   * `false`, the output completes with the source and every URL is revoked then.
   */
  readonly holdAfterComplete?: boolean;
  /** Creates a URL for a blob; `URL.createObjectURL` by default (injectable for tests and odd runtimes). */
  readonly createObjectURL?: (blob: Blob) => string;
  /** Revokes a URL; `URL.revokeObjectURL` by default. */
  readonly revokeObjectURL?: (url: string) => void;
}

/** What is held for one image: its bytes' URL and the last state in and out, to keep identities. */
interface Held {
  readonly b64: string | null;
  readonly url: string | null;
  readonly input: ImageState;
  readonly output: ImageStateWithUrl;
}

/**
 * Gives every image of `imageStates()` an object URL for `<img src>`, and manages their lifetime: a new
 * preview or the final image gets a new URL, and the image's previous URL is revoked once the list with the
 * new one has been emitted (never before: an `<img>` may still be loading the old one); an image that leaves
 * the list has its URL revoked the same way; and on unsubscribe (or error) every URL still held is revoked,
 * so a long-lived UI leaks no blobs.
 *
 * The blob's type comes from the final item's `output_format`, else from the bytes themselves (previews
 * carry no format), else `image/png`. Entries whose bytes did not change keep their identity (and URL), so
 * `OnPush` components and signals re-render only what changed. By default the output stays open after the
 * source completes, keeping the last URLs valid until you unsubscribe (see
 * {@link ObjectUrlsOptions.holdAfterComplete}); `toSignal`, `async` and `switchMap` unsubscribe for you.
 *
 * ```
 * states:  --[a:p1]--[a:p2]--[a:final]--|
 * result:  --[a:u1]--[a:u2]--[a:u3]-----    (u1 revoked after [a:u2] is out, u2 after [a:u3], u3 on unsubscribe)
 * ```
 *
 * @example
 * ```ts
 * import { toSignal } from '@angular/core/rxjs-interop';
 * import { fromServerSentEvents, imageStates, objectUrls } from 'rxjs-openai';
 *
 * readonly images = toSignal(
 *   fromServerSentEvents((signal) => fetch('/api/images', { method: 'POST', body, signal }))
 *     .pipe(imageStates(), objectUrls()),
 *   { initialValue: [] },
 * );
 * // template: @for (image of images(); track image.itemId) { <img [src]="image.url"> }
 * ```
 *
 * @param options Whether to hold the URLs after completion, and the URL functions to use.
 * @return An operator from lists of image states to the same lists with a `url` on each.
 * @see imageStates
 */
export function objectUrls(
  options: ObjectUrlsOptions = {},
): OperatorFunction<readonly ImageState[], readonly ImageStateWithUrl[]> {
  const withUrls = operate<readonly ImageState[], readonly ImageStateWithUrl[]>((subscriber) => {
    const create = options.createObjectURL ?? ((blob: Blob) => URL.createObjectURL(blob));
    const revoke = options.revokeObjectURL ?? ((url: string) => URL.revokeObjectURL(url));
    let held = new Map<string, Held>();

    const urlFor = (state: ImageState & { b64: string }): string => {
      const bytes = base64ToBytes(state.b64);
      const format = state.final?.item.output_format;
      const type = format ? imageMimeType(format) : (sniffImageMimeType(bytes) ?? 'image/png');
      return create(new Blob([bytes], { type }));
    };

    return {
      next(states) {
        const next = new Map<string, Held>();
        const created: string[] = [];
        try {
          for (const state of states) {
            if (next.has(state.itemId)) continue; // a duplicate id: the first entry wins
            const previous = held.get(state.itemId);
            let entry: Held;
            if (previous?.input === state) entry = previous;
            else if (previous && previous.b64 === state.b64) {
              entry = { ...previous, input: state, output: { ...state, url: previous.url } };
            } else {
              const url = state.b64 === null ? null : urlFor(state as ImageState & { b64: string });
              if (url !== null) created.push(url);
              entry = { b64: state.b64, url, input: state, output: { ...state, url } };
            }
            next.set(state.itemId, entry);
          }
        } catch (error) {
          // A URL made for this list but never emitted is revoked with it; the held ones go on teardown.
          for (const url of created) revoke(url);
          throw error;
        }
        const kept = new Set<string | null>();
        for (const entry of next.values()) kept.add(entry.url);
        const replaced: string[] = [];
        for (const entry of held.values())
          if (entry.url !== null && !kept.has(entry.url)) replaced.push(entry.url);
        held = next;
        subscriber.next(states.map((state) => (next.get(state.itemId) as Held).output));
        // Only now: until the list that replaces them is out, the page still shows (and may be loading) them.
        for (const url of replaced) revoke(url);
      },
      teardown() {
        const urls = [...held.values()].map((entry) => entry.url);
        held = new Map();
        for (const url of urls) if (url !== null) revoke(url);
      },
    };
  });
  return (source) =>
    (options.holdAfterComplete === false ? source : source.pipe(concatWith(NEVER))).pipe(withUrls);
}
