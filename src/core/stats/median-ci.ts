// Distribution-free confidence interval of the median from order statistics, ported from
// go-moremath's stats.QuantileCI (github.com/aclements/go-moremath, BSD-style license),
// which is what benchstat (golang.org/x/perf/benchmath, AssumeNothing.Summary) prints as
// "± x%".
//
// The number of sample values below the population median is Binomial(n, 1/2), so the
// interval [X(l), X(h)] between the l-th and h-th smallest values (1-based) covers the
// median with probability sum_{k=l}^{h-1} PMF(k). For n <= 30 the PMF is walked outward
// from its mode, always adding the more likely neighbour (the left one on ties), until the
// requested confidence is reached; for n > 30 the binomial is replaced by its normal
// approximation with continuity correction. Both branches are reproduced step for step so
// the same order statistics are chosen as benchstat's.

import { goChoose } from './go-choose';
import { normalCdf, normalInvCdf, type NormalParams } from './normal-distribution';
import { assertSample, sortedCopy } from './sample-validation';

/** benchstat switches to the normal approximation above this n (quantileCIApproxThreshold). */
const EXACT_LIMIT = 30;

/** Order statistics chosen by benchstat, 1-based; 0 or n+1 mean "unbounded" (benchstat prints ∞). */
export interface MedianCiOrders {
  lowOrder: number;
  highOrder: number;
  /** Confidence of [X(lowOrder), X(highOrder)] with unbounded ends treated as ±∞. */
  confidence: number;
}

export interface MedianCi {
  low: number;
  high: number;
  /** Confidence actually achieved by [low, high] (never below the requested level when meetsConfidence). */
  level: number;
  /** 1-based order statistics of low and high within the sorted sample. */
  lowOrder: number;
  highOrder: number;
  /**
   * False when n is too small for the requested level: benchstat then prints "± ∞"; we return
   * the widest finite interval, min..max, and its (lower) level so the caller can warn.
   */
  meetsConfidence: boolean;
}

/** Binomial(n, 1/2) PMF as go-moremath computes it (powers of 1/2 are exact in both languages). */
function medianPmf(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  return goChoose(n, k) * 0.5 ** k * 0.5 ** (n - k);
}

function assertConfidence(confidence: number): void {
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new RangeError(`confidence must be in [0, 1], got ${confidence}`);
  }
}

/** benchstat's order statistics for the median CI of a sample of size n (stats.QuantileCI(n, 0.5, confidence)). */
export function medianCiOrders(n: number, confidence = 0.95): MedianCiOrders {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`median CI needs a sample size >= 1, got ${n}`);
  }
  assertConfidence(confidence);
  if (confidence >= 1) return { lowOrder: 0, highOrder: n + 1, confidence: 1 };

  let l: number;
  let r: number;
  let achieved: number;
  if (n <= EXACT_LIMIT) {
    // Start at the (lower) mode and grow [l, r) one binomial outcome at a time.
    const mode = Math.ceil((n + 1) * 0.5) - 1;
    achieved = medianPmf(n, mode);
    l = mode;
    r = mode + 1;
    let lp = medianPmf(n, l - 1);
    let rp = medianPmf(n, r);
    // Stop when nothing is left to add, guarding against rounding keeping accum < confidence.
    while (achieved < confidence && (lp > 0 || rp > 0)) {
      if (lp >= rp) {
        achieved += lp;
        l--;
        lp = medianPmf(n, l - 1);
      } else {
        achieved += rp;
        r++;
        rp = medianPmf(n, r);
      }
    }
  } else {
    const norm: NormalParams = { mu: n * 0.5, sigma: Math.sqrt(n * 0.5 * 0.5) };
    const alpha = (1 - confidence) / 2;
    const l1 = normalInvCdf(alpha, norm);
    const r1 = 2 * norm.mu - l1;
    // Outcome k covers [k-0.5, k+0.5] under the continuity correction: round [l1, r1]
    // outward to half-integers, then recover the binomial outcomes.
    l = Math.floor(Math.floor(l1 - 0.5) + 0.5) + 1;
    r = Math.floor(Math.ceil(r1 - 0.5) + 0.5) + 1;
    const cover = (lo: number, hi: number): number => normalCdf(hi - 0.5, norm) - normalCdf(lo - 0.5, norm);
    achieved = cover(l, r);
    // The symmetric interval may overshoot; prefer the left-biased one when it still suffices.
    const biased = cover(l, r - 1);
    if (biased >= confidence && biased < achieved) {
      achieved = biased;
      r = r - 1;
    }
    // Covering every outcome is certain, although the normal tails never quite sum to 1.
    if (l <= 0 && r >= n + 1) achieved = 1;
  }
  return { lowOrder: Math.max(l, 0), highOrder: Math.min(r, n + 1), confidence: achieved };
}

/** Median CI of `values` at `confidence` (default 95%), choosing the order statistics benchstat chooses. */
export function medianCi(values: readonly number[], confidence = 0.95): MedianCi {
  assertSample(values, 'median CI sample');
  const sorted = sortedCopy(values);
  const n = sorted.length;
  const orders = medianCiOrders(n, confidence);

  // Where benchstat's interval runs off the sample (±∞), clamp to min/max and drop the
  // probability of the outcomes that fall outside: P(K = 0) and P(K = n) are each 2^-n.
  let level = orders.confidence;
  let lowOrder = orders.lowOrder;
  let highOrder = orders.highOrder;
  if (lowOrder < 1) {
    lowOrder = 1;
    level -= medianPmf(n, 0);
  }
  if (highOrder > n) {
    highOrder = n;
    level -= medianPmf(n, n);
  }
  const clamped = lowOrder !== orders.lowOrder || highOrder !== orders.highOrder;
  return {
    low: sorted[lowOrder - 1] as number,
    high: sorted[highOrder - 1] as number,
    // n=1 leaves [X(1), X(1)], which covers the median with probability 0, not -0.
    level: Math.max(level, 0),
    lowOrder,
    highOrder,
    meetsConfidence: !clamped,
  };
}

/**
 * Smallest n whose median CI at `confidence` is finite, as benchstat's medianSamples computes
 * it for its "need >= N samples for confidence interval" warning (6 at 95%).
 */
export function minSamplesForMedianCi(confidence = 0.95): { op: '>=' | '>'; n: number } {
  const limit = 50;
  for (let n = 2; n <= limit; n++) {
    const { lowOrder, highOrder } = medianCiOrders(n, confidence);
    if (lowOrder > 0 && highOrder <= n) return { op: '>=', n };
  }
  return { op: '>', n: limit };
}
