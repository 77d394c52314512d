// The benchmark harness's statistics: the figures in BENCHMARKS.md are only as right as these.
import { describe, expect, it } from 'vitest';
import { alternate, median, pairedRatio, ratio, spread } from '../../bench/stats';

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
