// A/A check: compare a runtime with itself many times and count how often the comparison
// EnvBench uses calls the two "different". With no real difference that rate should be about
// alpha; far above it, the verdicts in a run could not be trusted.

import { wilsonInterval, type ProportionCi } from './proportion-ci';
import { compareToBaseline } from './summarize';
import { uCdf } from './u-distribution';

export interface AaCheckResult {
  comparisons: number;
  falsePositives: number;
  rate: number;
  /** 95% Wilson interval of the rate. */
  ci: ProportionCi;
  alpha: number;
  /**
   * The real rejection rate of the exact U test at these sample sizes when there are no ties:
   * U is discrete, so p-values jump, and the largest one at or below alpha is often well
   * below it (0.043 at n = 10 per side for alpha = 0.05).
   */
  attainableSize: number;
  /** The measured rate against alpha: 'consistent' when alpha lies inside its interval. */
  rateVersusAlpha: 'consistent' | 'below' | 'above';
}

/**
 * Probability that the exact two-sided U test rejects at `alpha` when both samples come from
 * one continuous distribution (no ties): twice the largest lower tail P(U <= u) that keeps
 * 2·P(U <= u) <= alpha, as mannWhitneyUTest computes its exact p-value.
 */
export function exactUTestSize(n1: number, n2: number, alpha = 0.05): number {
  let size = 0;
  for (let u = 0; u < (n1 * n2) / 2; u++) {
    const twoTailed = 2 * uCdf({ n1, n2 }, u);
    if (twoTailed > alpha) break;
    size = twoTailed;
  }
  return size;
}

/**
 * Runs compareToBaseline (Mann–Whitney U plus EnvBench's sample-size rule, no multiple-
 * comparison correction: each pair is a run with one comparison) on every pair of samples of
 * the same command and reports the share called significant, with its confidence interval.
 */
export function aaCheck(pairs: readonly (readonly [readonly number[], readonly number[]])[], alpha = 0.05): AaCheckResult {
  if (pairs.length === 0) throw new RangeError('an A/A check needs at least one pair of samples');
  const falsePositives = pairs.filter(([a, b]) => compareToBaseline([...a], [...b], alpha).significant).length;
  const ci = wilsonInterval(falsePositives, pairs.length);
  // Every pair has the sizes of the first in the checks EnvBench runs (resampled or interleaved).
  const [a, b] = pairs[0] as readonly [readonly number[], readonly number[]];
  return {
    comparisons: pairs.length,
    falsePositives,
    rate: falsePositives / pairs.length,
    ci,
    alpha,
    attainableSize: exactUTestSize(a.length, b.length, alpha),
    rateVersusAlpha: ci.low > alpha ? 'above' : ci.high < alpha ? 'below' : 'consistent',
  };
}
