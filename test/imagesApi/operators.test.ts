// The image operators on the Images API's events: the same operators, the same shapes, state per stream.
import { concat, from, merge, type Observable, of, share, take, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type AnyFinalImage,
  ImageGenerationError,
  type ImageState,
  type ImageStreamEvent,
  type ImagesApiFinalImage,
  type ImagesApiPartialImage,
  imageModerationOf,
  imageStates,
  MissingImageError,
  objectUrls,
  partialAndFinalImages,
  partialImages,
  ResponseStreamError,
  withFinalImage,
} from '../../src/index';
import {
  createImagesApiEventFactory,
  eventMarbles,
  imageGenerationScenario,
  imagesApiScenario,
  moderatedImageGenerationEvents,
  SAMPLE_IMAGE_USAGE,
  SAMPLE_PNGS,
} from '../../src/testing/index';
import { syncFirehose } from '../support/firehose';
import { testScheduler } from '../support/marbles';

const [coral, teal, gold] = SAMPLE_PNGS;
const collect = <T>(events$: Observable<T>): T[] => {
  const out: T[] = [];
  events$.subscribe({ next: (value) => out.push(value), error: (error: unknown) => out.push(error as T) });
  return out;
};

describe('withFinalImage on the Images API', () => {
  it('emits the completion event’s image with the fields of a Responses image, under a derived id', () => {
    const { events, image } = imagesApiScenario({ partials: 2, image: teal!.b64, outputFormat: 'webp' });
    const { marbles, values } = eventMarbles(events);
    const completed = events[2]!;
    if (completed.type !== 'image_generation.completed') throw new Error('scenario');
    const expected: ImagesApiFinalImage = {
      source: 'images',
      itemId: image.itemId,
      outputIndex: 0,
      b64: teal!.b64,
      item: {
        type: 'image_generation_call',
        id: image.itemId,
        status: 'completed',
        result: teal!.b64,
        action: 'generate',
        output_format: 'webp',
        size: '1024x1024',
        quality: 'medium',
        background: 'opaque',
        revised_prompt: null,
      },
      completed: null,
      event: completed,
      responseId: null,
      outputFormat: 'webp',
      size: '1024x1024',
      quality: 'medium',
      background: 'opaque',
      action: 'generate',
      revisedPrompt: null,
      usage: SAMPLE_IMAGE_USAGE,
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(marbles, values).pipe(withFinalImage())).toBe('--c|', { c: expected });
    });
    expect(image.itemId).toMatch(/^img_[0-9a-z]+_0$/);
  });

  it('says `edit` for an edit, and derives the id from the stream’s first event', () => {
    const edit = imagesApiScenario({ kind: 'edit', partials: 1 });
    const [final] = collect(from(edit.events).pipe(withFinalImage()));
    expect(final).toMatchObject({ action: 'edit', itemId: edit.image.itemId });
    expect((final as ImagesApiFinalImage).event.type).toBe('image_edit.completed');
    // Another stream (other bytes, or another time) has another id; the same stream always the same one.
    const other = imagesApiScenario({ kind: 'edit', partials: 1, previews: () => gold!.previewB64 });
    const later = imagesApiScenario({ kind: 'edit', partials: 1, createdAt: 1_764_000_001 });
    expect(new Set([edit.image.itemId, other.image.itemId, later.image.itemId]).size).toBe(3);
    expect(imagesApiScenario({ kind: 'edit', partials: 1 }).image.itemId).toBe(edit.image.itemId);
  });

  it('gives the same id in every operator of a shared stream (they see the same first event)', () => {
    const { events, image } = imagesApiScenario({ partials: 2 });
    const events$ = from(events).pipe(share());
    const ids: string[] = [];
    merge(
      events$.pipe(partialImages()),
      events$.pipe(withFinalImage()),
      events$.pipe(imageStates(), take(1)),
    ).subscribe((value) =>
      ids.push(Array.isArray(value) ? value[0]!.itemId : (value as { itemId: string }).itemId),
    );
    expect(ids).toEqual([image.itemId, image.itemId, image.itemId, image.itemId]);
  });

  it('emits each stream’s image when a subscription carries several (concatMap, repeat)', () => {
    const first = imagesApiScenario({ partials: 1, image: coral!.b64 });
    const second = imagesApiScenario({ partials: 1, image: teal!.b64, createdAt: 1_764_000_100 });
    const finals = collect(from([...first.events, ...second.events]).pipe(withFinalImage()));
    expect(finals.map((f) => [f.itemId, f.b64])).toEqual([
      [first.image.itemId, coral!.b64],
      [second.image.itemId, teal!.b64],
    ]);
  });

  it('drops a stream abandoned by a retry (its previews started again from 0), never reporting it missing', () => {
    const cut = imagesApiScenario({ partials: 2, end: 'truncated', previews: () => gold!.previewB64 });
    const retried = imagesApiScenario({ partials: 2, image: teal!.b64, createdAt: 1_764_000_200 });
    const finals = collect(from([...cut.events, ...retried.events]).pipe(withFinalImage()));
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ itemId: retried.image.itemId, b64: teal!.b64 });
  });

  it('errors with MissingImageError when the stream ends after a preview without its final image', () => {
    const { events, image } = imagesApiScenario({ partials: 2, end: 'truncated' });
    const [error] = collect(from(events).pipe(withFinalImage()));
    expect(error).toBeInstanceOf(MissingImageError);
    expect(error).toMatchObject({ itemId: image.itemId, outputIndex: 0 });
  });

  it('a moderation block in the stream (an `error` event) is ResponseStreamError, with its details readable', () => {
    const { events } = imagesApiScenario({
      partials: 1,
      end: 'moderation',
      moderationCategories: ['violence'],
    });
    const [error] = collect(from(events).pipe(withFinalImage()));
    expect(error).toBeInstanceOf(ResponseStreamError);
    expect((error as unknown as ResponseStreamError).code).toBe('moderation_blocked');
    expect(imageModerationOf(error)).toEqual({
      message: expect.stringContaining('safety_violations=[violence]'),
      categories: ['violence'],
      stage: 'output',
    });
  });

  it('passes a source error through, completes on empty, stays silent on never, and is reusable', () => {
    const boom = new Error('boom');
    const { events } = imagesApiScenario({ partials: 1 });
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold<ImageStreamEvent>('a#', { a: events[0]! }, boom).pipe(withFinalImage())).toBe(
        '-#',
        undefined,
        boom,
      );
      expectObservable(cold<ImageStreamEvent>('|').pipe(withFinalImage())).toBe('|');
      const never = cold<ImageStreamEvent>('-');
      expectObservable(never.pipe(withFinalImage()), '^--!').toBe('-');
      expectSubscriptions(never.subscriptions).toBe('^--!');
    });
    const operator = withFinalImage<ImageStreamEvent>();
    expect(collect(from(events).pipe(operator))).toHaveLength(1);
    expect(collect(from(events).pipe(operator))).toHaveLength(1);
  });
});

