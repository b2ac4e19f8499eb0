import { describe, it, expect } from 'vitest';
import { descriptiveStats } from './descriptive';

describe('descriptiveStats', () => {
  it.each([
    {
      name: 'n=10',
      values: [20, 11, 19, 12, 18, 13, 17, 14, 16, 15],
      // type-7 p95: position 0.95·9 = 8.55 -> 19 + 0.55·(20 - 19)
      expected: { n: 10, min: 11, max: 20, mean: 15.5, median: 15.5, p95: 19.55, stddev: Math.sqrt(82.5 / 9) },
    },
    {
      name: 'odd n',
      values: [3, 1, 2],
      expected: { n: 3, min: 1, max: 3, mean: 2, median: 2, p95: 2.9, stddev: 1 },
    },
    {
      name: 'n=1: stddev 0, every quantile is the value',
      values: [42],
      expected: { n: 1, min: 42, max: 42, mean: 42, median: 42, p95: 42, stddev: 0 },
    },
    {
      name: 'all equal',
      values: [7, 7, 7, 7],
      expected: { n: 4, min: 7, max: 7, mean: 7, median: 7, p95: 7, stddev: 0 },
    },
    {
      name: 'ties',
      values: [5, 1, 5, 5, 2],
      // position 0.95·4 = 3.8 between the two 5s
      expected: { n: 5, min: 1, max: 5, mean: 3.6, median: 5, p95: 5, stddev: Math.sqrt(15.2 / 4) },
    },
    {
      name: 'n=21: p95 interpolates between the two largest',
      values: Array.from({ length: 21 }, (_, i) => i + 1),
      expected: { n: 21, min: 1, max: 21, mean: 11, median: 11, p95: 20, stddev: Math.sqrt(38.5) },
    },
  ])('$name', ({ values, expected }) => {
    const d = descriptiveStats(values);
    for (const [key, value] of Object.entries(expected)) {
      expect(d[key as keyof typeof d], key).toBeCloseTo(value, 12);
    }
  });

  it('n=0 throws a clear error', () => {
    expect(() => descriptiveStats([])).toThrow('sample is empty: at least one value is required');
  });

  it.each([Number.NaN, Infinity, -Infinity])('rejects %s', (bad) => {
    expect(() => descriptiveStats([1, bad])).toThrow(/sample\[1\] .* finite/);
  });

  it('does not reorder the input', () => {
    const values = [3, 1, 2];
    descriptiveStats(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
