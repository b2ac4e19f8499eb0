// Holm–Bonferroni step-down adjustment of p-values (Holm 1979), as R's
// p.adjust(p, method = "holm") computes it:
//   pmin(1, cummax((m - i + 1) * p[o]))[order(o)]   with o = order(p), i = 1..m.
// Comparing several runtimes with one baseline asks several questions at once; without a
// correction the chance that at least one "significant" difference is pure noise grows with
// every runtime added. Holm keeps that family-wise error rate at alpha, with more power than
// plain Bonferroni, and assumes nothing about how the tests depend on each other (they share
// the baseline sample, so they are not independent).

/** The name stored with each adjusted p-value, so readers of the run JSON know what was done. */
export const HOLM = 'holm' as const;

/**
 * Holm-adjusted p-values, in the order given. A family of one is returned unchanged.
 * Throws on a value outside [0, 1], which is not a p-value and would corrupt the ordering.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} is ${String(p)}: p-values must be in [0, 1]`);
  });
  const m = pValues.length;
  // Stable sort: equal p-values keep their input order, as R's order() does.
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach(({ p, index }, rank) => {
    // Step-down: the k-th smallest p-value is multiplied by the number of hypotheses not yet
    // rejected, and an adjusted p-value never falls below one of a smaller raw p-value.
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
