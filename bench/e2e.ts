import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { merge, share } from 'rxjs';
import { partialAndFinalImages, partialImages, streamResponse, withFinalImage } from '../src/index';
import { renderMockImage } from '../src/testing/server/images';
import { imageSizeOf, type MockScenario } from '../src/testing/server/scenario';
import type { ResponseStreamEvent } from '../src/types';
import { markedRuns } from './callgrind';
import { handWrittenMatching, nothingReceived, type Received } from './handwritten';
import { startServerProcess } from './serverProcess';
import { alternate, fmt, fmtRatioWithInterval, table, wallAndCpuRatios } from './stats';

/** 8 realistic images (~1.5 MB of base64 each) x 3 partials, interleaved, after 5,000 text deltas. */
export const E2E_SCENARIO: MockScenario = {
  images: 8,
  partials: 3,
  imageSize: 'realistic',
  interleave: true,
  textDeltas: 5_000,
};
/** The seed of the served images. */
export const E2E_SEED = 7;

interface Run extends Received {
  wallMs: number;
  cpuMs: number;
}

const params = {
  model: 'gpt-5',
  input: 'bench',
  tools: [{ type: 'image_generation' as const, partial_images: 3 }],
};

/** Our library: one shared request, final images and previews from it. */
function viaRxjsOpenAI(client: OpenAI): Promise<Received> {
  const got = nothingReceived();
  return new Promise((resolve, reject) => {
    const events$ = streamResponse(client, params).pipe(share());
    merge(events$.pipe(withFinalImage()), events$.pipe(partialImages())).subscribe({
      next: (value) => {
        if ('item' in value) got.finals.set(value.itemId, value.b64);
        else {
          got.partials++;
          got.partialChars += value.b64.length;
        }
      },
      error: reject,
      complete: () => resolve(got),
    });
  });
}

/** Our library, one pass: previews and final images from one operator, no `share()`. */
function viaOnePass(client: OpenAI): Promise<Received> {
  const got = nothingReceived();
  return new Promise((resolve, reject) => {
    streamResponse(client, params)
      .pipe(partialAndFinalImages())
      .subscribe({
        next: (image) => {
          if ('item' in image) got.finals.set(image.itemId, image.b64);
          else {
            got.partials++;
            got.partialChars += image.b64.length;
          }
        },
        error: reject,
        complete: () => resolve(got),
      });
  });
}

/** What a careful user writes by hand: `for await` over the SDK's `Stream`, the same matching. */
async function viaHandWrittenLoop(client: OpenAI): Promise<Received> {
  const got = nothingReceived();
  const matching = handWrittenMatching(got);
  const stream = await client.responses.create({ ...params, stream: true });
  for await (const event of stream as AsyncIterable<ResponseStreamEvent>) matching.push(event);
  matching.end();
  return got;
}

/** Decomposition: our source, the loop's work in `subscribe`; with `share()` when `shared`. */
function viaSourceWithHandMatching(shared: boolean) {
  return (client: OpenAI): Promise<Received> => {
    const got = nothingReceived();
    const matching = handWrittenMatching(got);
    const events$ = streamResponse(client, params);
    return new Promise((resolve, reject) => {
      (shared ? events$.pipe(share()) : events$).subscribe({
        next: (event) => matching.push(event),
        error: reject,
        complete: () => {
          matching.end();
          resolve(got);
        },
      });
    });
  };
}

/** The SDK's helper: `client.responses.stream()` for the previews, `finalResponse()` for the images. */
async function viaSdkHelper(client: OpenAI): Promise<Received> {
  const got = nothingReceived();
  const stream = client.responses.stream(params);
  stream.on('response.image_generation_call.partial_image', (event) => {
    got.partials++;
    got.partialChars += event.partial_image_b64.length;
  });
  const response = await stream.finalResponse();
  for (const item of response.output)
    if (item.type === 'image_generation_call' && item.result) got.finals.set(item.id, item.result);
  return got;
}

/** The variants, the baseline first. */
const E2E_VARIANTS = [
  { name: 'hand-written `for await` loop over the SDK Stream', run: viaHandWrittenLoop },
  { name: 'rxjs-openai: streamResponse + share + withFinalImage + partialImages', run: viaRxjsOpenAI },
  { name: 'SDK helper: responses.stream() + finalResponse()', run: viaSdkHelper },
  { name: 'rxjs-openai, one pass: streamResponse + partialAndFinalImages', run: viaOnePass },
] as const;

/** Where the pipeline's time goes (run from memory): its source alone, then with `share()`, the loop's work in both. */
const E2E_DECOMPOSITION = [
  {
    name: 'decomposition: streamResponse, the loop’s matching in subscribe',
    run: viaSourceWithHandMatching(false),
  },
  {
    name: 'decomposition: streamResponse + share(), the loop’s matching in subscribe',
    run: viaSourceWithHandMatching(true),
  },
] as const;

export interface E2EBenchResult {
  readonly bytesPerResponse: number;
  readonly eventsPerResponse: number;
  readonly rows: readonly {
    variant: string;
    wallMs: number;
    cpuMs: number;
    eventsPerSecond: number;
    mbPerSecond: number;
    wallRatio: number;
    cpuRatio: number;
    /** 95% confidence interval of the median round ratio. */
    wallRatioInterval: readonly [number, number] | null;
    cpuRatioInterval: readonly [number, number] | null;
  }[];
  readonly markdown: string;
}

/** The chunk size of the in-memory transport: what a loopback socket read delivers at most. */
const MEMORY_CHUNK_BYTES = 64 * 1024;