describe('partialImages and partialAndFinalImages on the Images API', () => {
  it('emits each preview once, newest last, and none after the final image', () => {
    const e = createImagesApiEventFactory();
    const values = {
      p: e.partial(0, coral!.previewB64),
      q: e.partial(1, teal!.previewB64),
      d: e.partial(1, teal!.previewB64), // a duplicate
      c: e.completed(gold!.b64),
      l: e.partial(2, gold!.previewB64), // after the final image
    };
    testScheduler().run(({ cold, expectObservable }) => {
      const previews$ = cold('pqdcl|', values).pipe(partialImages());
      expectObservable(previews$).toBe('pq---|', {
        p: expect.objectContaining({ index: 0, b64: coral!.previewB64, source: 'images', event: values.p }),
        q: expect.objectContaining({
          index: 1,
          b64: teal!.previewB64,
          outputFormat: 'png',
          size: '1024x1024',
        }),
      });
    });
  });

  it('builds the whole preview shape', () => {
    const { events, image } = imagesApiScenario({
      partials: 1,
      kind: 'edit',
      quality: 'high',
      background: 'transparent',
    });
    const [preview] = collect(from(events).pipe(partialImages()));
    const expected: ImagesApiPartialImage = {
      source: 'images',
      itemId: image.itemId,
      outputIndex: 0,
      index: 0,
      b64: image.partials[0]!,
      event: events[0] as ImagesApiPartialImage['event'],
      outputFormat: 'png',
      size: '1024x1024',
      quality: 'high',
      background: 'transparent',
    };
    expect(preview).toEqual(expected);
  });

  it('partialAndFinalImages gives both in order, told apart by `item`', () => {
    const { events, image } = imagesApiScenario({ partials: 2 });
    const out = collect(from(events).pipe(partialAndFinalImages()));
    expect(
      out.map((value) => ('item' in value ? `final:${value.itemId}` : `preview ${value.index}`)),
    ).toEqual(['preview 0', 'preview 1', `final:${image.itemId}`]);
  });

  it('stops a synchronous firehose of previews cut by take', () => {
    const e = createImagesApiEventFactory();
    const firehose = syncFirehose((i) => e.partial(i, coral!.previewB64) as ImageStreamEvent);
    const received = collect(firehose.source.pipe(partialAndFinalImages(), take(2)));
    expect(received).toHaveLength(2);
    expect(firehose.produced).toBe(2);
  });
});

