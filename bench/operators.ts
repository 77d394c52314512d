// Benchmark 2: operator overhead in memory, ns per event, against hand-written loops doing the same work.
// Two settings: each operator alone in a fresh process (its call sites see only it, as in an app that uses just
// that operator), and all of them in one process after every variant has run (RxJS's and our shared call
// sites have seen every operator, as in an app that uses several).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { filter, from, map, scan } from 'rxjs';
import { imageStates, ofType, withFinalImage } from '../src/index';
import type { ResponseStreamEvent } from '../src/types';
import { markedRuns } from './callgrind';
import { syntheticResponse } from './fixtures';
import {
  handFinalImages,
  handFinalImagesWithoutAnnounceCheck,
  handImageStates,
  handMatcher,
  handOfType,
} from './handwritten';
import { comparePerEvent, type PerEventRow, perEventTable, timedRun } from './stats';

export type OperatorRow = { readonly operator: string } & PerEventRow;

export interface OperatorBenchResult {
  readonly eventsPerRun: number;
  readonly responseShape: string;
  /** Each group in a fresh process of its own. */
  readonly alone: readonly OperatorRow[];
  /** Every group in one process, after every variant has run. */
  readonly shared: readonly OperatorRow[];
  readonly markdown: string;
}

const SHAPE = { images: 32, partials: 3, textDeltas: 1_737 };
const GROUPS = 4;

/** Measures the groups `only` (all by default) in this process; `warmAll` first runs every variant. */
async function measure(options: {
  totalEvents?: number;
  rounds?: number;
  warmup?: number;
  only?: number;
  warmAll: boolean;
}): Promise<{ rows: OperatorRow[]; eventsPerRun: number; responseShape: string }> {
  const totalEvents = options.totalEvents ?? 1_000_000;
  const shape = SHAPE;
  const events = syntheticResponse(shape);
  const responses = Math.round(totalEvents / events.length);
  const eventsPerRun = responses * events.length;

  // Every variant returns a checksum of what it emitted, and the checksums of a group must agree.
  const rx = (
    build: (events$: ReturnType<typeof from<ResponseStreamEvent[]>>) => {
      subscribe(next: (value: unknown) => void): unknown;
    },
    weigh: (value: never) => number,
  ) =>
    timedRun(() => {
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
          run: timedRun(() => {
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
          run: timedRun(() => {
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
          // The loop before the "never silent" rules: what they cost a hand-written loop.
          name: 'hand-written loop without the announced-image check',
          run: timedRun(() => {
            let checksum = 0;
            for (let r = 0; r < responses; r++)
              handFinalImagesWithoutAnnounceCheck(
                events,
                (image) => (checksum += image.b64.length + image.outputIndex),
              );
            return checksum;
          }),
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
          run: timedRun(() => {
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
          run: timedRun(() => {
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

  // Shared setting: warm every variant first, so that RxJS's and our shared call sites have seen every
  // operator, as in an app that uses several.
  if (options.warmAll)
    for (let i = 0; i < (options.warmup ?? 3); i++)
      for (const group of groups) for (const variant of group.variants) await variant.run();

  const rows: OperatorRow[] = [];
  for (const [index, group] of groups.entries()) {
    if (options.only !== undefined && index !== options.only) continue;
    const compared = await comparePerEvent(group.operator, group.variants, eventsPerRun, {
      rounds: options.rounds ?? 25,
      warmup: options.warmup ?? 3,
    });
    rows.push(...compared.map((row) => ({ operator: group.operator, ...row })));
  }
  const responseShape = `${shape.images} interleaved images x ${shape.partials} partials + ${shape.textDeltas} text deltas = ${events.length} events per response, ${responses} responses (one subscription each)`;
  return { rows, eventsPerRun, responseShape };
}

/** Runs the operator benchmark in both settings. */
export async function runOperatorBench(
  options: { totalEvents?: number; rounds?: number; warmup?: number } = {},
): Promise<OperatorBenchResult> {
  const self = fileURLToPath(import.meta.url);
  const alone: OperatorRow[] = [];
  for (let group = 0; group < GROUPS; group++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', self, `--group=${group}`],
      {
        maxBuffer: 1024 * 1024,
      },
    );
    alone.push(...(JSON.parse(stdout.trim().split('\n').at(-1)!) as OperatorRow[]));
  }
  const shared = await measure({ ...options, warmAll: true });
  const markdown = [
    '**Each operator alone** (each group in a fresh process):',
    '',
    perEventTable(alone),
    '',
    '**All operators in one process** (after every variant has run once):',
    '',
    perEventTable(shared.rows),
  ].join('\n');
  return {
    eventsPerRun: shared.eventsPerRun,
    responseShape: shared.responseShape,
    alone,
    shared: shared.rows,
    markdown,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const group = process.argv.find((arg) => arg.startsWith('--group='));
  const instructions = process.argv.find((arg) => arg.startsWith('--instructions='));
  if (instructions) {
    // Under callgrind (bench/callgrind.ts): `alone:<group>` or `warm:<group>`, 3 counted rounds after 2 warm-up
    // rounds (counts barely vary); prints the runs' labels last.
    const [setting, only, totalEvents] = instructions.slice('--instructions='.length).split(':');
    await measure({
      only: Number(only),
      warmAll: setting === 'warm',
      rounds: 3,
      warmup: 2,
      totalEvents: Number(totalEvents ?? 1_000_000),
    });
    console.log(JSON.stringify(markedRuns()));
  } else if (group) {
    const { rows } = await measure({ only: Number(group.slice('--group='.length)), warmAll: false });
    console.log(JSON.stringify(rows));
  } else {
    const result = await runOperatorBench();
    if (process.argv.includes('--json')) console.log(JSON.stringify(result));
    else {
      console.log(`${result.eventsPerRun} events per run: ${result.responseShape}`);
      console.log(result.markdown);
    }
  }
}
