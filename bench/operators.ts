// Benchmark 2: operator overhead in memory, ns per event, against hand-written loops doing the same work.
import { filter, from, map, scan } from 'rxjs';
import { imageStates, ofType, withFinalImage } from '../src/index';
import type { ResponseStreamEvent } from '../src/types';
import { syntheticResponse } from './fixtures';
import { handFinalImages, handImageStates, handMatcher, handOfType } from './handwritten';
import { alternate, fmt, fmtRatio, median, ratio, spread, table } from './stats';

export interface OperatorBenchResult {
  readonly eventsPerRun: number;
  readonly responseShape: string;
  readonly rows: readonly {
    operator: string;
    variant: string;
    nsPerEvent: number;
    spread: number;
    ratio: number | null;
  }[];
  readonly markdown: string;
}

/** Runs the operator benchmark: `totalEvents` events per run, as `totalEvents / eventsPerResponse` responses. */
export async function runOperatorBench(
  options: { totalEvents?: number; rounds?: number; warmup?: number } = {},
): Promise<OperatorBenchResult> {
  const totalEvents = options.totalEvents ?? 1_000_000;
  const shape = { images: 32, partials: 3, textDeltas: 1_737 };
  const events = syntheticResponse(shape);
  const responses = Math.round(totalEvents / events.length);
  const eventsPerRun = responses * events.length;

  // Every variant returns a checksum of what it emitted, and the checksums of a group must agree.
  let sink = 0;
  const timed = (body: () => number) => () => {
    const start = process.hrtime.bigint();
    const checksum = body();
    const ns = Number(process.hrtime.bigint() - start);
    sink ^= checksum;
    return { ns, checksum };
  };
  const rx = (
    build: (events$: ReturnType<typeof from<ResponseStreamEvent[]>>) => {
      subscribe(next: (value: unknown) => void): unknown;
    },
    weigh: (value: never) => number,
  ) =>
    timed(() => {
      let checksum = 0;
      for (let r = 0; r < responses; r++)
        build(from(events)).subscribe((v) => (checksum += weigh(v as never)));
      return checksum;
    });

  const groups = [
    {
      operator: 'ofType (one type)',
      variants: [
        {
          name: 'hand-written loop',
          run: timed(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++)
              handOfType(events, 'response.output_text.delta', () => (checksum += 1));
            return checksum;
          }),
        },
        {
          name: 'ofType()',
          run: rx(
            (e$) => e$.pipe(ofType('response.output_text.delta')),
            () => 1,
          ),
        },
        {
          name: "rxjs filter(e => e.type === '...')",
          run: rx(
            (e$) => e$.pipe(filter((e) => e.type === 'response.output_text.delta')),
            () => 1,
          ),
        },
      ],
    },
    {
      operator: 'withFinalImage',
      variants: [
        {
          name: 'hand-written loop',
          run: timed(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++)
              handFinalImages(events, (image) => (checksum += image.b64.length + image.outputIndex));
            return checksum;
          }),
        },
        {
          name: 'withFinalImage()',
          run: rx(
            (e$) => e$.pipe(withFinalImage()),
            (image: { b64: string; outputIndex: number }) => image.b64.length + image.outputIndex,
          ),
        },
        {
          name: 'naive rx (scan + filter + map)',
          run: rx(
            (e$) =>
              e$.pipe(
                scan(
                  (state, event) => {
                    state.out = [];
                    state.matcher.push(event);
                    return state;
                  },
                  (() => {
                    const state = {
                      out: [] as { b64: string; outputIndex: number }[],
                      matcher: handMatcher((image) => state.out.push(image)),
                    };
                    return state;
                  })(),
                ),
                filter((state) => state.out.length > 0),
                map((state) => state.out[0]!),
              ),
            (image: { b64: string; outputIndex: number }) => image.b64.length + image.outputIndex,
          ),
        },
      ],
    },
    {
      operator: 'imageStates',
      variants: [
        {
          name: 'hand-written loop',
          run: timed(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++) handImageStates(events, (list) => (checksum += list.length));
            return checksum;
          }),
        },
        {
          name: 'imageStates()',
          run: rx(
            (e$) => e$.pipe(imageStates()),
            (list: unknown[]) => list.length,
          ),
        },
      ],
    },
    {
      operator: '(reference) rxjs alone',
      variants: [
        {
          name: 'for loop calling a function',
          run: timed(() => {
            let checksum = 0;
            const next = (event: ResponseStreamEvent) => (checksum += event.sequence_number & 1);
            for (let r = 0; r < responses; r++) for (let i = 0; i < events.length; i++) next(events[i]!);
            return checksum;
          }),
        },
        {
          name: 'from(array).subscribe()',
          run: rx(
            (e$) => e$,
            (event: ResponseStreamEvent) => event.sequence_number & 1,
          ),
        },
      ],
    },
  ];

  // Warm every variant first, so that RxJS's and our shared call sites have seen every operator, as in an
  // app that uses several: measuring an operator alone, on monomorphic call sites, would flatter it.
  for (let i = 0; i < (options.warmup ?? 3); i++)
    for (const group of groups) for (const variant of group.variants) await variant.run();

  const rows: OperatorBenchResult['rows'][number][] = [];
  for (const group of groups) {
    const results = await alternate(group.variants, {
      rounds: options.rounds ?? 15,
      warmup: options.warmup ?? 3,
    });
    const checksums = new Set([...results.values()].map((runs) => runs[0]!.checksum));
    if (checksums.size !== 1) throw new Error(`${group.operator}: variants disagree (${[...checksums]})`);
    const baseline = median(results.get(group.variants[0]!.name)!.map((r) => r.ns)) / eventsPerRun;
    for (const variant of group.variants) {
      const ns = results.get(variant.name)!.map((r) => r.ns / eventsPerRun);
      const nsPerEvent = median(ns);
      rows.push({
        operator: group.operator,
        variant: variant.name,
        nsPerEvent,
        spread: spread(ns),
        ratio: variant === group.variants[0] ? null : ratio(nsPerEvent, baseline),
      });
    }
  }
  if (sink === 0.5) console.log(sink); // keep the checksums alive

  const responseShape = `${shape.images} interleaved images x ${shape.partials} partials + ${shape.textDeltas} text deltas = ${events.length} events per response, ${responses} responses (one subscription each)`;
  const markdown = table(
    ['operator', 'variant', 'ns/event (median)', 'spread', 'vs hand-written'],
    rows.map((r) => [
      r.operator,
      r.variant,
      fmt(r.nsPerEvent, 1),
      `${fmt(r.spread * 100, 0)}%`,
      r.ratio === null ? 'baseline' : fmtRatio(r.ratio),
    ]),
  );
  return { eventsPerRun, responseShape, rows, markdown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runOperatorBench();
  console.log(`${result.eventsPerRun} events per run: ${result.responseShape}`);
  console.log(result.markdown);
}
