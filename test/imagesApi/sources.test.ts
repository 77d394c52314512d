// streamImageGeneration and streamImageEdit with the testing kit's fake client: the sources' contracts, in
// virtual time where time matters. (Through the real client over HTTP: imagesApi/integration.test.ts.)
import { APIError, APIUserAbortError } from 'openai/core/error';
import { lastValueFrom, retry, Subject, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type ImagesApiStreamEvent,
  StreamIdleError,
  streamImageEdit,
  streamImageGeneration,
  TruncatedStreamError,
  UnsupportedImageCountError,
  withFinalImage,
} from '../../src/index';
import {
  createImagesApiEventFactory,
  eventMarbles,
  fakeImagesClient,
  imagesApiScenario,
  SAMPLE_PNGS,
} from '../../src/testing/index';
import { testScheduler } from '../support/marbles';

const generate = { model: 'gpt-image-1.5', prompt: 'A lighthouse at dawn', partial_images: 2 };
const png = (name: string) =>
  new File([Buffer.from(SAMPLE_PNGS[0]!.b64, 'base64')], name, { type: 'image/png' });

describe('streamImageGeneration', () => {
  it('is lazy and cold: one images.generate per subscription, with stream: true, the options and a signal', async () => {
    const client = fakeImagesClient(imagesApiScenario().events);
    const images$ = streamImageGeneration(client, generate, { timeout: 5000 }).pipe(withFinalImage());
    expect(client.calls).toHaveLength(0);
    await lastValueFrom(images$);
    await lastValueFrom(images$);
    expect(client.calls.map((call) => call.method)).toEqual(['generate', 'generate']);
    expect(client.calls[0]!.params).toEqual({ ...generate, stream: true });
    expect(client.calls[0]!.options).toMatchObject({ timeout: 5000, signal: expect.any(AbortSignal) });
    expect(client.calls[0]!.options).not.toHaveProperty('idleTimeout');
    expect(client.calls[0]!.aborted).toBe(false);
  });

  it('emits the events as served and completes after image_generation.completed (virtual time)', () => {
    const { events } = imagesApiScenario({ partials: 2 });
    const { marbles, values } = eventMarbles(events);
    expect(marbles).toBe('abc|');
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c|', values);
      expectObservable(streamImageGeneration(fakeImagesClient(source), generate)).toBe('a-b-c|', values);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('aborts the request at once on unsubscribe, silently', () => {
    const { values } = eventMarbles(imagesApiScenario({ partials: 2 }).events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const source = cold('a-b-c|', values);
      const client = fakeImagesClient(source);
      expectObservable(streamImageGeneration(client, generate), '^--!').toBe('a-b', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
      flush();
      expect(client.calls[0]!.aborted).toBe(true);
    });
  });

  it('errors with TruncatedStreamError when the stream ends without its completion event', async () => {
    const { events } = imagesApiScenario({ partials: 2, end: 'truncated' });
    const error = await lastValueFrom(streamImageGeneration(fakeImagesClient(events), generate)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as TruncatedStreamError).eventCount).toBe(2);
    // The Images API's events carry no sequence number.
    expect((error as TruncatedStreamError).lastSequenceNumber).toBeNull();
  });

  it('an empty stream is a cut too; one that ends with its completion event is whole', async () => {
    await expect(lastValueFrom(streamImageGeneration(fakeImagesClient([]), generate))).rejects.toBeInstanceOf(
      TruncatedStreamError,
    );
    const only = createImagesApiEventFactory().completed(SAMPLE_PNGS[1]!.b64);
    expect(
      await lastValueFrom(streamImageGeneration(fakeImagesClient([only]), generate).pipe(toArray())),
    ).toEqual([only]);
  });

  it('errors with StreamIdleError after idleTimeout ms without an event, and stops the request', () => {
    const { values } = eventMarbles(imagesApiScenario({ partials: 2 }).events);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold('a 9ms b', values);
      const client = fakeImagesClient(() => upstream);
      expectObservable(streamImageGeneration(client, generate, { idleTimeout: 100 })).toBe(
        'a 9ms b 99ms #',
        values,
        new StreamIdleError(100, 2, null),
      );
      // The fake's Observable is the request: unsubscribed at the error (the real client's is aborted).
      expectSubscriptions(upstream.subscriptions).toBe('^ 109ms !');
    });
  });

  it("errors with the SDK's APIUserAbortError on the caller's own signal, and aborts the request", async () => {
    const events$ = new Subject<ImagesApiStreamEvent>();
    const client = fakeImagesClient(events$);
    const caller = new AbortController();
    const received: ImagesApiStreamEvent[] = [];
    const done = lastValueFrom(
      streamImageGeneration(client, generate, { signal: caller.signal }).pipe(tap((e) => received.push(e))),
    );
    events$.next(createImagesApiEventFactory().partial(0, SAMPLE_PNGS[0]!.previewB64));
    caller.abort();
    await expect(done).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toHaveLength(1);
    expect(client.calls[0]!.aborted).toBe(true);
    expect(client.calls[0]!.options?.signal).not.toBe(caller.signal);
  });

  it('a signal already aborted errors before anything is sent', async () => {
    const client = fakeImagesClient(imagesApiScenario().events);
    const caller = new AbortController();
    caller.abort();
    await expect(
      lastValueFrom(streamImageGeneration(client, generate, { signal: caller.signal })),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(client.calls).toHaveLength(0);
  });

  it("passes the SDK's APIError of a refused request through unchanged", async () => {
    const refused = new APIError(400, { code: 'moderation_blocked', message: 'No.' }, 'No.', new Headers());
    const client = fakeImagesClient(imagesApiScenario().events);
    client.images.generate = () => Promise.reject(refused);
    await expect(lastValueFrom(streamImageGeneration(client, generate))).rejects.toBe(refused);
  });

  it('re-sends the request on retry', async () => {
    const full = imagesApiScenario({ partials: 1 }).events;
    const client = fakeImagesClient((_method, _params, call) => (call === 0 ? full.slice(0, 1) : full));
    const events = await lastValueFrom(streamImageGeneration(client, generate).pipe(retry(1), toArray()));
    expect(client.calls).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
  });

  it('refuses n > 1 at subscription with UnsupportedImageCountError, before any request', async () => {
    const client = fakeImagesClient(imagesApiScenario().events);
    const images$ = streamImageGeneration(client, { ...generate, n: 3 });
    expect(client.calls).toHaveLength(0);
    const error = await lastValueFrom(images$).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedImageCountError);
    expect((error as UnsupportedImageCountError).n).toBe(3);
    expect((error as Error).message).toMatch(/do not say which image they belong to/);
    expect(client.calls).toHaveLength(0);
    // n: 1 (and null) stream as usual.
    await lastValueFrom(streamImageGeneration(client, { ...generate, n: 1 }));
    await lastValueFrom(streamImageGeneration(client, { ...generate, n: null }));
    expect(client.calls).toHaveLength(2);
  });

  it('stops a synchronous firehose as soon as take() has what it needs', () => {
    const e = createImagesApiEventFactory();
    const events = Array.from({ length: 10_000 }, (_, i) => e.partial(i, SAMPLE_PNGS[0]!.previewB64));
    const client = fakeImagesClient(events);
    let seen = 0;
    streamImageGeneration(client, generate)
      .pipe(
        tap(() => seen++),
        take(3),
      )
      .subscribe();
    expect(seen).toBe(3);
    expect(client.calls[0]!.aborted).toBe(true);
  });
});

