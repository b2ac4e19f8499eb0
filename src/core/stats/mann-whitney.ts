// Two-sided Mann–Whitney U test with the method choices of go-moremath's
// stats.MannWhitneyUTest (github.com/aclements/go-moremath, BSD-style license), the test
// benchstat runs for every A/B comparison:
//   - exact U distribution when there are no ties and both n <= 50;
//   - exact U distribution with ties (Cheung & Klotz) when there are ties and both n <= 25;
//   - otherwise the normal approximation with tie correction and continuity correction.
// Small benchmark samples are exactly where the normal approximation is poor, hence the
// exact paths.

import { choose } from './binomial-coefficient';
import { normalCdf } from './normal-distribution';
import { assertSample, sortedCopy } from './sample-validation';
import { uCdf } from './u-distribution';

/** Largest per-sample size using the exact distribution without ties (MannWhitneyExactLimit). */
export const EXACT_LIMIT = 50;
/** Largest per-sample size using the exact distribution with ties (MannWhitneyTiesExactLimit). */
export const TIES_EXACT_LIMIT = 25;

export type MannWhitneyMethod = 'exact' | 'exact-ties' | 'normal';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of the first sample: pairs (a from x1, b from x2) with a > b, plus half the pairs with a = b. */
  u: number;
  /** Two-sided p-value; 1 when samplesEqual. */
  pValue: number;
  method: MannWhitneyMethod;
  /**
   * Every value in both samples is identical, so ranks carry no information and no test is
   * possible. go-moremath returns ErrSamplesEqual; benchstat then reports p = 1 ("~"), as we do.
   */
  samplesEqual: boolean;
}

/** Sign of x, with sign(0) = 0 (mathx.Sign) so an exactly central U gets no continuity correction. */
function sign(x: number): number {
  if (x === 0) return 0;
  return x < 0 ? -1 : 1;
}

/** Mann–Whitney U test of "x1 and x2 come from the same distribution" against "their locations differ". */
export function mannWhitneyUTest(x1: readonly number[], x2: readonly number[]): MannWhitneyResult {
  assertSample(x1, 'first sample');
  assertSample(x2, 'second sample');
  const n1 = x1.length;
  const n2 = x2.length;

  // Pool both samples in order, remembering which sample each value came from. Among equal
  // values the order is irrelevant: they share one midrank.
  const pooled = [
    ...sortedCopy(x1).map((v) => ({ v, first: true })),
    ...sortedCopy(x2).map((v) => ({ v, first: false })),
  ].sort((a, b) => a.v - b.v);

  // Rank sum of the first sample with midranks for ties, and the tie-group sizes.
  let rankSum1 = 0;
  const ties: number[] = [];
  let anyTies = false;
  for (let i = 0; i < pooled.length; ) {
    const start = i;
    const value = (pooled[i] as { v: number }).v;
    let fromFirst = 0;
    for (; i < pooled.length && (pooled[i] as { v: number }).v === value; i++) {
      if ((pooled[i] as { first: boolean }).first) fromFirst++;
    }
    // Ranks start+1 .. i share the average rank.
    rankSum1 += ((start + 1 + i) / 2) * fromFirst;
    ties.push(i - start);
    if (i - start > 1) anyTies = true;
  }
  const u1 = rankSum1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const uSmall = Math.min(u1, u2);
  const result = (pValue: number, method: MannWhitneyMethod, samplesEqual = false): MannWhitneyResult => ({
    n1,
    n2,
    u: u1,
    pValue,
    method,
    samplesEqual,
  });

  const exact = anyTies
    ? n1 <= TIES_EXACT_LIMIT && n2 <= TIES_EXACT_LIMIT
    : n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT;
  const method: MannWhitneyMethod = !exact ? 'normal' : anyTies ? 'exact-ties' : 'exact';

  if (exact) {
    if (ties.length === 1) return result(1, method, true);
    if (u1 === u2) {
      // U sits on the centre of a symmetric discrete distribution: doubling CDF(U) would
      // count the atom at U twice; the two tails together are the whole distribution.
      return result(1, method);
    }
    // go-moremath returns the doubled tail as is. With ties the distribution can be asymmetric,
    // so that could in principle exceed 1; a probability cannot, and capping never changes a verdict.
    return result(Math.min(1, uCdf({ n1, n2, ties }, uSmall) * 2), method);
  }

  // Normal approximation: variance reduced by Σ(t³ - t) over tie groups.
  const tieCorrection = ties.reduce((s, t) => s + t * t * t - t, 0);
  const bigN = n1 + n2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt((n1 * n2 * (bigN + 1 - tieCorrection / (bigN * (bigN - 1)))) / 12);
  if (sd === 0) return result(1, method, true);
  let numerator = u1 - mean;
  numerator -= sign(numerator) * 0.5; // continuity correction toward the mean
  const z = numerator / sd;
  const pValue = 2 * Math.min(normalCdf(z), 1 - normalCdf(z));
  return result(pValue, method);
}

/** Smallest possible two-sided p-value with n values on each side: both samples fully separated, 2/C(2n, n). */
function minPValue(n: number): number {
  return 2 / choose(2 * n, n);
}

/**
 * Minimum per-sample size at which the U test could reach `alpha` at all, as benchstat's
 * uTestSamples computes it from its uTestMinP table for n = 1..9 (4 at alpha = 0.05; below
 * that even completely separated samples give p >= 0.1). The table entries are 2/C(2n, n).
 */
export function minSamplesToDetect(alpha: number): { op: '>=' | '>'; n: number } {
  const tableLength = 10; // uTestMinP covers n = 1..9 (index 0 unused)
  for (let n = 1; n < tableLength; n++) {
    if (minPValue(n) <= alpha) return { op: '>=', n };
  }
  // benchstat returns len(uTestMinP) here, i.e. "> 10"; kept so the message matches.
  return { op: '>', n: tableLength };
}
