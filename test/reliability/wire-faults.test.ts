// Fault injection through the real `openai` client and the local server: connections cut at random byte
// offsets (between frames and mid-frame, reset or ended cleanly), malformed frames, error events, stalls and
// oversized events. Every run must end with exactly the served images, or with a typed error.
import OpenAI from 'openai';
import type { Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FinalImage,
  type ImagesApiFinalImage,
  type ImagesApiStreamEvent,
  partialAndFinalImages,
  resumable,
  type StreamIdleError,
  streamImageEdit,
  streamImageGeneration,
  streamResponse,
  withFinalImage,
} from '../../src/index';
import {
  createEventFactory,
  type MockResponsesServer,
  type MockScenario,
  type ScenarioImage,
  startMockResponsesServer,
} from '../../src/testing/index';
import type { ResponseStreamEvent } from '../../src/types';
import { distinctB64, SEED, seededRandom, Tally, typedErrorName } from './support';

const SCENARIO: MockScenario = { images: 3, partials: 2, interleave: true, textDeltas: 40 };
const params = {
  model: 'gpt-5',
  input: 'faults',
  tools: [{ type: 'image_generation' as const, partial_images: 2 }],
};

let server: MockResponsesServer;
let client: OpenAI;
/** The served images (the same for every request: same seed). */
let served: readonly ScenarioImage[];
/** The body of one response, as bytes, and where each frame ends. */
let bodyBytes: number;
let frameEnds: number[];
let eventCount: number;
/** The same for a `background: true` response (its frames are one byte longer: `"background":true`). */
let backgroundBytes: number;
let backgroundFrameEnds: number[];

const tally = new Tally('wire: faults through the real client and the local server');
const random = seededRandom(SEED);
const pick = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

