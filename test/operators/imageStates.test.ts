import { from, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ImageGenerationError,
  type ImageState,
  imageStates,
  MissingImageError,
  ResponseFailedError,
  type ResponseStreamEvent,
} from '../../src/index';
import { createEventFactory, imageGenerationScenario, SAMPLE_PNGS } from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

function collect(events: ResponseStreamEvent[]) {
  const lists: (readonly ImageState[])[] = [];
  let error: unknown;
  let completed = false;
  from(events)
    .pipe(imageStates())
    .subscribe({ next: (l) => lists.push(l), error: (e) => (error = e), complete: () => (completed = true) });
  return { lists, error, completed };
}

describe('imageStates', () => {
  it('walks one image through in_progress, generating, partial n, completed', () => {
    const { events, images } = imageGenerationScenario({ partials: 2 });
    const { lists, completed } = collect(events);
    expect(completed).toBe(true);
    expect(
      lists.map((l) => l.map((s) => [s.status, s.partials, s.b64 === null ? null : s.b64.slice(0, 8)])),
    ).toEqual([
      [['in_progress', 0, null]],
      [['generating', 0, null]],
      [['partial', 1, SAMPLE_PNGS[0]!.previewB64.slice(0, 8)]],
      [['partial', 2, SAMPLE_PNGS[0]!.previewB64.slice(0, 8)]],
      [['completed', 2, SAMPLE_PNGS[0]!.b64.slice(0, 8)]],
    ]);
    const last = lists.at(-1)![0]!;
    expect(last.final).toMatchObject({ itemId: images[0]!.itemId, b64: images[0]!.b64 });
    expect(last.b64).toBe(images[0]!.b64);
  });

  it('orders images by outputIndex and keeps the identity of unchanged entries', () => {
    const e = createEventFactory();
    const [a, b] = SAMPLE_PNGS;
    const events = [
      e.outputItemAdded(e.imageCall({ id: 'ig_b', status: 'in_progress' }), 2),
      e.outputItemAdded(e.imageCall({ id: 'ig_a', status: 'in_progress' }), 1),
      e.imagePartial('ig_b', 2, 0, b!.previewB64),
      e.outputItemDone(e.imageCall({ id: 'ig_a', result: a!.b64 }), 1),
      e.completed(),
    ];
    const { lists } = collect(events);
    expect(lists.map((l) => l.map((s) => `${s.itemId}:${s.status}`))).toEqual([
      ['ig_b:in_progress'],
      ['ig_a:in_progress', 'ig_b:in_progress'],
      ['ig_a:in_progress', 'ig_b:partial'],
      ['ig_a:completed', 'ig_b:partial'],
    ]);
    // A new array each time, but an untouched entry is the same object.
    expect(lists[2]).not.toBe(lists[1]);
    expect(lists[2]![0]).toBe(lists[1]![0]);
    expect(lists[3]![1]).toBe(lists[2]![1]);
  });

  it('shows a failed image as failed with its error while the others go on', () => {
    const e = createEventFactory();
    const events = [
      e.imagePartial('ig_ok', 0, 0, SAMPLE_PNGS[0]!.previewB64),
      e.outputItemDone(
        e.imageCall({
          id: 'ig_bad',
          status: 'failed',
          error: {
            code: 'moderation_blocked',
            message: 'Blocked.',
            param: null,
            type: 'image_generation_user_error',
          },
        }),
        1,
      ),
      e.outputItemDone(e.imageCall({ id: 'ig_ok', result: SAMPLE_PNGS[0]!.b64 }), 0),
      e.completed(),
    ];
    const { lists, completed, error } = collect(events);
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    const [ok, bad] = lists.at(-1)!;
    expect(ok).toMatchObject({ itemId: 'ig_ok', status: 'completed' });
    expect(bad).toMatchObject({ itemId: 'ig_bad', status: 'failed', b64: null });
    expect(bad!.error).toBeInstanceOf(ImageGenerationError);
    expect(bad!.error).toMatchObject({ code: 'moderation_blocked' });
  });

  it('never moves an image back, and ignores previews after the final image', () => {
    const e = createEventFactory();
    const final = SAMPLE_PNGS[1]!.b64;
    const events = [
      e.imagePartial('ig_1', 0, 0, 'cHJldmlldw=='),
      e.imageGenerating('ig_1', 0),
      e.outputItemDone(e.imageCall({ id: 'ig_1', result: final }), 0),
      e.imagePartial('ig_1', 0, 1, 'bGF0ZQ=='),
      e.completed(),
    ];
    const { lists } = collect(events);
    expect(lists.map((l) => l[0]!.status)).toEqual(['partial', 'completed']);
    expect(lists.at(-1)![0]!.b64).toBe(final);
  });

  it('errors the stream on a failed response and on an image whose bytes never came', () => {
    const e = createEventFactory();
    expect(collect([e.imageGenerating('ig_1', 0), e.failed()]).error).toBeInstanceOf(ResponseFailedError);
    const missing = collect([e.imageCompleted('ig_2', 0), e.completed()]);
    expect(missing.error).toBeInstanceOf(MissingImageError);
  });

  it('emits nothing for events that change no image', () => {
    const e = createEventFactory();
    const values = {
      a: e.created(),
      t: e.textDelta('msg', 0, 'hi'),
      k: e.unknown('keepalive'),
      c: e.completed(),
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('atkc|', values).pipe(imageStates())).toBe('----|');
    });
  });

  it('passes source errors through and unsubscribes on request', () => {
    const boom = new Error('boom');
    const e = createEventFactory();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ResponseStreamEvent>('-#', undefined, boom).pipe(imageStates())).toBe(
        '-#',
        undefined,
        boom,
      );
      expectObservable(cold<ResponseStreamEvent>('-').pipe(imageStates())).toBe('-');
      const source = cold('g---|', { g: e.imageGenerating('ig_1', 0) });
      expectObservable(source.pipe(imageStates()), '^-!').toBe('g-', {
        g: [expect.objectContaining({ itemId: 'ig_1', status: 'generating' })],
      });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('stops a synchronous firehose cut by take', () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>((i) => e.imagePartial('ig_1', 0, i, 'AAAA'), 100_000);
    firehose.source.pipe(imageStates(), take(2)).subscribe();
    expect(firehose.produced).toBe(2);
  });
});
