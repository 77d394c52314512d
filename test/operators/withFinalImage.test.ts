import { from, of, take, tap, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type FinalImage,
  ImageGenerationError,
  MissingImageError,
  ResponseFailedError,
  ResponseIncompleteError,
  ResponseStreamError,
  type ResponseStreamEvent,
  withFinalImage,
} from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  imageGenerationScenario,
  SAMPLE_PNGS,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { responsesFinal } from '../support/images';
import { testScheduler } from '../support/marbles';

type Done = Extract<ResponseStreamEvent, { type: 'response.output_item.done' }>;
type Completed = Extract<ResponseStreamEvent, { type: 'response.image_generation_call.completed' }>;

/** The FinalImage the operator should emit for an item, built from the scenario's own events. */
function expectedImage(events: ResponseStreamEvent[], itemId: string, withCompleted: boolean): FinalImage {
  const done = events.find(
    (e): e is Done => e.type === 'response.output_item.done' && 'id' in e.item && e.item.id === itemId,
  );
  const completed = events.find(
    (e): e is Completed => e.type === 'response.image_generation_call.completed' && e.item_id === itemId,
  );
  if (done?.item.type !== 'image_generation_call' || !done.item.result) throw new Error('no bytes');
  const created = events.find((e) => e.type === 'response.created');
  return responsesFinal(
    done.item,
    done.output_index,
    withCompleted ? (completed ?? null) : null,
    created?.type === 'response.created' ? created.response.id : null,
  );
}

