// The Images API sources through the real `openai` client (its `Stream`, its multipart upload) over HTTP,
// against the local server: what is sent, what comes back, and every way a stream ends. Runs with SDK 7 and
// with the oldest supported SDK 6 (`npm run test:sdk-oldest`).
import { createHash } from 'node:crypto';
import { APIError, APIUserAbortError, BadRequestError, RateLimitError } from 'openai';
import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ImageState,
  type ImagesApiStreamEvent,
  imageModerationOf,
  imageStates,
  MalformedEventError,
  partialAndFinalImages,
  StreamIdleError,
  streamImageEdit,
  streamImageGeneration,
  TruncatedStreamError,
  UnsupportedImageCountError,
  withFinalImage,
} from '../../src/index';
import {
  type MockResponsesServer,
  type MockUploadedFile,
  SAMPLE_PNGS,
  startMockResponsesServer,
} from '../../src/testing/index';
import { clientFor, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { partials: 2 } });
});
afterAll(() => server.close());

const generate = { model: 'gpt-image-1.5', prompt: 'A lighthouse at dawn', partial_images: 2 };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pngBytes = (i: number) => Buffer.from(SAMPLE_PNGS[i]!.b64, 'base64');
const pngFile = (i: number, name: string) => new File([pngBytes(i)], name, { type: 'image/png' });

/** Runs `events$` to its end; resolves with what it emitted and how it ended. Never rejects. */
function outcome<T>(events$: Observable<T>): Promise<{ values: T[]; error?: unknown; completed: boolean }> {
  return new Promise((resolve) => {
    const values: T[] = [];
    events$.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, completed: true }),
    });
  });
}

describe('streamImageGeneration through the real client', () => {
  it('posts the params with stream: true and gives the previews, then exactly the served image', async () => {
    const before = server.requests.length;
    const out = await lastValueFrom(
      streamImageGeneration(clientFor(server), generate).pipe(partialAndFinalImages(), toArray()),
    );
    const record = server.requests[before]!;
    expect(record.url).toBe('/v1/images/generations');
    expect(record.body).toEqual({ ...generate, stream: true });
    const served = record.image!;
    expect(out.map((image) => ('item' in image ? 'final' : `preview ${image.index}`))).toEqual([
      'preview 0',
      'preview 1',
      'final',
    ]);
    expect(out.map((image) => image.b64)).toEqual([...served.partials, served.b64]);
    expect(out.every((image) => image.itemId === served.itemId)).toBe(true);
    const final = out[2]!;
    if (!('item' in final)) throw new Error('no final image');
    expect(final).toMatchObject({
      source: 'images',
      action: 'generate',
      outputFormat: 'png',
      size: '256x256',
      usage: { total_tokens: expect.any(Number) },
    });
  });

  it('gives imageStates the progress a UI shows, the same list type as with the Responses API', async () => {
    const lists: (readonly ImageState[])[] = await lastValueFrom(
      streamImageGeneration(clientFor(server), generate).pipe(imageStates(), toArray()),
    );
    expect(lists.map((list) => list.map((s) => `${s.status}:${s.partials}`).join())).toEqual([
      'partial:1',
      'partial:2',
      'completed:2',
    ]);
    expect(lists[2]![0]!.final?.item.output_format).toBe('png');
  });

  it('refuses n > 1 before any request is sent', async () => {
    const before = server.requests.length;
    const result = await outcome(streamImageGeneration(clientFor(server), { ...generate, n: 2 }));
    expect(result.error).toBeInstanceOf(UnsupportedImageCountError);
    expect(server.requests.length).toBe(before);
  });

  it('HTTP errors pass through as the SDK’s errors; a refused prompt is moderation_blocked with its categories', async () => {
    const limited = await outcome(
      streamImageGeneration(clientFor(server), generate, withScenario({ status: 429, retryAfter: 3 })),
    );
    expect(limited.error).toBeInstanceOf(RateLimitError);
    const refused = await outcome(
      streamImageGeneration(
        clientFor(server),
        generate,
        withScenario({ moderation: { stage: 'input', categories: ['violence', 'gore'] } }),
      ),
    );
    expect(refused.error).toBeInstanceOf(BadRequestError);
    expect((refused.error as BadRequestError).code).toBe('moderation_blocked');
    expect((refused.error as BadRequestError).type).toBe('image_generation_user_error');
    expect(imageModerationOf(refused.error)).toEqual({
      message: expect.stringContaining('safety_violations=[violence, gore]'),
      categories: ['violence', 'gore'],
      stage: 'unknown',
    });
  });

  it('an image blocked by moderation mid-stream: the SDK’s APIError after the previews, its details kept', async () => {
    const result = await outcome(
      streamImageGeneration(
        clientFor(server),
        generate,
        withScenario({ moderation: { stage: 'output', categories: ['violence'] } }),
      ).pipe(partialAndFinalImages()),
    );
    expect(result.values).toHaveLength(2);
    expect(result.error).toBeInstanceOf(APIError);
    expect((result.error as APIError).status).toBeUndefined();
    expect((result.error as APIError).code).toBe('moderation_blocked');
    expect(imageModerationOf(result.error)).toEqual({
      message: expect.stringContaining('safety_violations=[violence]'),
      categories: ['violence'],
      stage: 'output',
    });
  });

  it('a cut stream is TruncatedStreamError (reset or ended cleanly), a torn frame MalformedEventError', async () => {
    const client = clientFor(server);
    for (const cut of [
      { afterEvents: 2 },
      { afterEvents: 1, midFrame: true },
      { afterEvents: 2, mode: 'end' as const },
    ]) {
      const result = await outcome(streamImageGeneration(client, generate, withScenario({ cut })));
      expect(result.error, JSON.stringify(cut)).toBeInstanceOf(TruncatedStreamError);
    }
    const torn = await outcome(
      streamImageGeneration(client, generate, withScenario({ malformed: { atEvent: 1 } })),
    );
    expect(torn.error).toBeInstanceOf(MalformedEventError);
    expect((torn.error as MalformedEventError).eventCount).toBe(1);
  });

  it('a stall is StreamIdleError after idleTimeout, and the connection is closed', async () => {
    const before = server.requests.length;
    const result = await outcome(
      streamImageGeneration(clientFor(server), generate, {
        ...withScenario({ stallAfterEvents: 1 }),
        idleTimeout: 150,
      }),
    );
    expect(result.error).toBeInstanceOf(StreamIdleError);
    expect((result.error as StreamIdleError).eventCount).toBe(1);
    expect((await (await server.request(before)).ended).end).toBe('client-closed');
  });

  it('unsubscribing closes the connection at once; the caller’s signal errors with APIUserAbortError', async () => {
    const client = clientFor(server);
    const before = server.requests.length;
    const subscription = streamImageGeneration(
      client,
      generate,
      withScenario({ stallAfterEvents: 1 }),
    ).subscribe(() => queueMicrotask(() => subscription.unsubscribe()));
    expect((await (await server.request(before)).ended).end).toBe('client-closed');

    const caller = new AbortController();
    const aborted = outcome(
      streamImageGeneration(client, generate, {
        ...withScenario({ stallAfterEvents: 1 }),
        signal: caller.signal,
      }),
    );
    await server.request(before + 1);
    caller.abort();
    expect((await aborted).error).toBeInstanceOf(APIUserAbortError);
    expect((await (await server.request(before + 1)).ended).end).toBe('client-closed');
  });
});

