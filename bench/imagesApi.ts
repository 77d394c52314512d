import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { ImageGenStreamEvent } from 'openai/resources/images';
import { partialAndFinalImages, streamImageGeneration } from '../src/index';
import { renderMockImage } from '../src/testing/server/images';
import { imageSizeOf, type MockScenario } from '../src/testing/server/scenario';
import { nothingReceived, type Received } from './handwritten';
import { startServerProcess } from './serverProcess';
import { alternate, fmt, fmtRatioWithInterval, table, wallAndCpuRatios } from './stats';

/** A realistic image (1024x1024, ~1.5 MB of base64) with 3 previews, per stream. */
export const IMAGES_SCENARIO: MockScenario = { partials: 3, imageSize: 'realistic' };
/** The seed of the served image. */
export const IMAGES_SEED = 11;
/** Streams per timed run, one after the other (one stream is a few events: several make a run long enough to time). */
export const STREAMS_PER_RUN = 4;

const params = { model: 'gpt-image-1.5', prompt: 'bench', partial_images: 3 };

/** Our library: the source and the operator, previews and the final image from one pass. */
async function viaRxjsOpenAI(client: OpenAI, got: Received): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    streamImageGeneration(client, params)
      .pipe(partialAndFinalImages())
      .subscribe({
        next: (image) => {
          if ('item' in image) got.finals.set(`${got.finals.size}`, image.b64);
          else {
            got.partials++;
            got.partialChars += image.b64.length;
          }
        },
        error: reject,
        complete: resolve,
      });
  });
}

/**
 * What a careful user writes by hand, doing the same work: `for await` over the SDK's `Stream`, each preview
 * once and never an older one after a newer one (as `partialImages()`), none after the final image, the final
 * image from the completion event, and a stream that ends without it taken for a cut.
 */
async function viaHandWrittenLoop(client: OpenAI, got: Received): Promise<void> {
  const stream = await client.images.generate({ ...params, stream: true });
  let highest = -1;
  let done = false;
  for await (const event of stream as AsyncIterable<ImageGenStreamEvent>) {
    if (event.type === 'image_generation.partial_image') {
      if (done || event.partial_image_index <= highest) continue;
      highest = event.partial_image_index;
      got.partials++;
      got.partialChars += event.b64_json.length;
    } else if (event.type === 'image_generation.completed' && !done) {
      done = true;
      got.finals.set(`${got.finals.size}`, event.b64_json);
    }
  }
  if (!done) throw new Error('truncated');
}

const VARIANTS = [
  { name: 'hand-written `for await` loop over the SDK Stream (images.generate)', run: viaHandWrittenLoop },
  { name: 'rxjs-openai: streamImageGeneration + partialAndFinalImages', run: viaRxjsOpenAI },
] as const;

export interface ImagesApiBenchResult {
  readonly bytesPerStream: number;
  readonly eventsPerStream: number;
  readonly streamsPerRun: number;
  readonly rows: readonly {
    variant: string;
    wallMs: number;
    cpuMs: number;
    mbPerSecond: number;
    wallRatio: number;
    cpuRatio: number;
    wallRatioInterval: readonly [number, number] | null;
    cpuRatioInterval: readonly [number, number] | null;
  }[];
  readonly markdown: string;
}

/** Runs the two variants alternately, `rounds` times each after `warmup` rounds, `STREAMS_PER_RUN` streams a run. */
export async function runImagesApiBench(
  options: { rounds?: number; warmup?: number } = {},
): Promise<ImagesApiBenchResult> {
  const size = imageSizeOf(IMAGES_SCENARIO);
  const expected = renderMockImage(IMAGES_SEED, 0, size, 1);
  const server = await startServerProcess(IMAGES_SCENARIO, IMAGES_SEED);
  try {
    // One stream's size on the wire, and its events (the server draws and caches the images for it).
    const probe = await fetch(`${server.url}/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const body = new Uint8Array(await probe.arrayBuffer());
    const eventsPerStream = new TextDecoder()
      .decode(body)
      .split('\n\n')
      .filter((frame) => frame.trim() !== '').length;
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const gc = (globalThis as { gc?: () => void }).gc;
    const timed = (run: (client: OpenAI, got: Received) => Promise<void>) => async () => {
      const got = nothingReceived();
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < STREAMS_PER_RUN; i++) await run(client, got);
      const wallMs = performance.now() - start;
      const used = process.cpuUsage(cpu);
      // Every run must have received exactly the served image and every preview, each stream.
      const finals = [...got.finals.values()];
      if (finals.length !== STREAMS_PER_RUN || finals.some((b64) => b64 !== expected))
        throw new Error('a variant did not receive the served image');
      if (got.partials !== STREAMS_PER_RUN * IMAGES_SCENARIO.partials!)
        throw new Error(`a variant received ${got.partials} previews`);
      return { wallMs, cpuMs: (used.user + used.system) / 1000 };
    };
    const variants = VARIANTS.map((v) => ({ name: v.name, run: timed(v.run) }));
    const results = await alternate(variants, {
      rounds: options.rounds ?? 30,
      warmup: options.warmup ?? 3,
      group: 'images',
      beforeEach: () => gc?.(),
    });
    const baseline = results.get(variants[0]!.name)!;
    const rows = variants.map((v) => {
      const ratios = wallAndCpuRatios(results.get(v.name)!, baseline);
      return {
        variant: v.name,
        ...ratios,
        mbPerSecond: (STREAMS_PER_RUN * body.length) / 1024 / 1024 / (ratios.wallMs / 1000),
      };
    });
    const markdown = table(
      [
        'variant',
        `wall ms / ${STREAMS_PER_RUN} streams`,
        'MB/s',
        'client CPU ms',
        'wall vs hand-written',
        'CPU vs hand-written',
      ],
      rows.map((r) => [
        r.variant,
        fmt(r.wallMs, 1),
        fmt(r.mbPerSecond, 1),
        fmt(r.cpuMs, 1),
        fmtRatioWithInterval(r.wallRatio, r.wallRatioInterval),
        fmtRatioWithInterval(r.cpuRatio, r.cpuRatioInterval),
      ]),
    );
    return { bytesPerStream: body.length, eventsPerStream, streamsPerRun: STREAMS_PER_RUN, rows, markdown };
  } finally {
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = process.argv.find((arg) => arg.startsWith('--rounds='));
  const result = await runImagesApiBench(rounds ? { rounds: Number(rounds.slice('--rounds='.length)) } : {});
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`${result.eventsPerStream} events, ${result.bytesPerStream} bytes per stream`);
    console.log(result.markdown);
  }
}
