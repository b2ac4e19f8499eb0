// Drawing samples from a pool of measurements that were all taken of the same thing.

import { sample } from 'simple-statistics';

/**
 * Two disjoint random sets of n values from the pool (sampling without replacement, by
 * position: equal values at different positions are different draws). Disjoint, because two
 * sets sharing measurements would be more alike than two independent runs.
 */
export function drawDisjointSets(pool: readonly number[], n: number, random: () => number): [number[], number[]] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive whole number, got ${n}`);
  if (pool.length < 2 * n) throw new RangeError(`a pool of ${pool.length} values cannot give two disjoint sets of ${n}: it needs at least ${2 * n}`);
  const drawn = sample([...pool], 2 * n, random);
  return [drawn.slice(0, n), drawn.slice(n)];
}

/**
 * Pairs of sets as EnvBench itself takes them when two runtimes alternate (A B A B ...):
 * each window of 2n consecutive measurements, in measured order, split into its even and odd
 * positions. Unlike random resampling this keeps the machine's drift and warm-up in the data.
 */
export function interleavedPairs(ordered: readonly number[], n: number): [number[], number[]][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive whole number, got ${n}`);
  const pairs: [number[], number[]][] = [];
  for (let start = 0; start + 2 * n <= ordered.length; start += 2 * n) {
    const window = ordered.slice(start, start + 2 * n);
    pairs.push([window.filter((_, i) => i % 2 === 0), window.filter((_, i) => i % 2 === 1)]);
  }
  return pairs;
}
