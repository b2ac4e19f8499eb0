// Per-sample summary and the baseline comparison, with the warnings EnvBench shows next to
// numbers it cannot fully stand behind.

import type { SampleStats } from '../../shared/run';
import { descriptiveStats } from './descriptive';
import { mannWhitneyUTest, minSamplesToDetect } from './mann-whitney';
import { medianCi, minSamplesForMedianCi } from './median-ci';
import { findOutliers } from './outliers';

/** Below this many samples per side EnvBench gives no verdict (see compareToBaseline). */
export const MIN_SAMPLES_FOR_VERDICT = 6;
/** Below this many samples results are labelled indicative; benchstat recommends >= 10 runs. */
export const MIN_SAMPLES_FOR_CONFIDENCE = 10;
const CI_LEVEL = 0.95;

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Summary statistics of measured (non-warmup) samples, in milliseconds. Throws on an empty sample. */
export function summarize(values: number[]): SampleStats {
  const d = descriptiveStats(values);
  const ci = medianCi(values, CI_LEVEL);
  const outliers = findOutliers(values);

  const warnings: string[] = [];
  if (d.n < MIN_SAMPLES_FOR_VERDICT) {
    warnings.push(`n=${d.n} < ${MIN_SAMPLES_FOR_VERDICT}: too few samples for a verdict`);
  } else if (d.n < MIN_SAMPLES_FOR_CONFIDENCE) {
    warnings.push(`n=${d.n} < ${MIN_SAMPLES_FOR_CONFIDENCE}: results are indicative`);
  }
  if (outliers.length > 0) {
    warnings.push(
      `${outliers.length} outlier${outliers.length === 1 ? '' : 's'} (modified z-score > 3.5) at ` +
        `sample ${outliers.join(', ')}: flagged, not removed`,
    );
  }
  if (!ci.meetsConfidence) {
    const need = minSamplesForMedianCi(CI_LEVEL);
    warnings.push(
      `n=${d.n}: a ${percent(CI_LEVEL)} confidence interval of the median needs ${need.op} ${need.n} samples; ` +
        `showing min..max, which has ${percent(ci.level)} confidence`,
    );
  }

  return {
    n: d.n,
    medianMs: d.median,
    p95Ms: d.p95,
    minMs: d.min,
    maxMs: d.max,
    meanMs: d.mean,
    stddevMs: d.stddev,
    ciLowMs: ci.low,
    ciHighMs: ci.high,
    ciLevel: ci.level,
    outliers,
    warnings,
  };
}

/** EnvBench's own minimum on top of benchstat's rule (see compareToBaseline): 6 values on each side. */
export function hasEnoughSamplesForVerdict(candidateN: number, baselineN: number): boolean {
  return candidateN >= MIN_SAMPLES_FOR_VERDICT && baselineN >= MIN_SAMPLES_FOR_VERDICT;
}

export interface BaselineComparison {
  /** median(candidate) / median(baseline). */
  ratio: number;
  /** Two-sided Mann–Whitney U test p-value, as benchstat computes it. */
  pValue: number;
  significant: boolean;
  /** Why no verdict could be given, or what limits it. */
  warning?: string;
}

/**
 * Compares a candidate sample with a baseline sample (e.g. docker vs native).
 *
 * Verdict rule. benchstat (golang.org/x/perf, benchmath AssumeNothing.Compare and
 * Comparison.FormatDelta) runs the U test at any sample size and shows a difference unless
 * p > alpha — so p == alpha counts as a difference, and we do the same. It has no explicit
 * minimum n: when the result is not significant and both samples are smaller than the size
 * at which even fully separated samples could reach alpha (4 per side at alpha = 0.05), it
 * adds "need >= N samples to detect a difference at alpha level A"; if all values are equal
 * the test is impossible and it reports p = 1 with "all samples are equal". We reproduce
 * both warnings. EnvBench is stricter in one respect: a difference is only called
 * significant when both samples have at least 6 values, the smallest n for which benchstat
 * can print a finite 95% CI for each median (below it shows "± ∞"); with 4 or 5 values
 * a p-value under 0.05 is possible but rests on one or two orderings of a handful of runs.
 */
export function compareToBaseline(
  candidate: number[],
  baseline: number[],
  alpha = 0.05,
): BaselineComparison {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${alpha}`);
  // benchstat runs Compare(baseline, candidate). Order matters: with ties the exact p-value
  // doubles one tail of a U distribution that is only symmetric for palindromic tie patterns.
  const test = mannWhitneyUTest(baseline, candidate);
  const baseMedian = descriptiveStats(baseline).median;
  const candMedian = descriptiveStats(candidate).median;

  const warnings: string[] = [];
  let ratio: number;
  if (baseMedian === 0) {
    ratio = candMedian === 0 ? 1 : Infinity;
    if (candMedian !== 0) warnings.push('baseline median is 0: ratio is undefined');
  } else {
    ratio = candMedian / baseMedian;
  }

  const nb = baseline.length;
  const nc = candidate.length;
  const enoughSamples = hasEnoughSamplesForVerdict(nc, nb);
  const rejects = test.pValue <= alpha;

  if (test.samplesEqual) {
    // benchstat returns straight after the failed test, without the sample-size hint.
    warnings.push('all samples are equal');
  } else if (!rejects) {
    const need = minSamplesToDetect(alpha);
    if (nb < need.n && nc < need.n) {
      warnings.push(`need ${need.op} ${need.n} samples to detect a difference at alpha level ${alpha}`);
    }
  }
  if (!enoughSamples) {
    warnings.push(
      `n=${nc} vs baseline n=${nb}: too few samples for a verdict (need >= ${MIN_SAMPLES_FOR_VERDICT} on each side)`,
    );
  }

  const result: BaselineComparison = { ratio, pValue: test.pValue, significant: rejects && enoughSamples };
  if (warnings.length > 0) result.warning = warnings.join('; ');
  return result;
}
