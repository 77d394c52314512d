// State belongs to a response: every stateful operator, on streams that carry several responses (a batch
// through concatMap, repeat(), retry() before the operators), and the caller's signal through every one.
import { APIUserAbortError } from 'openai/core/error';
import {
  concatMap,
  from,
  lastValueFrom,
  type OperatorFunction,
  range,
  retry,
  Subject,
  tap,
  toArray,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  finalResponse,
  imageStates,
  outputText,
  partialAndFinalImages,
  partialImages,
  type ResponseStreamEvent,
  responseSnapshots,
  resumable,
  streamResponse,
  TruncatedStreamError,
  withFinalImage,
} from '../../src/index';
import { fakeResponsesClient, imageGenerationScenario } from '../../src/testing/index';

const params = { model: 'gpt-5', input: 'A fox', tools: [{ type: 'image_generation' as const }] };

/** A one-image response whose ids are the same in every response (as a kit user's fixtures often are). */
function oneImageResponse(n: number, options: { text?: string } = {}) {
  return imageGenerationScenario({
    images: [`aW1hZ2Ut${n}`],
    partials: 1,
    responseId: `resp_${n}`,
    ...options,
  });
}

describe('state per response: a batch of 5,000 one-image responses through concatMap', () => {
  const count = 5_000;
  const batch = () => range(0, count).pipe(concatMap((n) => from(oneImageResponse(n).events)));

  it('withFinalImage emits 5,000 images (the 4,096 cap counts per response), each once', async () => {
    const images = await lastValueFrom(batch().pipe(withFinalImage(), toArray()));
    expect(images).toHaveLength(count);
    expect(images.map((i) => i.b64)).toEqual(Array.from({ length: count }, (_, n) => `aW1hZ2Ut${n}`));
  });

  it('partialAndFinalImages emits 5,000 previews and 5,000 images', async () => {
    const out = await lastValueFrom(batch().pipe(partialAndFinalImages(), toArray()));
    expect(out.filter((v) => 'item' in v)).toHaveLength(count);
    expect(out.filter((v) => !('item' in v))).toHaveLength(count);
  });

  it('partialImages emits every response’s preview, though the item id repeats', async () => {
    expect(await lastValueFrom(batch().pipe(partialImages(), toArray()))).toHaveLength(count);
  });

  it('imageStates shows one response at a time: its lists never hold an earlier response’s image', async () => {
    let longest = 0;
    let finals = 0;
    await lastValueFrom(
      batch().pipe(
        imageStates(),
        tap((list) => {
          longest = Math.max(longest, list.length);
          if (list[0]?.status === 'completed') finals++;
        }),
      ),
    );
    expect(longest).toBe(1);
    expect(finals).toBe(count);
  });

  it('outputText starts afresh at each response: 5,000 texts, none doubled', async () => {
    const texts = await lastValueFrom(
      range(0, count).pipe(
        concatMap((n) => from(oneImageResponse(n, { text: `caption ${n}` }).events)),
        outputText(),
        toArray(),
      ),
    );
    const last = new Map(texts.map((t) => [t.itemId, t.text]));
    expect(texts.at(-1)!.text).toBe(`caption ${count - 1}`);
    expect(last.size).toBe(1); // the kit reuses the message id: only per-response state keeps them apart
    expect(texts.every((t, i) => i === 0 || t.text.length <= 'caption 4999'.length)).toBe(true);
  });

  it('finalResponse emits each response; responseSnapshots starts each from its own response.created', async () => {
    const responses = await lastValueFrom(batch().pipe(finalResponse(), toArray()));
    expect(responses.map((r) => r.id)).toEqual(Array.from({ length: count }, (_, n) => `resp_${n}`));
    const snapshots = await lastValueFrom(
      range(0, 3).pipe(
        concatMap((n) => from(oneImageResponse(n).events)),
        responseSnapshots(),
        toArray(),
      ),
    );
    // Every snapshot is of one response only: never more than its one image.
    for (const snapshot of snapshots) expect(snapshot.output.length).toBeLessThanOrEqual(1);
    expect(new Set(snapshots.map((s) => s.id))).toEqual(new Set(['resp_0', 'resp_1', 'resp_2']));
  });
});

/** The base64 of image `image` of attempt `attempt`. */
const bytesOf = (attempt: number, image: string) =>
  Buffer.from(`attempt ${attempt} image ${image}`).toString('base64');

