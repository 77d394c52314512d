// Benchmark 1b: the end-to-end pipeline's own cost per event. The same events as benchmark 1, already parsed,
// come from an async generator (what the SDK's `Stream` is), so nothing of the SDK's reading and decoding is
// in the time: what is left is what the hand-written loop and our pipeline each add per event.
import { fileURLToPath } from 'node:url';
import { merge, share } from 'rxjs';
import { fromResponseStream, partialImages, withFinalImage } from '../src/index';
import { renderMockImage } from '../src/testing/server/images';
import { buildResponse } from '../src/testing/server/scenario';
import type { ResponseEventStream, ResponseStreamEvent } from '../src/types';
import { E2E_SCENARIO, E2E_SEED } from './e2e';
import { handWrittenMatching, nothingReceived } from './handwritten';
import { alternate, fmt, fmtRatio, median, pairedRatio, table } from './stats';

/** Responses per timed run (one run is too short to time well). */
const RESPONSES_PER_RUN = 20;

export interface PipelineCostRow {
  readonly variant: string;
  readonly nsPerEvent: number;
  /** ns per event more than the hand-written loop (median of round differences). */
  readonly extraNsPerEvent: number | null;
  readonly ratio: number | null;
}

export interface PipelineCostResult {
  readonly eventsPerResponse: number;
  readonly rows: readonly PipelineCostRow[];
  readonly markdown: string;
}

/** The parsed events as an SDK-like stream: an async iterable with a controller. */
function streamOf(events: readonly ResponseStreamEvent[]): ResponseEventStream {
  async function* replay() {
    for (const event of events) yield event;
  }
  return Object.assign(replay(), { controller: new AbortController() });
}

/** Runs the comparison: every variant receives the same events and must count the same images and previews. */
export async function runPipelineCostBench(
  options: { rounds?: number; warmup?: number } = {},
): Promise<PipelineCostResult> {
  const { events: built } = buildResponse(
    'resp_bench',
    { model: 'gpt-5' },
    { ...E2E_SCENARIO, seed: E2E_SEED },
    renderMockImage,
  );
  // Parsed from JSON text, as the SDK parses each frame: objects of the shapes JSON.parse gives.
  const events = built.map((event) => JSON.parse(JSON.stringify(event)) as ResponseStreamEvent);
  // Final images and previews: what the loop and the pipeline each deliver per response.
  const images = E2E_SCENARIO.images! * (1 + E2E_SCENARIO.partials!);

  const loop = async (): Promise<number> => {
    const got = nothingReceived();
    const matching = handWrittenMatching(got);
    for await (const event of streamOf(events)) matching.push(event);
    matching.end();
    return got.finals.size + got.partials;
  };
  // Every event, and nothing done with it: the floor of the Observable source.
  const source = (): Promise<number> =>
    new Promise((resolve, reject) => {
      let received = 0;
      fromResponseStream(streamOf(events)).subscribe({
        next: () => received++,
        error: reject,
        complete: () => resolve(received),
      });
    });
  const pipeline = (): Promise<number> =>
    new Promise((resolve, reject) => {
      let received = 0;
      const events$ = fromResponseStream(streamOf(events)).pipe(share());
      merge(events$.pipe(withFinalImage()), events$.pipe(partialImages())).subscribe({
        next: () => received++,
        error: reject,
        complete: () => resolve(received),
      });
    });

  const timed = (run: () => Promise<number>, expected: number) => async () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < RESPONSES_PER_RUN; i++) {
      const received = await run();
      if (received !== expected) throw new Error(`received ${received}, not ${expected}`);
    }
    return Number(process.hrtime.bigint() - start) / RESPONSES_PER_RUN / events.length;
  };
  const variants = [
    { name: 'hand-written `for await` loop, the same matching', run: timed(loop, images) },
    { name: 'fromResponseStream alone (the source of streamResponse)', run: timed(source, events.length) },
    { name: 'fromResponseStream + share + withFinalImage + partialImages', run: timed(pipeline, images) },
  ];
  const results = await alternate(variants, {
    rounds: options.rounds ?? 30,
    warmup: options.warmup ?? 5,
    group: 'pipeline cost',
  });
  const baseline = results.get(variants[0]!.name)!;
  const rows = variants.map((variant, index) => {
    const runs = results.get(variant.name)!;
    return {
      variant: variant.name,
      nsPerEvent: median(runs),
      extraNsPerEvent: index === 0 ? null : median(runs.map((ns, round) => ns - baseline[round]!)),
      ratio: index === 0 ? null : pairedRatio(runs, baseline),
    };
  });
  const markdown = table(
    ['variant', 'ns/event (median)', 'ns/event more than the loop', 'vs the loop'],
    rows.map((r) => [
      r.variant,
      fmt(r.nsPerEvent, 0),
      r.extraNsPerEvent === null ? 'baseline' : fmt(r.extraNsPerEvent, 0),
      r.ratio === null ? 'baseline' : fmtRatio(r.ratio),
    ]),
  );
  return { eventsPerResponse: events.length, rows, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runPipelineCostBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else console.log(result.markdown);
}
