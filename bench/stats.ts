// Statistics and formatting for the benchmarks: medians of alternating rounds, ratios, tables.
import { marked } from './callgrind';

/** The median of a non-empty list of numbers (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value / baseline`: how many times slower (> 1) or faster (< 1) `value` is than `baseline`. */
export function ratio(value: number, baseline: number): number {
  if (!(baseline > 0)) throw new RangeError(`ratio needs a positive baseline, got ${baseline}`);
  return value / baseline;
}

/**
 * The median of the round-by-round ratios `values[i] / baselines[i]`: each round's variants ran back to back
 * under the same machine load, so pairing them cancels most of the load's drift between rounds.
 */
export function pairedRatio(values: readonly number[], baselines: readonly number[]): number {
  if (values.length !== baselines.length) throw new RangeError('pairedRatio needs one baseline per value');
  return median(values.map((value, i) => ratio(value, baselines[i]!)));
}

/**
 * A distribution-free confidence interval for the median of `values`: the k-th smallest and the k-th largest
 * value, with k the largest rank such that fewer than k of n values fall below the true median with a
 * probability of at most (1 - confidence) / 2 (a Binomial(n, 1/2) tail). Assumes only independent values.
 *
 * @throws RangeError with too few values for the confidence asked (at least 6 for 95%).
 */
export function medianInterval(values: readonly number[], confidence = 0.95): [low: number, high: number] {
  const n = values.length;
  const tail = (1 - confidence) / 2;
  // P(X <= j) for X ~ Binomial(n, 1/2), accumulated term by term.
  let term = 0.5 ** n;
  let cumulative = term;
  let k = 0;
  for (let j = 0; j < n && cumulative <= tail; j++) {
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
    cumulative += term;
  }
  if (k === 0) throw new RangeError(`${n} values are too few for a ${confidence} interval of the median`);
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[k - 1]!, sorted[n - k]!];
}

/** {@link medianInterval} of the round-by-round ratios `values[i] / baselines[i]` ({@link pairedRatio}'s). */
export function pairedRatioInterval(
  values: readonly number[],
  baselines: readonly number[],
  confidence = 0.95,
): [low: number, high: number] {
  if (values.length !== baselines.length)
    throw new RangeError('pairedRatioInterval needs one baseline per value');
  return medianInterval(
    values.map((value, i) => ratio(value, baselines[i]!)),
    confidence,
  );
}

/** The relative spread of a sample: (max - min) / median, to show how noisy a median is. */
export function spread(values: readonly number[]): number {
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

/** A variant of a side-by-side comparison: a name and one timed run. */
export interface Variant<T> {
  readonly name: string;
  /** Runs once and returns what the run measured (e.g. its duration, or bytes it saw). */
  run(): Promise<T> | T;
}

/**
 * Runs every variant once per round, in a rotating order (so no variant always runs first or last, after
 * the same neighbour, or on a warmer JIT), for `rounds` rounds after `warmup` untimed rounds.
 *
 * @return For each variant (by name), the results of the timed rounds, in round order.
 */
export async function alternate<T>(
  variants: readonly Variant<T>[],
  options: {
    rounds: number;
    warmup?: number;
    /** The comparison's name, for the instruction counts (bench/callgrind.ts). */
    group?: string;
    /** Runs before each run, outside what is measured (e.g. a full GC). */
    beforeEach?: () => void;
  },
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(variants.map((v) => [v.name, []]));
  const total = (options.warmup ?? 0) + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      options.beforeEach?.();
      const label = {
        group: options.group ?? '',
        variant: variant.name,
        warmup: round < (options.warmup ?? 0),
      };
      const result = await marked(label, () => variant.run());
      if (round >= (options.warmup ?? 0)) results.get(variant.name)!.push(result);
    }
  }
  return results;
}

/** What a timed run of an in-memory comparison returns: its duration, and a checksum of what it produced. */
export interface TimedRun {
  readonly ns: number;
  readonly checksum: number;
}

