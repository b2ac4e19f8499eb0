// Outlier flagging with the Iglewicz–Hoaglin modified z-score. Flagged samples stay in every
// statistic: the median-based summaries are already robust, and silently dropping slow runs
// would hide real behaviour such as cold caches or GC pauses.

import { medianSorted } from 'simple-statistics';
import { assertSample, sortedCopy } from './sample-validation';

/** |modified z| above this flags an outlier (Iglewicz & Hoaglin, 1993). */
export const OUTLIER_THRESHOLD = 3.5;

/** Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for normal data. */
const MAD_SCALE = 0.6745;
/** √(π/2): makes the mean absolute deviation a consistent estimator of σ for normal data. */
const MEAN_AD_SCALE = 1.253314;

/**
 * Modified z-score of each value, 0.6745·(x - median)/MAD, in input order.
 *
 * MAD = 0 happens whenever more than half the samples are identical, which is common with
 * coarse timers or deterministic workloads. Dividing by it would make every value that
 * differs from the median infinitely extreme. Following the usual practice (e.g. IBM SPSS),
 * we then scale by the mean absolute deviation from the median instead, (x - median)/(1.253314·meanAD),
 * which is positive as soon as any value differs, so a lone slow run among identical ones is
 * still flagged while ordinary one-tick jitter is not. If that is 0 too, all values are
 * equal and every score is 0.
 */
export function modifiedZScores(values: readonly number[]): number[] {
  assertSample(values);
  const median = medianSorted(sortedCopy(values));
  const deviations = values.map((x) => Math.abs(x - median));
  const mad = medianSorted(sortedCopy(deviations));
  if (mad > 0) return values.map((x) => (MAD_SCALE * (x - median)) / mad);

  const meanAd = deviations.reduce((s, d) => s + d, 0) / deviations.length;
  if (meanAd > 0) return values.map((x) => (x - median) / (MEAN_AD_SCALE * meanAd));
  return values.map(() => 0);
}

/** Indices (into `values`) whose |modified z-score| exceeds 3.5, ascending. Never removes anything. */
export function findOutliers(values: readonly number[]): number[] {
  const indices: number[] = [];
  modifiedZScores(values).forEach((z, i) => {
    if (Math.abs(z) > OUTLIER_THRESHOLD) indices.push(i);
  });
  return indices;
}