describe('streamImageEdit', () => {
  it('hands images.edit the files as given (the SDK uploads them), with stream: true', async () => {
    const image = png('room.png');
    const mask = png('mask.png');
    const { events } = imagesApiScenario({ kind: 'edit', partials: 1 });
    const client = fakeImagesClient(events);
    const [final] = await lastValueFrom(
      streamImageEdit(client, { model: 'gpt-image-1.5', image, mask, prompt: 'Add a fireplace' }).pipe(
        withFinalImage(),
        toArray(),
      ),
    );
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]!.method).toBe('edit');
    const params = client.calls[0]!.params as { image: File; mask: File; stream: boolean };
    expect(params.image).toBe(image);
    expect(params.mask).toBe(mask);
    expect(params.stream).toBe(true);
    expect(final).toMatchObject({ source: 'images', action: 'edit', b64: SAMPLE_PNGS[0]!.b64 });
  });

  it('follows the same contracts: a cut is TruncatedStreamError, n > 1 is refused before any request', async () => {
    const image = png('in.png');
    const cut = fakeImagesClient(imagesApiScenario({ kind: 'edit', end: 'truncated' }).events);
    await expect(lastValueFrom(streamImageEdit(cut, { image, prompt: 'x' }))).rejects.toBeInstanceOf(
      TruncatedStreamError,
    );
    const many = fakeImagesClient(imagesApiScenario({ kind: 'edit' }).events);
    await expect(lastValueFrom(streamImageEdit(many, { image, prompt: 'x', n: 2 }))).rejects.toBeInstanceOf(
      UnsupportedImageCountError,
    );
    expect(many.calls).toHaveLength(0);
  });
});
