import { describe, it, expect } from 'vitest';
import { compareFamilyToBaseline } from './baseline-family';
import { holmAdjust } from './holm';
import { compareToBaseline } from './summarize';

// Baseline 1.01..10.10 and the same values shifted: no ties, so exact U p-values.
const BASELINE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => x * 1.01);
const shifted = (by: number): number[] => BASELINE.map((x) => x + by);

describe('compareFamilyToBaseline', () => {
  it('a family of one is exactly compareToBaseline, with the adjusted p equal to the raw one', () => {
    for (const candidate of [shifted(3), shifted(4), shifted(6), BASELINE.slice(0, 5)]) {
      const [family] = compareFamilyToBaseline([candidate], BASELINE);
      const single = compareToBaseline(candidate, BASELINE);
      expect(family).toEqual({ ...single, pValueAdjusted: single.pValue, correction: 'holm' });
    }
  });

  it('decides significance on the Holm-adjusted p-values of the whole family', () => {
    const candidates = [shifted(4), shifted(5), shifted(6)];
    const raw = candidates.map((c) => compareToBaseline(c, BASELINE).pValue);
    expect(raw.map((p) => p <= 0.05)).toEqual([true, true, true]);
    const family = compareFamilyToBaseline(candidates, BASELINE);
    expect(family.map((c) => c.pValue)).toEqual(raw);
    expect(family.map((c) => c.pValueAdjusted)).toEqual(holmAdjust(raw));
    expect(family.map((c) => c.significant)).toEqual([true, true, true]);
  });

  it('a difference significant alone is not once a second runtime joins the family, and it says why', () => {
    const alone = compareToBaseline(shifted(4), BASELINE);
    expect(alone.pValue).toBeCloseTo(0.0288, 4);
    expect(alone.significant).toBe(true);

    const [four, three] = compareFamilyToBaseline([shifted(4), shifted(3)], BASELINE);
    expect(four?.pValue).toBe(alone.pValue);
    expect(four?.pValueAdjusted).toBeCloseTo(2 * alone.pValue, 15); // 0.0576 > 0.05
    expect(four?.significant).toBe(false);
    expect(four?.warning).toBe('p=0.029 <= 0.05 alone, but Holm-adjusted p=0.058 over 2 comparisons is not: not significant');
    expect(three?.significant).toBe(false);
    expect(three?.pValueAdjusted).toBe(three?.pValue); // the larger p is not raised: 1 x p, above 0.0576 already
    expect(three?.warning).toBeUndefined();
  });

  it('keeps the minimum of 6 samples per side whatever the adjusted p', () => {
    const [small] = compareFamilyToBaseline([shifted(20).slice(0, 5)], BASELINE.slice(0, 5));
    expect(small?.pValueAdjusted).toBeLessThanOrEqual(0.05);
    expect(small?.significant).toBe(false);
    expect(small?.warning).toContain('too few samples for a verdict');
    expect(small?.warning).not.toContain('Holm');
  });
});
