// An abort we did not cause is a cut, not a success: the real client over real HTTP against the local server,
// with a `fetch` of the user's own that aborts its controller mid-body (a deadline of its own, as a browser
// cancelling fetches on navigation or an agent-level abort would). The SDK then ends its stream quietly and
// aborts its own controller; only our controller may say "it was us". Runs against SDK 7 and SDK 6.45.
import OpenAI from 'openai';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumable, streamResponse, TruncatedStreamError, withFinalImage } from '../../src/index';
import { type MockResponsesServer, startMockResponsesServer } from '../../src/testing/index';
import { params, withScenario } from './support';

let server: MockResponsesServer;
beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: { images: 2, partials: 2 } });
});
afterAll(() => server.close());

/**
 * A client whose `fetch` aborts the first `abortFirst` POST requests itself, after `afterBytes` bytes of
 * their body: the abort comes from neither the library nor the caller.
 */
function clientAbortingItsOwnFetch(afterBytes: number, abortFirst = 1) {
  let posts = 0;
  const fetchWithOwnDeadline: typeof fetch = async (input, init) => {
    const isPost = (init?.method ?? 'GET').toUpperCase() === 'POST';
    if (!isPost || ++posts > abortFirst) return fetch(input, init);
    const own = new AbortController();
    init?.signal?.addEventListener('abort', () => own.abort(init.signal?.reason), { once: true });
    const response = await fetch(input, { ...init, signal: own.signal });
    // Watch the body go by and abort our own controller once `afterBytes` have passed.
    let seen = 0;
    const watched = response.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          seen += chunk.byteLength;
          if (seen < afterBytes) return;
          // The transport throws an AbortError, as a fetch aborted by its own signal does.
          const reason = new DOMException('the app’s own deadline', 'AbortError');
          controller.error(reason);
          own.abort(reason);
        },
      }),
    );
    return new Response(watched, { status: response.status, headers: response.headers });
  };
  return new OpenAI({
    baseURL: server.url,
    apiKey: 'test',
    maxRetries: 0,
    logLevel: 'off',
    fetch: fetchWithOwnDeadline,
  });
}

describe('an abort that is not ours (the SDK ends its stream quietly on it)', () => {
  it('is TruncatedStreamError, with the abort as cause: never a quiet completion mid-response', async () => {
    const client = clientAbortingItsOwnFetch(2_000);
    const error = await lastValueFrom(
      streamResponse(client, params, withScenario({ delayMs: 2 })).pipe(toArray()),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TruncatedStreamError);
    expect((error as TruncatedStreamError).eventCount).toBeGreaterThan(0);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(((error as Error).cause as Error).name).toBe('AbortError');
  });

  it('with resumable(), a background response is picked up again: the images arrive byte-identical', async () => {
    const client = clientAbortingItsOwnFetch(3_000);
    const before = server.requests.length;
    const images = await lastValueFrom(
      streamResponse(client, { ...params, background: true }, withScenario({ delayMs: 2 })).pipe(
        resumable(client, { backoff: 0 }),
        withFinalImage(),
        toArray(),
      ),
    );
    const created = server.requests[before]!;
    const served = server.responses.get(created.responseId!)!.images;
    expect(images.map((i) => i.b64)).toEqual(served.map((i) => i.b64));
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['POST', 'GET']);
  });
});