describe('imageStates on the Images API', () => {
  const progress = (lists: (readonly ImageState[])[]) =>
    lists.map((list) => list.map((s) => `${s.status}:${s.partials}`).join());

  it('shows the image from its first preview to its final image, then starts afresh with the next stream', () => {
    const first = imagesApiScenario({ partials: 2 });
    const second = imagesApiScenario({ partials: 0, image: teal!.b64, createdAt: 1_764_000_300 });
    const lists = collect(from([...first.events, ...second.events]).pipe(imageStates()));
    expect(progress(lists)).toEqual(['partial:1', 'partial:2', 'completed:2', 'completed:0']);
    expect(lists[2]![0]!.final).toMatchObject({ source: 'images', itemId: first.image.itemId });
    expect(lists[3]!.map((s) => s.itemId)).toEqual([second.image.itemId]);
  });

  it('keeps the identity of an unchanged list entry… and gives objectUrls the format of the final image', () => {
    const { events } = imagesApiScenario({ partials: 1, outputFormat: 'webp' });
    const types: string[] = [];
    const urls = collect(
      from(events).pipe(
        imageStates(),
        objectUrls({
          holdAfterComplete: false,
          createObjectURL: (blob) => {
            types.push(blob.type);
            return `blob:${types.length}`;
          },
          revokeObjectURL: () => undefined,
        }),
      ),
    );
    // The preview's type is sniffed from its bytes (PNG); the final image's is its output_format.
    expect(types).toEqual(['image/png', 'image/webp']);
    expect(urls.at(-1)![0]!.url).toBe('blob:2');
  });

  it('errors on a moderation block, and on a stream that ends with a preview only', () => {
    const blocked = collect(from(imagesApiScenario({ end: 'moderation' }).events).pipe(imageStates()));
    expect(blocked.at(-1)).toBeInstanceOf(ResponseStreamError);
    const cut = collect(from(imagesApiScenario({ end: 'truncated' }).events).pipe(imageStates()));
    expect(cut.at(-1)).toBeInstanceOf(MissingImageError);
  });

  it('an Images API stream after a Responses API response (or before) is a response of its own', () => {
    const responses = imageGenerationScenario({ partials: 1, responseId: 'resp_mixed' });
    const images = imagesApiScenario({ partials: 1, image: teal!.b64 });
    const finals = collect(
      concat(from(responses.events as ImageStreamEvent[]), from(images.events), from(responses.events)).pipe(
        withFinalImage(),
      ),
    );
    expect(finals.map((f) => [(f as AnyFinalImage).source, f.itemId])).toEqual([
      ['responses', responses.images[0]!.itemId],
      ['images', images.image.itemId],
      ['responses', responses.images[0]!.itemId],
    ]);
    const lists = collect(
      concat(from(responses.events as ImageStreamEvent[]), from(images.events)).pipe(imageStates()),
    );
    expect(lists.at(-1)!.map((s) => s.itemId)).toEqual([images.image.itemId]);
  });
});

describe('the Responses API’s moderation block', () => {
  it('is ImageGenerationError with the item’s moderation details; imageStates shows the image failed', () => {
    const events = moderatedImageGenerationEvents({
      partials: 1,
      moderationCategories: ['sexual', 'violence'],
    });
    const [error] = collect(from(events).pipe(withFinalImage()));
    expect(error).toBeInstanceOf(ImageGenerationError);
    expect(error).toMatchObject({
      code: 'moderation_blocked',
      type: 'image_generation_user_error',
      moderationDetails: { categories: ['sexual', 'violence'], moderation_stage: 'output' },
    });
    expect(imageModerationOf(error)).toMatchObject({ categories: ['sexual', 'violence'], stage: 'output' });
    const lists = collect(from(events).pipe(imageStates()));
    expect(lists.at(-1)![0]).toMatchObject({ status: 'failed', error: expect.any(ImageGenerationError) });
  });

  it('imageModerationOf reads the SDK’s APIError of an HTTP 400, and is null for other errors', () => {
    const http = Object.assign(new Error('400 Your request was rejected. safety_violations=[self-harm].'), {
      status: 400,
      code: 'moderation_blocked',
      error: {
        code: 'moderation_blocked',
        message: 'Your request was rejected. safety_violations=[self-harm].',
      },
    });
    expect(imageModerationOf(http)).toEqual({
      message: 'Your request was rejected. safety_violations=[self-harm].',
      categories: ['self-harm'],
      stage: 'unknown',
    });
    expect(imageModerationOf(new ImageGenerationError('ig_1', 0, 'server_error', 'No.'))).toBeNull();
    expect(imageModerationOf('moderation_blocked')).toBeNull();
    expect(collect(throwError(() => new Error('x')))).toHaveLength(1);
  });
});

describe('the same UI code for both APIs', () => {
  it('one progress function reads either API’s image states', () => {
    const line = (list: readonly ImageState[]) =>
      list.map((s) => `${s.status}:${s.final?.item.output_format ?? '-'}`).join();
    const viaResponses = collect(from(imageGenerationScenario({ partials: 1 }).events).pipe(imageStates()));
    const viaImages = collect(from(imagesApiScenario({ partials: 1 }).events).pipe(imageStates()));
    expect(viaResponses.map(line).at(-1)).toBe('completed:png');
    expect(viaImages.map(line).at(-1)).toBe('completed:png');
    expect(collect(of(...viaImages).pipe(toArray()))[0]).toHaveLength(viaImages.length);
  });
});
