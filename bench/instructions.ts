// Benchmark 5: the same comparisons as 1 and 2, in instructions executed (valgrind's callgrind) rather than
// seconds: counts barely move with the machine's load, so a ratio of a few percent can be told from noise.
// Each comparison runs in one process under callgrind, variants alternating round by round as in the timed
// benchmarks; bench/callgrind.ts cuts the process's count into one segment per run.
import { fileURLToPath } from 'node:url';
import { renderMockImage } from '../src/testing/server/images';
import { buildResponse } from '../src/testing/server/scenario';
import { type CountedRun, countInstructions, hasValgrind } from './callgrind';
import { E2E_SCENARIO } from './e2e';
import { fmt, fmtRatio, median, table } from './stats';

const root = fileURLToPath(new URL('..', import.meta.url));

/** One comparison: the script that runs it under callgrind, and which of its variants is the baseline. */
interface Comparison {
  readonly name: string;
  readonly args: readonly string[];
  readonly baseline: string;
  /** Events per run, to tell instructions per event. */
  readonly eventsPerRun: number;
}

/** Events per run of the operator comparisons: fewer than the timed benchmark's million (callgrind is ~50x slower). */
export const OPERATOR_EVENTS = 200_000;
/** Events of the end-to-end response (section 1's; the image size does not change it). */
const E2E_EVENTS = buildResponse('resp_count', {}, { ...E2E_SCENARIO, imageSize: 'small' }, renderMockImage)
  .events.length;

const COMPARISONS: readonly Comparison[] = [
  {
    name: `end to end, from memory, small images (${E2E_SCENARIO.images} x ${E2E_SCENARIO.partials} previews, ${E2E_SCENARIO.textDeltas?.toLocaleString('en-US')} text deltas)`,
    // Variants 0 and 1 (the loop and ours), 3 counted rounds after 2 warm-up rounds.
    args: ['bench/e2e.ts', '--instructions=3:2:0,1:small'],
    baseline: 'hand-written `for await` loop over the SDK Stream',
    eventsPerRun: E2E_EVENTS,
  },
  {
    name: 'withFinalImage, alone in its process',
    args: ['bench/operators.ts', `--instructions=alone:1:${OPERATOR_EVENTS}`],
    baseline: 'hand-written loop',
    eventsPerRun: OPERATOR_EVENTS,
  },
  {
    name: 'withFinalImage, every operator warm',
    args: ['bench/operators.ts', `--instructions=warm:1:${OPERATOR_EVENTS}`],
    baseline: 'hand-written loop',
    eventsPerRun: OPERATOR_EVENTS,
  },
  {
    // What RxJS itself costs to hand each event from `from()` to a subscriber, in the same warm state.
    name: '(reference) rxjs alone, every operator warm',
    args: ['bench/operators.ts', `--instructions=warm:3:${OPERATOR_EVENTS}`],
    baseline: 'for loop calling a function',
    eventsPerRun: OPERATOR_EVENTS,
  },
];

export interface InstructionRow {
  readonly comparison: string;
  readonly variant: string;
  /** Median instructions per counted run. */
  readonly instructions: number;
  /** Median of the round-by-round ratios to the baseline (`null` for the baseline). */
  readonly ratio: number | null;
  /** The lowest and highest round ratio. */
  readonly ratioRange: readonly [number, number] | null;
  /** Instructions per event more than the baseline (median of the rounds' differences). */
  readonly extraPerEvent: number | null;
}

export interface InstructionBenchResult {
  /** `false` when valgrind is not installed: nothing was counted. */
  readonly available: boolean;
  readonly rows: readonly InstructionRow[];
  readonly markdown: string;
}

/** Rows of one comparison from its counted runs: rounds are consecutive runs, one per variant. */
export function rowsOf(
  comparison: string,
  baseline: string,
  runs: readonly CountedRun[],
  eventsPerRun = 1,
): InstructionRow[] {
  const counted = runs.filter((run) => !run.label.warmup);
  const variants = [...new Set(counted.map((run) => run.label.variant))];
  if (!variants.includes(baseline)) throw new Error(`${comparison}: no run of the baseline ${baseline}`);
  const rounds: Map<string, number>[] = [];
  for (let i = 0; i < counted.length; i += variants.length)
    rounds.push(
      new Map(counted.slice(i, i + variants.length).map((run) => [run.label.variant, run.instructions])),
    );
  return variants.map((variant) => {
    const counts = rounds.map((round) => round.get(variant)!);
    const ratios = rounds.map((round) => round.get(variant)! / round.get(baseline)!);
    return {
      comparison,
      variant,
      instructions: median(counts),
      ratio: variant === baseline ? null : median(ratios),
      ratioRange: variant === baseline ? null : [Math.min(...ratios), Math.max(...ratios)],
      extraPerEvent:
        variant === baseline
          ? null
          : median(rounds.map((round) => round.get(variant)! - round.get(baseline)!)) / eventsPerRun,
    };
  });
}

/** Counts every comparison; skips them all (and says so) without valgrind. */
export async function runInstructionBench(): Promise<InstructionBenchResult> {
  if (!(await hasValgrind()))
    return { available: false, rows: [], markdown: '_valgrind is not installed: nothing was counted._' };
  const rows: InstructionRow[] = [];
  for (const comparison of COMPARISONS) {
    const runs = await countInstructions(['--expose-gc', '--import', 'tsx', ...comparison.args], root);
    rows.push(...rowsOf(comparison.name, comparison.baseline, runs, comparison.eventsPerRun));
  }
  const markdown = table(
    [
      'comparison',
      'variant',
      'instructions / run (median)',
      'vs baseline (median of round ratios)',
      'round ratios',
      'instructions per event more than the baseline',
    ],
    rows.map((r) => [
      r.comparison,
      r.variant,
      `${fmt(r.instructions / 1e6, 1)} M`,
      r.ratio === null ? 'baseline' : fmtRatio(r.ratio),
      r.ratioRange ? `${r.ratioRange[0].toFixed(3)}–${r.ratioRange[1].toFixed(3)}` : '',
      r.extraPerEvent === null ? '' : fmt(r.extraPerEvent, 0),
    ]),
  );
  return { available: true, rows, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runInstructionBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else console.log(result.markdown);
}
