// Benchmark 3: heap after 10, 100 and 200 images of ~2 MB, each dropped by the consumer.
// Each variant runs in its own process (`node --expose-gc`), so that one variant's garbage never counts
// against another. Events reach every variant through the SDK's own `Stream` (newline-delimited JSON read
// from a ReadableStream, generated lazily), so that each image's bytes are a fresh string, as off the wire.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import { Stream } from 'openai/streaming';
import { fromResponseStream, imageStates, withFinalImage } from '../src/index';
import { createEventFactory } from '../src/testing/events';
import type { ResponseStreamEvent } from '../src/types';
import { fmt, median, table } from './stats';

const MB = 1024 * 1024;
export const MEMORY_IMAGES = 200;
const MARKS = [10, 100, 200];

/** The variants, each run in a child process. */
export const MEMORY_VARIANTS = {
  'withFinalImage()': 'withFinalImage',
  'imageStates() (3 partials each)': 'imageStates',
  'imageStates(), one response per image (3 partials each)': 'imageStatesPerResponse',
  'SDK responses.stream() helper (ResponseStream)': 'sdkHelper',
  'SDK Stream, for await, dropping everything (floor)': 'sdkLoop',
} as const;
type VariantId = (typeof MEMORY_VARIANTS)[keyof typeof MEMORY_VARIANTS];

/**
 * A ReadableStream of newline-delimited JSON events, made one event at a time as it is read: `images`
 * image generation calls of `finalBytes` base64 characters each, with `partials` previews of
 * `partialBytes` each. `response.completed` carries no `output` (the SDK rebuilds it from what it
 * accumulated), so that no single event holds all the images.
 */
function lazyEvents(options: {
  images: number;
  partials: number;
  finalBytes: number;
  partialBytes: number;
}): ReadableStream<Uint8Array> {
  const e = createEventFactory({ responseId: 'resp_memory' });
  // The big strings are encoded once and sent as their own chunks: the bench measures the consumer, not
  // JSON.stringify. Each is still parsed into a fresh string by the SDK's JSON.parse.
  const encoder = new TextEncoder();
  const payloads = {
    '@@FINAL@@': encoder.encode('A'.repeat(options.finalBytes)),
    '@@PREVIEW@@': encoder.encode('B'.repeat(options.partialBytes)),
  };
  function* events(): Generator<ResponseStreamEvent> {
    yield e.created();
    yield e.inProgress();
    for (let i = 0; i < options.images; i++) {
      const id = `ig_${i}`;
      yield e.outputItemAdded(e.imageCall({ id, status: 'in_progress' }), i);
      yield e.imageInProgress(id, i);
      yield e.imageGenerating(id, i);
      for (let p = 0; p < options.partials; p++) yield e.imagePartial(id, i, p, '@@PREVIEW@@');
      yield e.imageCompleted(id, i);
      yield e.outputItemDone(e.imageCall({ id, result: '@@FINAL@@' }), i);
    }
    const completed = e.completed();
    const { output: _output, ...response } = completed.response;
    yield { ...completed, response } as ResponseStreamEvent;
  }
  const iterator = events();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      const line = `${JSON.stringify(next.value)}\n`;
      const marker = (['@@FINAL@@', '@@PREVIEW@@'] as const).find((m) => line.includes(m));
      if (!marker) {
        controller.enqueue(encoder.encode(line));
        return;
      }
      const [before, after] = line.split(marker) as [string, string];
      controller.enqueue(encoder.encode(before));
      controller.enqueue(payloads[marker]);
      controller.enqueue(encoder.encode(after));
    },
  });
}

