import type { ImageState } from '../types';

/**
 * An `ImageState` for tests of code that renders `imageStates()` (progress lines, templates): an image
 * `in_progress` with no preview yet (`ig_1`, output 0), with `overrides` applied.
 *
 * @example
 * ```ts
 * import { imageState } from 'rxjs-openai/testing';
 *
 * expect(progressLine(imageState({ status: 'partial', partials: 2 }))).toBe('image 1: preview 2');
 * ```
 *
 * @param overrides The fields to set.
 * @return A new `ImageState`.
 */
export function imageState(overrides: Partial<ImageState> = {}): ImageState {
  return {
    itemId: 'ig_1',
    outputIndex: 0,
    status: 'in_progress',
    partials: 0,
    b64: null,
    final: null,
    ...overrides,
  };
}