beforeAll(async () => {
  server = await startMockResponsesServer({ scenario: SCENARIO, seed: 3 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
  [bodyBytes, frameEnds] = await bodyOf({ ...params, stream: true });
  [backgroundBytes, backgroundFrameEnds] = await bodyOf({ ...params, stream: true, background: true });
  served = server.responses.get(server.requests[0]!.responseId!)!.images;
  eventCount = server.responses.get(server.requests[0]!.responseId!)!.events.length;
});
afterAll(async () => {
  tally.report();
  await server.close();
});

/** The size of one streamed response's body, and where each of its frames ends. */
async function bodyOf(body: object, path = 'responses'): Promise<[number, number[]]> {
  const response = await fetch(`${server.url}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const ends: number[] = [];
  for (let at = bytes.indexOf('\n\n'); at !== -1; at = bytes.indexOf('\n\n', at + 2)) ends.push(at + 2);
  return [bytes.length, ends];
}

interface Run {
  images: FinalImage[];
  error: unknown;
  completed: boolean;
}

function run(events$: Observable<ResponseStreamEvent>): Promise<Run> {
  return new Promise((resolve) => {
    const images: FinalImage[] = [];
    events$.pipe(withFinalImage()).subscribe({
      next: (image) => images.push(image),
      error: (error: unknown) => resolve({ images, error, completed: false }),
      complete: () => resolve({ images, error: undefined, completed: true }),
    });
  });
}

function request(scenario: MockScenario): Observable<ResponseStreamEvent> {
  return streamResponse(client, params, withScenarioHeader(scenario));
}

function withScenarioHeader(scenario: MockScenario): { headers: Record<string, string> } {
  return { headers: { 'x-mock-scenario': JSON.stringify(scenario) } };
}

/**
 * A client whose own `fetch` aborts its first POST after `afterBytes` bytes of the body (a deadline of the
 * app's, a navigation): an abort that is neither ours nor the caller's signal.
 */
function clientAbortingItsOwnFetch(afterBytes: number): OpenAI {
  let posts = 0;
  const ownFetch: typeof fetch = async (input, init) => {
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST' || ++posts > 1) return fetch(input, init);
    const own = new AbortController();
    init?.signal?.addEventListener('abort', () => own.abort(), { once: true });
    const response = await fetch(input, { ...init, signal: own.signal });
    let seen = 0;
    const body = response.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          // Pass exactly `afterBytes` bytes, then abort our own controller.
          const room = afterBytes - seen;
          if (room <= 0) return;
          controller.enqueue(room >= chunk.byteLength ? chunk : chunk.subarray(0, room));
          seen += Math.min(room, chunk.byteLength);
          if (seen < afterBytes) return;
          // The transport throws an AbortError, as a fetch aborted by its own signal does.
          const reason = new DOMException('the app’s own deadline', 'AbortError');
          controller.error(reason);
          own.abort(reason);
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0, logLevel: 'off', fetch: ownFetch });
}

/**
 * The invariant of every run: it completed with exactly the expected images (ids and bytes, each once), or
 * it errored with a typed error after emitting only expected images with their exact bytes. Returns how it
 * ended, for the tally and for stricter checks.
 */
function judge(fault: string, result: Run, expected: readonly ScenarioImage[] = served): string {
  const bytes = new Map(expected.map((image) => [image.itemId, image.b64]));
  const ids = result.images.map((image) => image.itemId);
  expect(new Set(ids).size, `${fault}: an image emitted twice`).toBe(ids.length);
  for (const image of result.images)
    expect(image.b64 === bytes.get(image.itemId), `${fault}: wrong bytes for ${image.itemId}`).toBe(true);
  let outcome: string;
  if (result.completed) {
    expect(ids.sort(), `${fault}: completed without every image`).toEqual([...bytes.keys()].sort());
    outcome = 'exact-images';
  } else {
    const name = typedErrorName(result.error);
    expect(name, `${fault}: untyped error ${String(result.error)}`).not.toBeNull();
    outcome = name!;
  }
  if (fault !== 'no-fault') tally.fault(fault);
  tally.outcome(`${fault}:${outcome}`);
  tally.cases++;
  return outcome;
}

describe(`faults on the wire, through the real client (seed ${SEED})`, () => {
  it('sanity: an unfaulted run delivers exactly the served images', async () => {
    expect(frameEnds.length).toBe(eventCount);
    expect(judge('no-fault', await run(request({})))).toBe('exact-images');
  });

  it('connection reset at 60 random byte offsets: TruncatedStreamError (fetch’s error as cause), after exact images only', async () => {
    for (let i = 0; i < 60; i++) {
      // Every other offset is a frame boundary, so both kinds are well covered.
      const offset = i % 2 === 0 ? frameEnds[pick(0, frameEnds.length - 2)]! : pick(0, bodyBytes - 1);
      const kind = frameEnds.includes(offset) ? 'reset-between-frames' : 'reset-mid-frame';
      const result = await run(request({ cut: { afterBytes: offset } }));
      // A reset body is never mistaken for a complete response, wherever it is cut.
      expect(judge(kind, result), `reset at byte ${offset}`).toBe('TruncatedStreamError');
      expect(typedErrorName((result.error as Error).cause)).toBe('fetch.TypeError(terminated)');
    }
  });

  it('body ended cleanly at 60 random byte offsets: TruncatedStreamError between frames, never success', async () => {
    for (let i = 0; i < 60; i++) {
      // Every other offset is a frame boundary, so both kinds are well covered.
      const offset = i % 2 === 0 ? frameEnds[pick(0, frameEnds.length - 2)]! : pick(0, bodyBytes - 1);
      const boundary = frameEnds.includes(offset) || offset === 0;
      const kind = boundary ? 'end-between-frames' : 'end-mid-frame';
      const outcome = judge(kind, await run(request({ cut: { afterBytes: offset, mode: 'end' } })));
      if (boundary) expect(outcome, `end at byte ${offset}`).toBe('TruncatedStreamError');
      // Mid-frame, the SDK parses the half frame at the end (MalformedEventError), or, when only the frame's
      // final blank line is missing, the whole event (then the stream is still cut: Truncated).
      else expect(['TruncatedStreamError', 'MalformedEventError']).toContain(outcome);
    }
  });

  it('a malformed frame at 30 random events: MalformedEventError, after exact images only', async () => {
    for (let i = 0; i < 30; i++) {
      const atEvent = pick(0, eventCount - 1);
      const outcome = judge('malformed-frame', await run(request({ malformed: { atEvent } })));
      expect(outcome).toBe('MalformedEventError');
    }
  });

  it('an error event at 20 random points: the SDK’s APIError, after exact images only', async () => {
    for (let i = 0; i < 20; i++) {
      const afterEvents = pick(0, eventCount - 1);
      const outcome = judge(
        'error-event',
        await run(request({ errorEvent: { afterEvents, code: 'server_error' } })),
      );
      expect(outcome).toBe('openai.APIError');
    }
  });

  it('a stall at 12 random points, cut by the idle timeout: StreamIdleError, and the request is aborted', async () => {
    for (let i = 0; i < 12; i++) {
      const stallAfterEvents = pick(0, eventCount - 1);
      const before = server.requests.length;
      const result = await run(
        streamResponse(client, params, { idleTimeout: 250, ...withScenarioHeader({ stallAfterEvents }) }),
      );
      expect(judge('stall', result)).toBe('StreamIdleError');
      // The server sees the client leave: the stalled connection is not left open.
      const record = await server.request(before);
      expect((await record.ended).end).toBe('client-closed');
    }
  });

  it('a background response stalled at 6 random points, resumed by resumable() after the idle timeout: exactly the images', async () => {
    for (let i = 0; i < 6; i++) {
      const stallAfterEvents = pick(1, eventCount - 2);
      const events$ = streamResponse(
        client,
        { ...params, background: true },
        { idleTimeout: 250, ...withScenarioHeader({ stallAfterEvents }) },
      ).pipe(resumable(client, { backoff: 0, requestOptions: { idleTimeout: 250 } }));
      expect(judge('resume-after-stall', await run(events$)), `stall after ${stallAfterEvents}`).toBe(
        'exact-images',
      );
    }
  });

  it("an abort by the app's own fetch at 30 random byte offsets: TruncatedStreamError (never a quiet end); resumed, exactly the images", async () => {
    for (let i = 0; i < 30; i++) {
      const offset = pick(1, bodyBytes - 2);
      const plain = await run(
        streamResponse(clientAbortingItsOwnFetch(offset), params, withScenarioHeader({ delayMs: 0 })),
      );
      expect(judge('foreign-abort', plain), `abort at byte ${offset}`).toBe('TruncatedStreamError');
      // In the background, with resumable(): once the id is known, the images all arrive.
      const backgroundOffset = pick(backgroundFrameEnds[0]!, backgroundBytes - 2);
      const resumingClient = clientAbortingItsOwnFetch(backgroundOffset);
      const resumed = await run(
        streamResponse(resumingClient, { ...params, background: true }).pipe(
          resumable(resumingClient, { backoff: 0 }),
        ),
      );
      expect(judge('resume-after-foreign-abort', resumed), `abort at byte ${backgroundOffset}`).toBe(
        'exact-images',
      );
    }
  });

  it('background responses cut at 44 byte offsets, resumed by resumable(): exactly the images', async () => {
    // 40 random offsets (half of them frame boundaries), and 4 inside the first frame, before the id is known.
    const ends = backgroundFrameEnds;
    const first = ends[0]!;
    const offsets = [
      ...Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? ends[pick(0, ends.length - 2)]! : pick(0, backgroundBytes - 1),
      ),
      // (modes: reset, reset, end, end)
      0,
      first - 1,
      pick(1, first - 3),
      first - 1,
    ];
    for (const [i, offset] of offsets.entries()) {
      const mode = (i >> 1) % 2 === 0 ? 'destroy' : 'end';
      const where = offset === 0 || ends.includes(offset) ? 'between-frames' : 'mid-frame';
      const kind = `resume-after-${mode === 'end' ? 'end' : 'reset'}-${where}`;
      const events$ = streamResponse(
        client,
        { ...params, background: true },
        { headers: { 'x-mock-scenario': JSON.stringify({ cut: { afterBytes: offset, mode } }) } },
      ).pipe(resumable(client, { backoff: 0, retries: 3 }));
      const outcome = judge(kind, await run(events$));
      // Once response.created (and so the id) has arrived, any cut is resumed; before, there is nothing to
      // resume from, and the cut's own typed error passes through. A body that ends cleanly one byte short of
      // that frame still delivers it (the SDK parses a complete last frame at the end of the body), so that
      // one is resumed too.
      const idKnown = offset >= first || (mode === 'end' && offset === first - 1);
      if (idKnown) expect(outcome, `${kind} at byte ${offset}`).toBe('exact-images');
      else
        expect(['TruncatedStreamError', 'MalformedEventError'], `${kind} at byte ${offset}`).toContain(
          outcome,
        );
    }
  });

  it('oversized events (a 24 MB image, an 8 MB unknown event, a 1 MB text delta): exactly the images', async () => {
    const e = createEventFactory({ responseId: 'resp_big' });
    const big: ScenarioImage = {
      itemId: 'ig_big',
      outputIndex: 1,
      b64: distinctB64('final', 0, 0, 18 * 1024 * 1024),
      partials: [],
    };
    const small: ScenarioImage = {
      itemId: 'ig_small',
      outputIndex: 2,
      b64: distinctB64('final', 1),
      partials: [],
    };
    const items = [big, small].map((image) => e.imageCall({ id: image.itemId, result: image.b64 }));
    const events = [
      e.created(),
      e.textDelta('msg_1', 0, 'x'.repeat(1024 * 1024)),
      e.unknown('response.future_padding', { padding: 'p'.repeat(8 * 1024 * 1024) }),
      e.imageCompleted('ig_big', 1),
      e.outputItemDone(items[0]!, 1),
      e.outputItemDone(items[1]!, 2),
      e.completed({ output: items }),
    ];
    expect(big.b64.length).toBeGreaterThan(24 * 1024 * 1024);
    // Served by a server of their own: 33 MB of events do not fit in a request header.
    const bigServer = await startMockResponsesServer({ scenario: { events } });
    try {
      const bigClient = new OpenAI({
        baseURL: bigServer.url,
        apiKey: 'test',
        maxRetries: 0,
        logLevel: 'off',
      });
      const outcome = judge('oversized-events', await run(streamResponse(bigClient, params)), [big, small]);
      expect(outcome).toBe('exact-images');
    } finally {
      await bigServer.close();
    }
  });
});

describe(`the Images API on the wire, through the real client (seed ${SEED})`, () => {
  const imagesTally = new Tally('wire: Images API faults through the real client');
  const generate = { model: 'gpt-image-1.5', prompt: 'faults', partial_images: 2 };
  let imageBytes: number;
  let imageFrameEnds: number[];
  /** The image every request serves (the same seed), with its previews. */
  let servedImage: ScenarioImage;
  const input = () =>
    new File([Buffer.from(servedImage.partials[0]!, 'base64')], 'in.png', { type: 'image/png' });

  beforeAll(async () => {
    [imageBytes, imageFrameEnds] = await bodyOf({ ...generate, stream: true }, 'images/generations');
    servedImage = server.requests.at(-1)!.image!;
  });
  afterAll(() => imagesTally.report());

  interface ImagesRun {
    finals: ImagesApiFinalImage[];
    previews: string[];
    error: unknown;
    completed: boolean;
  }

  /** Streams a generation or an edit through `partialAndFinalImages()`; never rejects. */
  function images(
    kind: 'generate' | 'edit',
    scenario: MockScenario,
    idleTimeout?: number,
  ): Promise<ImagesRun> {
    const options = { ...withScenarioHeader(scenario), ...(idleTimeout ? { idleTimeout } : {}) };
    const events$: Observable<ImagesApiStreamEvent> =
      kind === 'generate'
        ? streamImageGeneration(client, generate, options)
        : streamImageEdit(client, { image: input(), prompt: 'faults', partial_images: 2 }, options);
    return new Promise((resolve) => {
      const run: ImagesRun = { finals: [], previews: [], error: undefined, completed: false };
      events$.pipe(partialAndFinalImages()).subscribe({
        next: (image) => {
          if ('item' in image) run.finals.push(image);
          else run.previews.push(image.b64);
        },
        error: (error: unknown) => resolve({ ...run, error }),
        complete: () => resolve({ ...run, completed: true }),
      });
    });
  }

  /**
   * The invariant: it completed with exactly the served image (once, after its previews in order), or it
   * errored with a typed error after exact previews only, and no final image.
   */
  function judgeImages(fault: string, run: ImagesRun): string {
    expect(run.previews, `${fault}: wrong previews`).toEqual(
      servedImage.partials.slice(0, run.previews.length),
    );
    let outcome: string;
    if (run.completed) {
      expect(
        run.finals.map((image) => image.b64),
        `${fault}: completed without the image`,
      ).toEqual([servedImage.b64]);
      expect(run.previews).toEqual(servedImage.partials);
      outcome = 'exact-image';
    } else {
      expect(run.finals, `${fault}: a final image before an error`).toEqual([]);
      const name = typedErrorName(run.error);
      expect(name, `${fault}: untyped error ${String(run.error)}`).not.toBeNull();
      outcome = name!;
    }
    if (fault !== 'no-fault') imagesTally.fault(fault);
    imagesTally.outcome(`${fault}:${outcome}`);
    imagesTally.cases++;
    return outcome;
  }

  const offset = () =>
    random() < 0.5 ? imageFrameEnds[pick(0, imageFrameEnds.length - 2)]! : pick(0, imageBytes - 1);

  it('sanity: an unfaulted generation and an unfaulted edit deliver exactly the served image', async () => {
    expect(imageFrameEnds.length).toBe(servedImage.partials.length + 1);
    expect(judgeImages('no-fault', await images('generate', {}))).toBe('exact-image');
    expect(judgeImages('no-fault', await images('edit', {}))).toBe('exact-image');
  });

  it('connection reset at 40 random byte offsets (30 generations, 10 edits): TruncatedStreamError, never success', async () => {
    for (let i = 0; i < 40; i++) {
      const at = offset();
      const kind = imageFrameEnds.includes(at) ? 'images-reset-between-frames' : 'images-reset-mid-frame';
      const run = await images(i < 30 ? 'generate' : 'edit', { cut: { afterBytes: at } });
      expect(judgeImages(kind, run), `reset at byte ${at}`).toBe('TruncatedStreamError');
    }
  });

  it('body ended cleanly at 30 random byte offsets: TruncatedStreamError or MalformedEventError, never success', async () => {
    for (let i = 0; i < 30; i++) {
      const at = offset();
      const boundary = imageFrameEnds.includes(at) || at === 0;
      const kind = boundary ? 'images-end-between-frames' : 'images-end-mid-frame';
      const outcome = judgeImages(kind, await images('generate', { cut: { afterBytes: at, mode: 'end' } }));
      if (boundary) expect(outcome, `end at byte ${at}`).toBe('TruncatedStreamError');
      // Mid-frame, the SDK parses the half frame at the end (MalformedEventError), or the whole event when only
      // its final blank line is missing: in the last frame, the whole image then (the invariant checks it).
      else if (at >= imageBytes - 2) expect(outcome).toBe('exact-image');
      else expect(['TruncatedStreamError', 'MalformedEventError']).toContain(outcome);
    }
  });

  it('a malformed frame at each event: MalformedEventError, after exact previews only', async () => {
    for (let atEvent = 0; atEvent < imageFrameEnds.length; atEvent++) {
      const outcome = judgeImages(
        'images-malformed-frame',
        await images('generate', { malformed: { atEvent } }),
      );
      expect(outcome).toBe('MalformedEventError');
    }
  });

  it('a stall at each point, with a small idleTimeout: StreamIdleError, and the connection is closed', async () => {
    for (let stallAfterEvents = 0; stallAfterEvents < imageFrameEnds.length; stallAfterEvents++) {
      const before = server.requests.length;
      const run = await images('generate', { stallAfterEvents }, 100);
      expect(judgeImages('images-stall', run)).toBe('StreamIdleError');
      expect((run.error as StreamIdleError).eventCount).toBe(stallAfterEvents);
      expect((await (await server.request(before)).ended).end).toBe('client-closed');
    }
  });
});
