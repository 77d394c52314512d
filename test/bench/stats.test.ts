// The benchmark harness's statistics: the figures in BENCHMARKS.md are only as right as these.
import { describe, expect, it } from 'vitest';
import { totalOf } from '../../bench/callgrind';
import { rowsOf } from '../../bench/instructions';
import {
  alternate,
  median,
  medianInterval,
  pairedRatio,
  pairedRatioInterval,
  ratio,
  spread,
} from '../../bench/stats';

describe('bench statistics', () => {
  it('median: the middle value of an odd count, the mean of the two middle values of an even count, unsorted input', () => {
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 1, 1000, 2, 3])).toBe(3);
    expect(() => median([])).toThrow(RangeError);
  });

  it('median does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('ratio: value over baseline, refusing a baseline that is not positive', () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(50, 100)).toBe(0.5);
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(1, Number.NaN)).toThrow(RangeError);
  });

  it('pairedRatio: the median of the round-by-round ratios, so a slow round slows both sides', () => {
    // Round 2 ran on a loaded machine: both variants doubled; the ratio of each round stays 1.5.
    expect(pairedRatio([15, 30, 15], [10, 20, 10])).toBe(1.5);
    expect(pairedRatio([12, 30, 11], [10, 10, 10])).toBe(1.2);
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
  });

  it('spread: (max - min) / median', () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(spread([7, 7, 7])).toBe(0);
  });

  it('medianInterval: the order statistics a Binomial(n, 1/2) tail of at most 2.5% allows, for any order', () => {
    const ranks = (n: number) => Array.from({ length: n }, (_, i) => n - i); // n, n-1, ..., 1: unsorted input
    // n = 20: P(X <= 5) = 0.0207 <= 0.025 < P(X <= 6) = 0.0577, so the 6th smallest and the 6th largest.
    expect(medianInterval(ranks(20))).toEqual([6, 15]);
    // n = 10: P(X <= 1) = 0.0107 <= 0.025 < P(X <= 2) = 0.0547.
    expect(medianInterval(ranks(10))).toEqual([2, 9]);
    // n = 6: P(X = 0) = 1/64 = 0.0156: the extremes; n = 5: 1/32 = 0.031 > 0.025, no interval.
    expect(medianInterval(ranks(6))).toEqual([1, 6]);
    expect(() => medianInterval(ranks(5))).toThrow(RangeError);
    // A looser confidence narrows it: 80% on n = 20 allows P(X <= 6) = 0.0577 <= 0.1 < P(X <= 7) = 0.1316.
    expect(medianInterval(ranks(20), 0.8)).toEqual([7, 14]);
  });

  it('medianInterval covers the true median about as often as it claims (seeded simulation)', () => {
    let state = 12345;
    const uniform = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const [low, high] = medianInterval(Array.from({ length: 20 }, uniform));
      if (low <= 0.5 && 0.5 <= high) covered++;
    }
    // Exact coverage for n = 20 is 1 - 2 * 0.0207 = 0.9586.
    expect(covered / trials).toBeGreaterThan(0.94);
    expect(covered / trials).toBeLessThan(0.975);
  });

  it('pairedRatioInterval: the interval of the round ratios', () => {
    const baselines = Array.from({ length: 10 }, () => 100);
    const values = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];
    expect(pairedRatioInterval(values, baselines)).toEqual([1.02, 1.09]);
    expect(() => pairedRatioInterval([1], [1, 2])).toThrow(RangeError);
  });

  it('rowsOf (instruction counts): warm-up runs dropped, rounds paired, the median of the round ratios', () => {
    const run = (variant: string, instructions: number, warmup = false) => ({
      label: { group: 'g', variant, warmup },
      instructions,
    });
    const rows = rowsOf(
      'g',
      'loop',
      [
        run('loop', 999, true),
        run('ours', 1, true),
        run('loop', 100),
        run('ours', 110),
        run('ours', 240), // a round where both doubled
        run('loop', 200),
        run('loop', 100),
        run('ours', 130),
      ],
      10,
    );
    expect(rows).toEqual([
      {
        comparison: 'g',
        variant: 'loop',
        instructions: 100,
        ratio: null,
        ratioRange: null,
        extraPerEvent: null,
      },
      // Round differences 10, 40, 30: median 30, over 10 events a run.
      {
        comparison: 'g',
        variant: 'ours',
        instructions: 130,
        ratio: 1.2,
        ratioRange: [1.1, 1.3],
        extraPerEvent: 3,
      },
    ]);
    expect(() => rowsOf('g', 'missing', [run('loop', 1)])).toThrow(/baseline/);
  });

  it('totalOf: the total of a callgrind dump', () => {
    expect(totalOf('version: 1\ncmd: node\nevents: Ir\nsummary: 481283671\n\nfn=main\n')).toBe(481283671);
    expect(totalOf('events: Ir\ntotals: 12\n')).toBe(12);
    expect(() => totalOf('events: Ir\n')).toThrow(/summary/);
  });

  it('alternate: every variant once per round, rotating who goes first, warm-up rounds not kept', async () => {
    const calls: string[] = [];
    const variant = (name: string) => ({ name, run: () => calls.push(name) });
    const results = await alternate([variant('a'), variant('b'), variant('c')], { rounds: 3, warmup: 1 });
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c']);
    // Round 0 was the warm-up: each variant keeps the results of rounds 1 to 3.
    expect(results.get('a')).toEqual([6, 8, 10]);
    expect(results.get('b')).toEqual([4, 9, 11]);
    expect(results.get('c')).toEqual([5, 7, 12]);
  });
});
