// Bugs the generated cases found, each kept as a plain example so that it stays fixed.
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { partialImages } from '../../src/index';
import { createEventFactory } from '../../src/testing/index';

describe('regressions found by the property tests', () => {
  it('partialImages drops a preview that comes after response.completed listed its image (no completion event, no output_item.done before)', async () => {
    // Shrunk from a generated case: response.completed moved before the image's other events. The image is
    // final once response.completed lists it with its bytes, so a later preview must not be emitted: a UI
    // would show it in place of the final image.
    const e = createEventFactory();
    const image = e.imageCall({ id: 'ig_1', result: 'RklOQUw=' });
    const early = e.imagePartial('ig_1', 0, 0, 'UFJFVg==');
    const events = [
      e.created(),
      early,
      e.completed({ output: [image] }),
      e.imagePartial('ig_1', 0, 1, 'TEFURQ=='),
    ];
    const previews = await lastValueFrom(from(events).pipe(partialImages(), toArray()));
    expect(previews.map((p) => p.event)).toEqual([early]);
  });
});