describe('retry() placed before the operators, after a cut', () => {
  /** Attempt 0 is cut after its first image and some text; attempt 1 (a new request: a new id) completes. */
  function retryClient() {
    return fakeResponsesClient((_params, index) => {
      const scenario = imageGenerationScenario({
        images: [bytesOf(index, 'a'), bytesOf(index, 'b')],
        partials: 1,
        text: `attempt ${index}`,
        responseId: `resp_attempt_${index}`,
      });
      if (index > 0) return scenario.events;
      const cutAt = scenario.events.findIndex(
        (e) => e.type === 'response.output_item.done' && e.output_index === 1,
      );
      return from(scenario.events.slice(0, cutAt + 1));
    });
  }
  const retried = (client: ReturnType<typeof retryClient>) =>
    streamResponse(client, params).pipe(retry({ count: 1 }));

  it('outputText gives exactly the successful attempt’s text, never both', async () => {
    const texts = await lastValueFrom(retried(retryClient()).pipe(outputText(), toArray()));
    expect(texts.at(-1)!.text).toBe('attempt 1');
    expect(texts.some((t) => t.text.includes('attempt 0attempt'))).toBe(false);
  });

  it('imageStates ends with exactly the successful attempt’s images, none left in_progress', async () => {
    const lists = await lastValueFrom(retried(retryClient()).pipe(imageStates(), toArray()));
    const last = lists.at(-1)!;
    expect(last.map((s) => [s.status, s.b64])).toEqual([
      ['completed', bytesOf(1, 'a')],
      ['completed', bytesOf(1, 'b')],
    ]);
  });

  it('finalResponse gives the successful attempt; the abandoned one is not reported missing', async () => {
    const response = await lastValueFrom(retried(retryClient()).pipe(finalResponse()));
    expect(response.id).toBe('resp_attempt_1');
  });

  it('withFinalImage: the cut attempt’s images already emitted stay emitted, then the new attempt’s (documented)', async () => {
    const images = await lastValueFrom(retried(retryClient()).pipe(withFinalImage(), toArray()));
    expect(images.map((i) => i.b64)).toEqual([bytesOf(0, 'a'), bytesOf(1, 'a'), bytesOf(1, 'b')]);
  });

  it('resumable() does not drop a second response’s events by sequence number', async () => {
    const first = imageGenerationScenario({ images: 1, responseId: 'resp_a' });
    const second = imageGenerationScenario({ images: 1, responseId: 'resp_b' });
    const background = (events: ResponseStreamEvent[]) =>
      events.map((e) => ('response' in e ? { ...e, response: { ...e.response, background: true } } : e));
    const client = fakeResponsesClient((_p, index) => background(index === 0 ? first.events : second.events));
    const two = await lastValueFrom(
      range(0, 2).pipe(
        concatMap(() => streamResponse(client, params)),
        resumable(client),
        withFinalImage(),
        toArray(),
      ),
    );
    expect(two.map((i) => i.b64)).toEqual([first.images[0]!.b64, second.images[0]!.b64]);
  });
});

describe("the caller's signal: one contract through every stateful operator", () => {
  const operators: Record<string, OperatorFunction<ResponseStreamEvent, unknown>> = {
    withFinalImage: withFinalImage(),
    partialImages: partialImages(),
    partialAndFinalImages: partialAndFinalImages(),
    imageStates: imageStates(),
    outputText: outputText(),
    responseSnapshots: responseSnapshots(),
    finalResponse: finalResponse(),
  };
  for (const [name, operator] of Object.entries(operators)) {
    it(`${name}: an abort through the signal errors with APIUserAbortError, never a cut or a missing image`, async () => {
      const { events } = imageGenerationScenario({ images: 2, partials: 1, text: 'Two.' });
      const live = new Subject<ResponseStreamEvent>();
      const client = fakeResponsesClient(live);
      const caller = new AbortController();
      const done = lastValueFrom(
        streamResponse(client, params, { signal: caller.signal }).pipe(operator, toArray()),
      );
      // Mid-image: the first image's completion event has come, its bytes have not.
      for (const event of events.slice(
        0,
        events.findIndex((e) => e.type === 'response.image_generation_call.completed') + 1,
      ))
        live.next(event);
      caller.abort();
      const error = await done.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect(error).not.toBeInstanceOf(TruncatedStreamError);
      expect(client.calls[0]!.aborted).toBe(true);
    });
  }

  it('resumable: the signal given to it stops a running replay, with APIUserAbortError', async () => {
    const { events } = imageGenerationScenario({ images: 1 });
    const background = events.map((e) =>
      'response' in e ? { ...e, response: { ...e.response, background: true } } : e,
    ) as ResponseStreamEvent[];
    const replay = new Subject<ResponseStreamEvent>();
    const client = fakeResponsesClient(from(background.slice(0, 3)), { retrieve: replay });
    const caller = new AbortController();
    const done = lastValueFrom(
      streamResponse(client, params, { signal: caller.signal }).pipe(
        resumable(client, { backoff: 0, signal: caller.signal }),
        toArray(),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(client.retrieveCalls).toHaveLength(1);
    expect(client.retrieveCalls[0]!.aborted).toBe(false);
    caller.abort();
    await expect(done).rejects.toBeInstanceOf(APIUserAbortError);
    expect(client.retrieveCalls[0]!.aborted).toBe(true);
  });
});
