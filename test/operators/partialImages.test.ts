import { from, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type PartialImage, partialImages, type ResponseStreamEvent } from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  imageGenerationScenario,
  SAMPLE_PNGS,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { responsesPreview } from '../support/images';
import { testScheduler } from '../support/marbles';

type Partial = Extract<ResponseStreamEvent, { type: 'response.image_generation_call.partial_image' }>;

function asPartial(event: ResponseStreamEvent): PartialImage {
  return responsesPreview(event as Partial);
}

describe('partialImages', () => {
  it('emits every preview with its item, index and bytes', () => {
    const { events } = imageGenerationScenario({ partials: 3 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      // created, in_progress, added, ig.in_progress, generating, p0 (f), p1 (g), p2 (h), completed, done, rc
      expectObservable(cold(marbles, values).pipe(partialImages())).toBe('-----fgh---|', {
        f: asPartial(values.f!),
        g: asPartial(values.g!),
        h: asPartial(values.h!),
      });
    });
  });

  it('keeps interleaved images apart', () => {
    const { events } = imageGenerationScenario({
      images: 2,
      interleave: true,
      partials: 2,
      responseId: 'resp_test',
    });
    const received: Array<[string, number]> = [];
    from(events)
      .pipe(partialImages())
      .subscribe((p) => received.push([p.itemId, p.index]));
    expect(received).toEqual([
      ['ig_0001', 0],
      ['ig_0002', 0],
      ['ig_0001', 1],
      ['ig_0002', 1],
    ]);
  });

  it('drops a preview that arrives after its image is final, and only for that image', () => {
    const e = createEventFactory();
    const [a, b] = SAMPLE_PNGS;
    const values = {
      p: e.imagePartial('ig_a', 0, 0, a!.previewB64),
      d: e.outputItemDone(e.imageCall({ id: 'ig_a', result: a!.b64 }), 0),
      q: e.imagePartial('ig_a', 0, 1, a!.previewB64),
      r: e.imagePartial('ig_b', 1, 0, b!.previewB64),
      c: e.imageCompleted('ig_b', 1),
      s: e.imagePartial('ig_b', 1, 1, b!.previewB64),
      z: e.completed(),
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('pdqrcsz|', values).pipe(partialImages())).toBe('p--r---|', {
        p: asPartial(values.p),
        r: asPartial(values.r),
      });
    });
  });

  it('passes source errors through, completes on empty, stays silent on never', () => {
    const boom = new Error('boom');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ResponseStreamEvent>('-#', undefined, boom).pipe(partialImages())).toBe(
        '-#',
        undefined,
        boom,
      );
      expectObservable(cold<ResponseStreamEvent>('|').pipe(partialImages())).toBe('|');
      expectObservable(cold<ResponseStreamEvent>('-').pipe(partialImages())).toBe('-');
    });
  });

  it('unsubscribes from the source when unsubscribed mid-stream', () => {
    const { marbles, values } = eventMarbles(imageGenerationScenario({ partials: 3 }).events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      expectObservable(source.pipe(partialImages()), '^-----!').toBe('-----f', { f: asPartial(values.f!) });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('stops a synchronous firehose cut by take', () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) => e.imagePartial('ig_1', 0, i, 'AAAA'), 100_000);
    const received: number[] = [];
    firehose.source.pipe(partialImages(), take(3)).subscribe((p) => received.push(p.index));
    expect(received).toEqual([0, 1, 2]);
    expect(firehose.produced).toBe(3);
  });
});