/** Times `body`, which returns a checksum of what it produced (variants of one comparison must agree). */
export function timedRun(body: () => number): () => TimedRun {
  return () => {
    const start = process.hrtime.bigint();
    const checksum = body();
    return { ns: Number(process.hrtime.bigint() - start), checksum };
  };
}

/** One variant of an in-memory comparison, per event. */
export interface PerEventRow {
  readonly variant: string;
  readonly nsPerEvent: number;
  readonly spread: number;
  /** The median round ratio to the first variant (`null` for it). */
  readonly ratio: number | null;
}

/**
 * Runs the variants of one comparison alternately ({@link alternate}), checks that they produced the same
 * (their checksums agree), and gives each its median time per event, spread and paired ratio to the first.
 */
export async function comparePerEvent(
  group: string,
  variants: readonly Variant<TimedRun>[],
  eventsPerRun: number,
  options: { rounds: number; warmup: number },
): Promise<PerEventRow[]> {
  const results = await alternate(variants, { ...options, group });
  const checksums = new Set([...results.values()].map((runs) => runs[0]!.checksum));
  if (checksums.size !== 1) throw new Error(`${group}: variants disagree (${[...checksums]})`);
  const baseline = results.get(variants[0]!.name)!.map((r) => r.ns);
  return variants.map((variant, index) => {
    const runs = results.get(variant.name)!.map((r) => r.ns);
    const ns = runs.map((n) => n / eventsPerRun);
    return {
      variant: variant.name,
      nsPerEvent: median(ns),
      spread: spread(ns),
      ratio: index === 0 ? null : pairedRatio(runs, baseline),
    };
  });
}

/** The table of per-event rows: each operator's variants, with their spread and paired ratio. */
export function perEventTable(rows: readonly ({ readonly operator: string } & PerEventRow)[]): string {
  return table(
    ['operator', 'variant', 'ns/event (median)', 'spread', 'vs hand-written (median of round ratios)'],
    rows.map((r) => [
      r.operator,
      r.variant,
      fmt(r.nsPerEvent, 1),
      `${fmt(r.spread * 100, 0)}%`,
      r.ratio === null ? 'baseline' : fmtRatio(r.ratio),
    ]),
  );
}

/** A run of an end-to-end comparison: the wall time a user waits, and the CPU time of this process. */
export interface WallAndCpu {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** The 95% interval of the median round ratio, or `null` with too few rounds for one. */
export function ratioIntervalOf(
  values: readonly number[],
  baselines: readonly number[],
): readonly [number, number] | null {
  return values.length >= 6 ? pairedRatioInterval(values, baselines) : null;
}

/** A variant's medians and paired ratios (with their intervals) of wall and CPU time, to the baseline's runs. */
export function wallAndCpuRatios(runs: readonly WallAndCpu[], baseline: readonly WallAndCpu[]) {
  const walls = runs.map((r) => r.wallMs);
  const cpus = runs.map((r) => r.cpuMs);
  const baseWall = baseline.map((r) => r.wallMs);
  const baseCpu = baseline.map((r) => r.cpuMs);
  return {
    wallMs: median(walls),
    cpuMs: median(cpus),
    wallRatio: pairedRatio(walls, baseWall),
    cpuRatio: pairedRatio(cpus, baseCpu),
    wallRatioInterval: ratioIntervalOf(walls, baseWall),
    cpuRatioInterval: ratioIntervalOf(cpus, baseCpu),
  };
}

/** A ratio with its interval, as the tables show it: `1.04x (0.98–1.10)`. */
export function fmtRatioWithInterval(ratio: number, interval: readonly [number, number] | null): string {
  return `${fmtRatio(ratio)} (${interval ? `${interval[0].toFixed(3)}–${interval[1].toFixed(3)}` : 'too few rounds'})`;
}

/** Formats a number with a fixed number of significant decimals and thousands separators. */
export function fmt(value: number, decimals = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Formats a ratio as `1.03x`. */
export function fmtRatio(value: number): string {
  return `${value.toFixed(2)}x`;
}

/** Formats a byte count as KiB or MiB. */
export function fmtBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
