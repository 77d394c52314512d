import { from, take } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type FinalImage,
  ImageGenerationError,
  MissingImageError,
  type PartialImage,
  partialAndFinalImages,
  type ResponseStreamEvent,
} from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  imageGenerationScenario,
  SAMPLE_PNGS,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { responsesFinal, responsesPreview } from '../support/images';
import { testScheduler } from '../support/marbles';

const e = createEventFactory();
const [a, b] = SAMPLE_PNGS;

describe('partialAndFinalImages', () => {
  it('emits the previews, then the final image, at the events that carry them; drops a late preview', () => {
    const item = e.imageCall({ id: 'ig_a', result: a!.b64 });
    const values = {
      p: e.imagePartial('ig_a', 0, 0, a!.previewB64),
      q: e.imagePartial('ig_a', 0, 1, a!.previewB64),
      c: e.imageCompleted('ig_a', 0),
      l: e.imagePartial('ig_a', 0, 2, a!.previewB64),
      d: e.outputItemDone(item, 0),
      z: e.completed(),
    };
    const preview = (index: 0 | 1): PartialImage => responsesPreview(index === 0 ? values.p : values.q);
    const final: FinalImage = responsesFinal(item, 0, values.c);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('pqcldz|', values).pipe(partialAndFinalImages())).toBe('pq--F-|', {
        p: preview(0),
        q: preview(1),
        F: final,
      });
    });
  });

  it('keeps interleaved images apart, in the order their events come', () => {
    const { events, images } = imageGenerationScenario({
      images: 2,
      interleave: true,
      partials: 1,
      responseId: 'resp_test',
    });
    const received: string[] = [];
    from(events)
      .pipe(partialAndFinalImages())
      .subscribe((image) => received.push(`${'item' in image ? 'final' : 'preview'}:${image.itemId}`));
    expect(received).toEqual(['preview:ig_0001', 'preview:ig_0002', 'final:ig_0001', 'final:ig_0002']);
    const finals: string[] = [];
    from(events)
      .pipe(partialAndFinalImages())
      .subscribe((image) => 'item' in image && finals.push(image.b64));
    expect(finals).toEqual(images.map((image) => image.b64));
  });

  it('errors like withFinalImage: a failed item, or bytes that never came', () => {
    const failed = e.outputItemDone(e.imageCall({ id: 'ig_x', status: 'failed', result: null }), 0);
    const errors: unknown[] = [];
    from([e.imagePartial('ig_x', 0, 0, b!.previewB64), failed, e.completed()])
      .pipe(partialAndFinalImages())
      .subscribe({ error: (error) => errors.push(error) });
    from([e.imageCompleted('ig_y', 0), e.completed()])
      .pipe(partialAndFinalImages())
      .subscribe({ error: (error) => errors.push(error) });
    expect(errors[0]).toBeInstanceOf(ImageGenerationError);
    expect(errors[1]).toBeInstanceOf(MissingImageError);
  });

  it('unsubscribes from the source when unsubscribed mid-stream', () => {
    const { marbles, values } = eventMarbles(imageGenerationScenario({ partials: 3 }).events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      // created, in_progress, added, ig.in_progress, generating, p0 (f): unsubscribed right after it.
      expectObservable(source.pipe(partialAndFinalImages()), '^-----!').toBe('-----f', {
        f: expect.objectContaining({ index: 0 }),
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('stops a synchronous firehose cut by take', () => {
    const firehose = syncFirehose<ResponseStreamEvent>((i) => e.imagePartial('ig_1', 0, i, 'AAAA'), 100_000);
    const received: number[] = [];
    firehose.source
      .pipe(partialAndFinalImages(), take(3))
      .subscribe((p) => received.push('index' in p ? p.index : -1));
    expect(received).toEqual([0, 1, 2]);
    expect(firehose.produced).toBe(3);
  });

  it('narrows with `in`: a FinalImage has its item, a PartialImage its event', () => {
    from([] as ResponseStreamEvent[])
      .pipe(partialAndFinalImages())
      .subscribe((image) => {
        if ('item' in image) expectTypeOf(image).toEqualTypeOf<FinalImage>();
        else expectTypeOf(image).toEqualTypeOf<PartialImage>();
      });
  });
});