describe('withFinalImage', () => {
  it('emits the image at its output_item.done, with the completion event that came before (the API order)', () => {
    const { events, images } = imageGenerationScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    expect(marbles).toBe('abcdefghij|');
    testScheduler().run(({ cold, expectObservable }) => {
      // created, in_progress, added, ig.in_progress, generating, p0, p1, ig.completed, item.done (i), completed
      expectObservable(cold(marbles, values).pipe(withFinalImage())).toBe('--------i-|', {
        i: expectedImage(events, images[0]!.itemId, true),
      });
    });
  });

  it('emits as soon as the bytes come first, with completed: null, and ignores the late completion event', () => {
    const { events, images } = imageGenerationScenario({ order: 'item-first', partials: 1 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      // ... p0 (f), item.done (g), ig.completed (h), response.completed (i)
      expectObservable(cold(marbles, values).pipe(withFinalImage())).toBe('------g--|', {
        g: expectedImage(events, images[0]!.itemId, false),
      });
    });
  });

  it('never holds an image back when the completion event is missing', () => {
    const { events, images } = imageGenerationScenario({ order: 'no-completed-event', partials: 0 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(withFinalImage())).toBe('-----f-|', {
        f: expectedImage(events, images[0]!.itemId, false),
      });
    });
  });

  it("takes bytes that never came on output_item.done from response.completed's output", () => {
    const { events } = imageGenerationScenario({ order: 'bytes-in-response-completed', partials: 0 });
    const { marbles, values } = eventMarbles(events);
    const last = events.at(-1);
    if (last?.type !== 'response.completed') throw new Error('scenario must end with response.completed');
    const item = last.response.output[0];
    if (item?.type !== 'image_generation_call') throw new Error('no image item');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(withFinalImage())).toBe('-------h|', {
        h: responsesFinal(
          item,
          0,
          events.find((e) => e.type === 'response.image_generation_call.completed') as Completed,
          last.response.id,
        ),
      });
    });
  });

  it('pairs interleaved images by item id and emits them in the order they become final', () => {
    const e = createEventFactory();
    const [a, b, c] = SAMPLE_PNGS;
    const events = [
      e.created(),
      e.imageCompleted('ig_b', 1),
      e.imageCompleted('ig_a', 0),
      e.outputItemDone(e.imageCall({ id: 'ig_a', result: a!.b64 }), 0),
      e.outputItemDone(e.imageCall({ id: 'ig_c', result: c!.b64 }), 2),
      e.outputItemDone(e.imageCall({ id: 'ig_b', result: b!.b64 }), 1),
      e.imageCompleted('ig_c', 2),
      e.completed(),
    ];
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(
        cold(marbles, values).pipe(withFinalImage()),
        // Compare the essentials: which image, which bytes, paired with which completion event.
      ).toBe('---def--|', {
        d: expect.objectContaining({ itemId: 'ig_a', b64: a!.b64, completed: events[2] }),
        e: expect.objectContaining({ itemId: 'ig_c', b64: c!.b64, outputIndex: 2, completed: null }),
        f: expect.objectContaining({ itemId: 'ig_b', b64: b!.b64, completed: events[1] }),
      });
    });
  });

  it('emits each image once, even when its output item is repeated in output_item.done and response.completed', () => {
    const { events, images } = imageGenerationScenario({ images: 2, interleave: true, partials: 3 });
    const duplicated = events.flatMap((event): ResponseStreamEvent[] =>
      event.type === 'response.output_item.done' ? [event, event] : [event],
    );
    const received: FinalImage[] = [];
    from(duplicated)
      .pipe(withFinalImage())
      .subscribe((image) => received.push(image));
    expect(received.map((i) => [i.itemId, i.b64])).toEqual(images.map((i) => [i.itemId, i.b64]));
  });

  it('treats a non-null result as final even when status still says generating', () => {
    const e = createEventFactory();
    const item = e.imageCall({ id: 'ig_1', status: 'generating', result: SAMPLE_PNGS[1]!.b64 });
    const received: FinalImage[] = [];
    from([e.outputItemDone(item, 0), e.completed()])
      .pipe(withFinalImage())
      .subscribe((i) => received.push(i));
    expect(received).toEqual([responsesFinal(item, 0)]);
  });

  it('ignores unknown event types and text events', () => {
    const e = createEventFactory();
    const item = e.imageCall({ id: 'ig_1', result: SAMPLE_PNGS[0]!.b64 });
    const values = {
      k: e.unknown('keepalive'),
      t: e.textDelta('msg_1', 0, 'hi'),
      d: e.outputItemDone(item, 1),
      x: e.unknown('response.something_new', { item_id: 'ig_1' }),
      c: e.completed(),
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ktdxc|', values).pipe(withFinalImage())).toBe('--d--|', {
        d: responsesFinal(item, 1),
      });
    });
  });

  it('errors with ImageGenerationError (item id, code, message) for a failed item', () => {
    const e = createEventFactory();
    const failed = e.imageCall({
      id: 'ig_bad',
      status: 'failed',
      error: {
        code: 'moderation_blocked',
        message: 'Blocked by moderation.',
        param: null,
        type: 'image_generation_user_error',
      },
    });
    const values = { a: e.created(), d: e.outputItemDone(failed, 0), c: e.completed() };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('adc|', values).pipe(withFinalImage())).toBe(
        '-#',
        undefined,
        new ImageGenerationError('ig_bad', 0, 'moderation_blocked', 'Blocked by moderation.', {
          type: 'image_generation_user_error',
        }),
      );
    });
    let error: unknown;
    from(Object.values(values))
      .pipe(withFinalImage())
      .subscribe({ error: (err) => (error = err) });
    expect(error).toBeInstanceOf(ImageGenerationError);
    expect(error).toMatchObject({
      name: 'ImageGenerationError',
      itemId: 'ig_bad',
      code: 'moderation_blocked',
    });
  });

  it.each([
    ['response.failed', (e: ReturnType<typeof createEventFactory>) => e.failed(), ResponseFailedError],
    [
      'response.incomplete',
      (e: ReturnType<typeof createEventFactory>) => e.incomplete('content_filter'),
      ResponseIncompleteError,
    ],
    [
      'a flat error event',
      (e: ReturnType<typeof createEventFactory>) => e.error('Overloaded', 'server_is_overloaded'),
      ResponseStreamError,
    ],
  ])('turns %s into its typed error', (_name, make, ErrorClass) => {
    const e = createEventFactory();
    const events = [e.created(), make(e)];
    let error: unknown;
    let completed = false;
    from(events)
      .pipe(withFinalImage())
      .subscribe({ error: (err) => (error = err), complete: () => (completed = true) });
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as Error).name).toBe(ErrorClass.name);
  });

  it('reads a nested error event ({ error: { code, message } }) too', () => {
    const nested = {
      type: 'error',
      sequence_number: 3,
      error: { code: 'rate_limit_exceeded', message: 'Slow down' },
    };
    let error: unknown;
    of(nested as unknown as ResponseStreamEvent)
      .pipe(withFinalImage())
      .subscribe({ error: (err) => (error = err) });
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      sequenceNumber: 3,
      message: expect.stringContaining('Slow down'),
    });
  });

  it("errors with MissingImageError at response.completed when a completion event's bytes never came", () => {
    const e = createEventFactory();
    const values = { a: e.created(), c: e.imageCompleted('ig_lost', 2), z: e.completed() };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('acz|', values).pipe(withFinalImage())).toBe(
        '--#',
        undefined,
        new MissingImageError('ig_lost', 2),
      );
    });
  });

  it('errors with MissingImageError when an item is done without bytes and response.completed has none either', () => {
    const e = createEventFactory();
    const events = [e.outputItemDone(e.imageCall({ id: 'ig_empty', result: null }), 0), e.completed()];
    let error: unknown;
    from(events)
      .pipe(withFinalImage())
      .subscribe({ error: (err) => (error = err) });
    expect(error).toBeInstanceOf(MissingImageError);
    expect(error).toMatchObject({ itemId: 'ig_empty', outputIndex: 0 });
  });

  it('passes a source error through unchanged', () => {
    const boom = new Error('socket hang up');
    testScheduler().run(({ cold, expectObservable }) => {
      const e = createEventFactory();
      expectObservable(cold<ResponseStreamEvent>('a#', { a: e.created() }, boom).pipe(withFinalImage())).toBe(
        '-#',
        undefined,
        boom,
      );
    });
  });

  it('completes on an empty source and stays silent on a never-ending one', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ResponseStreamEvent>('|').pipe(withFinalImage())).toBe('|');
      expectObservable(cold<ResponseStreamEvent>('-').pipe(withFinalImage())).toBe('-');
    });
  });

  it('unsubscribes from the source when the subscriber unsubscribes mid-stream', () => {
    const { events } = imageGenerationScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(marbles, values);
      expectObservable(source.pipe(withFinalImage()), '^----!').toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('stops a synchronous firehose as soon as take() has what it needs', () => {
    const e = createEventFactory();
    const firehose = syncFirehose<ResponseStreamEvent>(
      (i) => e.outputItemDone(e.imageCall({ id: `ig_${i}`, result: 'AAAA' }), i),
      1_000_000,
    );
    const received: string[] = [];
    firehose.source.pipe(withFinalImage(), take(2)).subscribe((image) => received.push(image.itemId));
    expect(received).toEqual(['ig_0', 'ig_1']);
    expect(firehose.produced).toBe(2);
  });

  it('keeps state per subscription, so one operator instance can be reused', () => {
    const operator = withFinalImage();
    const e = createEventFactory();
    const events = [
      e.imageCompleted('ig_1', 0),
      e.outputItemDone(e.imageCall({ id: 'ig_1', result: 'QQ==' }), 0),
      e.completed(),
    ];
    const first: string[] = [];
    const second: string[] = [];
    from(events)
      .pipe(operator)
      .subscribe((i) => first.push(i.itemId));
    from(events)
      .pipe(operator)
      .subscribe((i) => second.push(i.itemId));
    expect(first).toEqual(['ig_1']);
    expect(second).toEqual(['ig_1']);
  });

  it('does not swallow errors thrown by a downstream operator', () => {
    const { events } = imageGenerationScenario();
    const failure = new Error('consumer bug');
    let error: unknown;
    from(events)
      .pipe(
        withFinalImage(),
        tap(() => {
          throw failure;
        }),
      )
      .subscribe({ error: (err) => (error = err) });
    expect(error).toBe(failure);
  });

  it('errors on a source that errors before any event', () => {
    let error: unknown;
    throwError(() => new TypeError('fetch failed'))
      .pipe(withFinalImage())
      .subscribe({ error: (err) => (error = err) });
    expect(error).toBeInstanceOf(TypeError);
  });
});
