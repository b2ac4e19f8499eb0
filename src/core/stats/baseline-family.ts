// Several runtimes compared with one baseline in the same scenario form one family of tests:
// their p-values are corrected together (Holm) before anything is called significant.

import { HOLM, holmAdjust } from './holm';
import { compareToBaseline, hasEnoughSamplesForVerdict, type BaselineComparison } from './summarize';

export interface FamilyComparison extends BaselineComparison {
  /** The p-value after Holm's correction over the family; `significant` is decided on it. */
  pValueAdjusted: number;
  correction: typeof HOLM;
}

/**
 * Compares each candidate sample with the same baseline sample (e.g. docker, nix and devbox
 * with native) and decides significance on Holm-adjusted p-values, so that the chance of
 * calling any of them different by noise alone stays at alpha however many runtimes there are.
 * The raw p-value is kept: with a family of one the two are equal and the verdict is exactly
 * compareToBaseline's (benchstat's rule plus EnvBench's minimum of 6 samples per side).
 */
export function compareFamilyToBaseline(
  candidates: readonly (readonly number[])[],
  baseline: readonly number[],
  alpha = 0.05,
): FamilyComparison[] {
  const raw = candidates.map((candidate) => compareToBaseline([...candidate], [...baseline], alpha));
  const adjusted = holmAdjust(raw.map((c) => c.pValue));
  return raw.map((comparison, i) => {
    const pValueAdjusted = adjusted[i] as number;
    const enoughSamples = hasEnoughSamplesForVerdict((candidates[i] as readonly number[]).length, baseline.length);
    const significant = enoughSamples && pValueAdjusted <= alpha;
    const warnings = comparison.warning ? [comparison.warning] : [];
    if (enoughSamples && comparison.pValue <= alpha && !significant) {
      // Say why a difference the user may see in benchstat is not called one here.
      warnings.push(
        `p=${comparison.pValue.toFixed(3)} <= ${alpha} alone, but Holm-adjusted p=${pValueAdjusted.toFixed(3)} over ` +
          `${raw.length} comparisons is not: not significant`,
      );
    }
    const result: FamilyComparison = {
      ratio: comparison.ratio,
      pValue: comparison.pValue,
      pValueAdjusted,
      correction: HOLM,
      significant,
    };
    if (warnings.length > 0) result.warning = warnings.join('; ');
    return result;
  });
}