/** One streamed response's bytes, as the server sends them. */
async function recordBody(url: string): Promise<Uint8Array> {
  const response = await fetch(`${url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, stream: true }),
  });
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A `fetch` that answers every request with `body` as a server-sent event stream, in chunks of `chunkBytes`
 * (each a fresh copy, as bytes off a socket are), read on demand.
 */
function memoryFetch(body: Uint8Array, chunkBytes: number): typeof fetch {
  return async () => {
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close();
        controller.enqueue(body.slice(offset, offset + chunkBytes));
        offset += chunkBytes;
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

/** Runs the variants alternately, `rounds` times each after `warmup` rounds. */
export async function runE2EBench(
  options: {
    rounds?: number;
    warmup?: number;
    variants?: readonly string[];
    scenario?: MockScenario;
    /**
     * `loopback` (default): the server process streams each response over a socket. `memory`: the client's
     * `fetch` returns the same bytes (recorded once from the server) from memory, in fixed chunks: the same
     * client code from the SSE decoder up, without the socket and the server's process competing for the CPU.
     */
    transport?: 'loopback' | 'memory';
    /** Also run the decomposition variants (`E2E_DECOMPOSITION`). */
    decompose?: boolean;
  } = {},
): Promise<E2EBenchResult> {
  const scenario = options.scenario ?? E2E_SCENARIO;
  const expected = Array.from({ length: scenario.images! }, (_, i) =>
    renderMockImage(E2E_SEED, i, imageSizeOf(scenario), 1),
  );
  const server = await startServerProcess(scenario, E2E_SEED);
  try {
    const client =
      options.transport === 'memory'
        ? new OpenAI({
            baseURL: 'http://in-memory.invalid/v1',
            apiKey: 'test',
            maxRetries: 0,
            fetch: memoryFetch(await recordBody(server.url), MEMORY_CHUNK_BYTES),
          })
        : new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const gc = (globalThis as { gc?: () => void }).gc;
    const timed = (run: (client: OpenAI) => Promise<Received>) => async (): Promise<Run> => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const got = await run(client);
      const wallMs = performance.now() - start;
      const used = process.cpuUsage(cpu);
      // Every run must have received exactly the served images and previews.
      const finals = [...got.finals.values()];
      if (finals.length !== expected.length || finals.some((b64, i) => b64 !== expected[i]))
        throw new Error('a variant did not receive the served images');
      if (got.partials !== expected.length * scenario.partials!)
        throw new Error(`a variant received ${got.partials} previews`);
      return { ...got, wallMs, cpuMs: (used.user + used.system) / 1000 };
    };
    const all = options.decompose ? [...E2E_VARIANTS, ...E2E_DECOMPOSITION] : E2E_VARIANTS;
    const variants = all
      .filter((v) => options.variants?.includes(v.name) ?? true)
      .map((v) => ({
        name: v.name,
        run: timed(v.run),
      }));
    const warmup = options.warmup ?? 2;
    const results = await alternate(variants, {
      rounds: options.rounds ?? 30,
      warmup,
      group: 'e2e',
      // A full collection first (with --expose-gc, as `npm run bench` runs): no variant pays for the garbage of
      // the one before it (the SDK helper's copies of the response are large).
      beforeEach: () => gc?.(),
    });
    const baseline = results.get(variants[0]!.name)!;
    const rows = variants.map((v) => {
      const ratios = wallAndCpuRatios(results.get(v.name)!, baseline);
      return {
        variant: v.name,
        ...ratios,
        eventsPerSecond: server.eventsPerResponse / (ratios.wallMs / 1000),
        mbPerSecond: server.bytesPerResponse / 1024 / 1024 / (ratios.wallMs / 1000),
      };
    });
    const markdown = table(
      [
        'variant',
        'wall ms / response',
        'events/s',
        'MB/s',
        'client CPU ms',
        'wall vs hand-written',
        'CPU vs hand-written',
      ],
      rows.map((r) => [
        r.variant,
        fmt(r.wallMs, 1),
        fmt(r.eventsPerSecond, 0),
        fmt(r.mbPerSecond, 1),
        fmt(r.cpuMs, 1),
        fmtRatioWithInterval(r.wallRatio, r.wallRatioInterval),
        fmtRatioWithInterval(r.cpuRatio, r.cpuRatioInterval),
      ]),
    );
    return {
      bytesPerResponse: server.bytesPerResponse,
      eventsPerResponse: server.eventsPerResponse,
      rows,
      markdown,
    };
  } finally {
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const instructions = process.argv.find((arg) => arg.startsWith('--instructions='));
  if (instructions) {
    // Under callgrind (bench/callgrind.ts): few rounds, since counts barely vary; print the runs' labels last.
    const [rounds, warmup, variants, size] = instructions.slice('--instructions='.length).split(':');
    await runE2EBench({
      scenario: { ...E2E_SCENARIO, imageSize: size === 'small' ? 'small' : 'realistic' },
      // From memory: no socket, so the chunks (and the work they cause) are the same in every run.
      transport: 'memory',
      rounds: Number(rounds),
      warmup: Number(warmup),
      variants: variants?.split(',').map((index) => E2E_VARIANTS[Number(index)]!.name),
    });
    console.log(JSON.stringify(markedRuns()));
    process.exit(0);
  }
  const transport = process.argv.includes('--memory') ? 'memory' : 'loopback';
  const result = await runE2EBench({ transport, decompose: transport === 'memory' });
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`${result.eventsPerResponse} events, ${result.bytesPerResponse} bytes per response`);
    console.log(result.markdown);
  }
}
