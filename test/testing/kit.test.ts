import { PNG } from 'pngjs';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ResponseStreamEvent, streamResponse, withFinalImage } from '../../src/index';
import {
  createEventFactory,
  eventMarbles,
  fakeResponsesClient,
  imageGenerationEvents,
  imageGenerationScenario,
  imageState,
  SAMPLE_PNGS,
} from '../../src/testing/index';

const types = (events: ResponseStreamEvent[]) => events.map((e) => e.type);

describe('createEventFactory', () => {
  it('numbers events in creation order from the start number', () => {
    const e = createEventFactory({ startSequenceNumber: 10 });
    const events = [e.created(), e.imageCompleted('ig_1', 0), e.unknown('keepalive'), e.completed()];
    expect(events.map((ev) => ev.sequence_number)).toEqual([10, 11, 12, 13]);
    expect(e.nextSequenceNumber).toBe(14);
  });

  it('builds events with the fields the SDK types require', () => {
    const e = createEventFactory({ responseId: 'resp_42' });
    expect(e.completed()).toMatchObject({
      type: 'response.completed',
      response: { id: 'resp_42', status: 'completed' },
    });
    expect(e.failed().response.error).toMatchObject({ code: 'server_error' });
    expect(e.incomplete('content_filter').response.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(e.error('nope', 'bad')).toMatchObject({
      type: 'error',
      code: 'bad',
      message: 'nope',
      param: null,
    });
    expect(e.imageCall({ id: 'ig_1' })).toMatchObject({
      type: 'image_generation_call',
      id: 'ig_1',
      output_format: 'png',
    });
  });
});

describe('SAMPLE_PNGS', () => {
  it('are real, distinct PNG images with smaller previews', () => {
    const decoded = SAMPLE_PNGS.map((s) => ({
      final: PNG.sync.read(Buffer.from(s.b64, 'base64')),
      preview: PNG.sync.read(Buffer.from(s.previewB64, 'base64')),
    }));
    for (const { final, preview } of decoded) {
      expect([final.width, final.height]).toEqual([16, 16]);
      expect([preview.width, preview.height]).toEqual([4, 4]);
    }
    expect(new Set(SAMPLE_PNGS.map((s) => s.b64)).size).toBe(SAMPLE_PNGS.length);
  });
});

describe('imageGenerationEvents', () => {
  it('produces the realistic sequence for one image by default', () => {
    expect(types(imageGenerationEvents())).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.image_generation_call.in_progress',
      'response.image_generation_call.generating',
      'response.image_generation_call.partial_image',
      'response.image_generation_call.partial_image',
      'response.image_generation_call.completed',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('numbers the sequence consecutively and puts every image in the final response', () => {
    const { events, images } = imageGenerationScenario({ images: 3, interleave: true, partials: 1 });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const last = events.at(-1)!;
    expect(last.type).toBe('response.completed');
    if (last.type !== 'response.completed') return;
    expect(last.response.output.map((item) => ('result' in item ? item.result : null))).toEqual(
      images.map((i) => i.b64),
    );
  });

  it('interleaves images round-robin', () => {
    const events = imageGenerationEvents({
      images: 2,
      interleave: true,
      partials: 0,
      responseId: 'resp_pinned',
    });
    const ids = events.flatMap((e) =>
      'item_id' in e ? [e.item_id] : 'item' in e && 'id' in e.item ? [e.item.id] : [],
    );
    expect(ids.slice(0, 4)).toEqual(['ig_0001', 'ig_0002', 'ig_0001', 'ig_0002']);
  });

  it('gives each scenario ids of its own unless pinned: concatenated scenarios are distinct responses', () => {
    const first = imageGenerationScenario({ images: 1, text: 'one' });
    const second = imageGenerationScenario({ images: 1, text: 'two' });
    const idOf = (events: readonly ResponseStreamEvent[]) =>
      (events[0] as Extract<ResponseStreamEvent, { type: 'response.created' }>).response.id;
    expect(idOf(first.events)).not.toBe(idOf(second.events));
    expect(first.images[0]!.itemId).not.toBe(second.images[0]!.itemId);
    const pinned = imageGenerationScenario({ images: 1, responseId: 'resp_x' });
    expect([idOf(pinned.events), pinned.images[0]!.itemId]).toEqual(['resp_x', 'ig_0001']);
  });

  it('marks the response background: true when asked, so that resumable() can resume it', () => {
    const { events } = imageGenerationScenario({ images: 1, background: true });
    const lifecycle = events.filter((e) => 'response' in e) as { response: { background?: boolean } }[];
    expect(lifecycle.length).toBeGreaterThan(1);
    expect(lifecycle.every((e) => e.response.background === true)).toBe(true);
    const plain = imageGenerationScenario({ images: 1 });
    expect((plain.events[0] as { response: { background?: boolean } }).response.background).toBeUndefined();
  });

  it('imageCall() is a finished item with a PNG result by default, as documented, so its TSDoc example works', async () => {
    const e = createEventFactory();
    const item = e.imageCall({ id: 'ig_1' });
    expect(Buffer.from(item.result!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(e.imageCall({ id: 'ig_2', status: 'in_progress' }).result).toBeNull();
    // The TSDoc example of createEventFactory:
    const events = [
      e.created(),
      e.imageCompleted('ig_1', 0),
      e.outputItemDone(e.imageCall({ id: 'ig_1' }), 0),
      e.completed(),
    ];
    const images = await lastValueFrom(from(events).pipe(withFinalImage(), toArray()));
    expect(images.map((i) => i.itemId)).toEqual(['ig_1']);
  });

  it.each([
    ['completed-first', ['response.image_generation_call.completed', 'response.output_item.done']],
    ['item-first', ['response.output_item.done', 'response.image_generation_call.completed']],
    ['no-completed-event', ['response.output_item.done']],
  ] as const)('orders the final events %s', (order, tail) => {
    const events = imageGenerationEvents({ order, partials: 0 });
    expect(types(events.slice(5, -1))).toEqual(tail);
  });

  it('can keep the bytes for response.completed only', () => {
    const events = imageGenerationEvents({ order: 'bytes-in-response-completed' });
    const done = events.find((e) => e.type === 'response.output_item.done');
    expect(done && 'item' in done && 'result' in done.item ? done.item.result : 'missing').toBeNull();
  });

  it('adds a streamed text message before the images', () => {
    const { events, images } = imageGenerationScenario({ text: 'Here is your image.' });
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('Here is your image.');
    expect(images[0]!.outputIndex).toBe(1);
  });
});

describe('eventMarbles', () => {
  it('gives one letter per event and the end marker', () => {
    const events = imageGenerationEvents({ partials: 0 });
    const { marbles, values } = eventMarbles(events, { end: '#' });
    expect(marbles).toBe('abcdefgh#');
    expect(values.a).toBe(events[0]);
    expect(() => eventMarbles(new Array(63).fill(events[0]))).toThrow(RangeError);
  });
});

describe('fakeResponsesClient', () => {
  const params = { model: 'gpt-5', input: 'x' };

  it('serves an array, an async iterable and an Observable alike', async () => {
    const { events, images } = imageGenerationScenario({ images: 2 });
    async function* iterable() {
      yield* events;
    }
    const subject = new Subject<ResponseStreamEvent>();
    for (const source of [events, iterable(), subject]) {
      const client = fakeResponsesClient(source);
      const done = lastValueFrom(streamResponse(client, params).pipe(withFinalImage(), toArray()));
      if (source === subject) {
        for (const event of events) subject.next(event);
        subject.complete();
      }
      const received = await done;
      expect(received.map((i) => i.b64)).toEqual(images.map((i) => i.b64));
    }
  });

  it('can be awaited like the SDK: an async iterable with a controller', async () => {
    const events = imageGenerationEvents();
    const client = fakeResponsesClient(from(events));
    const stream = await client.responses.create({ ...params, stream: true });
    const received: ResponseStreamEvent[] = [];
    for await (const event of stream) received.push(event);
    expect(received).toEqual(events);
    expect(stream.controller).toBeInstanceOf(AbortController);
  });

  it('records params per call and serves per call from a function', async () => {
    const e = createEventFactory();
    const client = fakeResponsesClient((p, call) => [
      e.created({ model: `${p.model}#${call}` }),
      e.completed(),
    ]);
    const first = await lastValueFrom(streamResponse(client, { ...params, model: 'a' }).pipe(toArray()));
    await lastValueFrom(streamResponse(client, { ...params, model: 'b' }).pipe(toArray()));
    expect(client.calls.map((c) => c.params.model)).toEqual(['a', 'b']);
    expect(first[0]).toMatchObject({ response: { model: 'a#0' } });
  });

  it('records an abort when the subscriber leaves early', () => {
    const client = fakeResponsesClient(new Subject<ResponseStreamEvent>());
    streamResponse(client, params).subscribe().unsubscribe();
    expect(client.calls[0]!.aborted).toBe(true);
  });
});

describe('imageState', () => {
  it('is an in-progress image without bytes, with the overrides applied, new each time', () => {
    expect(imageState()).toEqual({
      itemId: 'ig_1',
      outputIndex: 0,
      status: 'in_progress',
      partials: 0,
      b64: null,
      final: null,
    });
    expect(imageState({ itemId: 'ig_2', status: 'partial', partials: 2 })).toMatchObject({
      itemId: 'ig_2',
      status: 'partial',
      partials: 2,
      b64: null,
    });
    expect(imageState()).not.toBe(imageState());
  });
});