describe('streamImageEdit through the real client (the SDK’s multipart upload)', () => {
  it('uploads the image and the mask byte for byte, with the fields, and streams the edit', async () => {
    const before = server.requests.length;
    const out = await lastValueFrom(
      streamImageEdit(clientFor(server), {
        model: 'gpt-image-1.5',
        image: pngFile(0, 'room.png'),
        mask: pngFile(1, 'mask.png'),
        prompt: 'Add a fireplace',
        partial_images: 1,
      }).pipe(toArray()),
    );
    const record = server.requests[before]!;
    expect(record.url).toBe('/v1/images/edits');
    expect(record.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const body = record.body as Record<string, unknown>;
    expect(body.image).toEqual<MockUploadedFile>({
      filename: 'room.png',
      type: 'image/png',
      size: pngBytes(0).length,
      sha256: sha256(pngBytes(0)),
    });
    expect(body.mask).toEqual<MockUploadedFile>({
      filename: 'mask.png',
      type: 'image/png',
      size: pngBytes(1).length,
      sha256: sha256(pngBytes(1)),
    });
    expect(body).toMatchObject({
      model: 'gpt-image-1.5',
      prompt: 'Add a fireplace',
      partial_images: '1',
      stream: 'true',
    });
    expect(out.map((event: ImagesApiStreamEvent) => event.type)).toEqual([
      'image_edit.partial_image',
      'image_edit.completed',
    ]);
    const final = await lastValueFrom(
      streamImageEdit(clientFor(server), { image: pngFile(2, 'x.png'), prompt: 'again' }).pipe(
        withFinalImage(),
      ),
    );
    expect(final.b64).toBe(server.requests.at(-1)!.image!.b64);
    expect(final.action).toBe('edit');
  });

  it('uploads several input images, in order', async () => {
    const before = server.requests.length;
    await lastValueFrom(
      streamImageEdit(clientFor(server), {
        image: [pngFile(0, 'a.png'), pngFile(3, 'b.png')],
        prompt: 'Combine',
      }),
    );
    const files = (server.requests[before]!.body as Record<string, MockUploadedFile[]>)['image[]']!;
    expect(files.map((file) => [file.filename, file.sha256])).toEqual([
      ['a.png', sha256(pngBytes(0))],
      ['b.png', sha256(pngBytes(3))],
    ]);
  });

  it('a cut edit is TruncatedStreamError; n > 1 is refused before the upload', async () => {
    const cut = await outcome(
      streamImageEdit(
        clientFor(server),
        { image: pngFile(0, 'a.png'), prompt: 'x' },
        withScenario({ cut: { afterEvents: 1 } }),
      ),
    );
    expect(cut.error).toBeInstanceOf(TruncatedStreamError);
    const before = server.requests.length;
    const many = await outcome(
      streamImageEdit(clientFor(server), { image: pngFile(0, 'a.png'), prompt: 'x', n: 4 }),
    );
    expect(many.error).toBeInstanceOf(UnsupportedImageCountError);
    expect(server.requests.length).toBe(before);
  });
});