/** Runs one variant in this process; returns heapUsed (bytes, after a full gc) at each mark. */
async function measure(variant: VariantId): Promise<Record<number, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const heap: Record<number, number> = {};
  let images = 0;
  const onImage = () => {
    images++;
    if (MARKS.includes(images)) {
      gc();
      heap[images] = process.memoryUsage().heapUsed;
    }
  };
  const input = lazyEvents({
    images: MEMORY_IMAGES,
    partials: variant === 'imageStates' ? 3 : 0,
    finalBytes: 2 * MB,
    partialBytes: 1 * MB,
  });
  gc();
  heap[0] = process.memoryUsage().heapUsed;

  if (variant === 'imageStatesPerResponse') {
    // What a UI does: one subscription per generation (rxResource, a new prompt), each response one image.
    // Nothing of a finished response may stay behind in the operator.
    for (let i = 0; i < MEMORY_IMAGES; i++) {
      const one = lazyEvents({ images: 1, partials: 3, finalBytes: 2 * MB, partialBytes: 1 * MB });
      const events$ = fromResponseStream(
        Stream.fromReadableStream<ResponseStreamEvent>(one, new AbortController()),
      );
      let done = false;
      await new Promise<void>((resolve, reject) => {
        events$.pipe(imageStates()).subscribe({
          next: (list) => {
            if (!done && list[0]?.status === 'completed') done = true;
          },
          error: reject,
          complete: resolve,
        });
      });
      if (!done) throw new Error(`response ${i}: no final image`);
      onImage();
    }
    input.cancel().catch(() => undefined);
    return heap;
  }

  if (variant === 'withFinalImage' || variant === 'imageStates') {
    const stream = Stream.fromReadableStream<ResponseStreamEvent>(input, new AbortController());
    const events$ = fromResponseStream(stream);
    await new Promise<void>((resolve, reject) => {
      if (variant === 'withFinalImage') {
        events$.pipe(withFinalImage()).subscribe({ next: onImage, error: reject, complete: resolve });
      } else {
        let completed = 0;
        events$.pipe(imageStates()).subscribe({
          next: (list) => {
            const now = list.filter((s) => s.status === 'completed').length;
            for (; completed < now; ) {
              completed++;
              onImage();
            }
          },
          error: reject,
          complete: resolve,
        });
      }
    });
  } else if (variant === 'sdkHelper') {
    const stream = ResponseStream.fromReadableStream(input);
    stream.on('event', (event) => {
      if (event.type === 'response.output_item.done' && event.item.type === 'image_generation_call')
        onImage();
    });
    const response = await stream.finalResponse();
    if (response.output.length !== MEMORY_IMAGES) throw new Error('SDK helper lost images');
  } else {
    const stream = Stream.fromReadableStream<ResponseStreamEvent>(input, new AbortController());
    for await (const event of stream) {
      if (event.type === 'response.output_item.done' && event.item.type === 'image_generation_call')
        onImage();
    }
  }
  if (images !== MEMORY_IMAGES) throw new Error(`${variant}: ${images} images instead of ${MEMORY_IMAGES}`);
  return heap;
}

export interface MemoryBenchResult {
  readonly rows: readonly { variant: string; heapMB: Record<number, number>; perImageMB: number }[];
  readonly markdown: string;
}

/** Runs every variant `rounds` times, each in a fresh process, and reports the median heap at each mark. */
export async function runMemoryBench(options: { rounds?: number } = {}): Promise<MemoryBenchResult> {
  const run = promisify(execFile);
  const self = fileURLToPath(import.meta.url);
  const rounds = options.rounds ?? 2;
  const samples = new Map<string, Record<number, number>[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, id] of Object.entries(MEMORY_VARIANTS)) {
      const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', self, id], {
        maxBuffer: 1024 * 1024,
      });
      const list = samples.get(name) ?? [];
      list.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<number, number>);
      samples.set(name, list);
    }
  }
  const rows = [...samples].map(([variant, runs]) => {
    const heapMB: Record<number, number> = {};
    for (const mark of [0, ...MARKS]) heapMB[mark] = median(runs.map((r) => r[mark]!)) / MB;
    const perImageMB = (heapMB[200]! - heapMB[10]!) / (200 - 10);
    return { variant, heapMB, perImageMB };
  });
  const markdown = table(
    ['variant', 'heap before', ...MARKS.map((m) => `after ${m} images`), 'growth per image (10 → 200)'],
    rows.map((r) => [
      r.variant,
      `${fmt(r.heapMB[0]!, 1)} MB`,
      ...MARKS.map((m) => `${fmt(r.heapMB[m]!, 1)} MB`),
      `${fmt(r.perImageMB, 2)} MB`,
    ]),
  );
  return { rows, markdown };
}

const main = process.argv[1] === fileURLToPath(import.meta.url);
if (main && process.argv[2]) {
  console.log(JSON.stringify(await measure(process.argv[2] as VariantId)));
} else if (main) {
  console.log((await runMemoryBench({ rounds: 1 })).markdown);
}
