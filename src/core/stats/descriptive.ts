// Plain descriptive statistics of one sample of timings.

import { max, mean, medianSorted, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { assertSample, sortedCopy } from './sample-validation';

export interface Descriptive {
  n: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1 denominator); 0 when n = 1, where it is undefined. */
  stddev: number;
  median: number;
  /** 95th percentile, see `P95_DEFINITION`. */
  p95: number;
}

/**
 * Quantile definition used for p95 (and the median): simple-statistics' quantileSorted,
 * i.e. R/numpy "type 7" linear interpolation at 0-based position (n - 1)·p between the two
 * nearest order statistics. It always lies within [min, max], so with few samples p95 is
 * close to the maximum (for n <= 21 it lies between the two largest values).
 * For p = 0.5 it is the ordinary median, the same value benchstat's R8 definition gives.
 */
export const P95_DEFINITION = 'type 7 (linear interpolation at (n-1)p, as numpy/R default)';

export function descriptiveStats(values: readonly number[]): Descriptive {
  assertSample(values);
  const sorted = sortedCopy(values);
  return {
    n: sorted.length,
    min: min(sorted),
    max: max(sorted),
    mean: mean(sorted),
    // JSON cannot carry NaN, and a single run has no spread to report: use 0 and let the
    // n < 6 warning from summarize() carry the caveat.
    stddev: sorted.length > 1 ? sampleStandardDeviation(sorted) : 0,
    median: medianSorted(sorted),
    p95: quantileSorted(sorted, 0.95),
  };
}
