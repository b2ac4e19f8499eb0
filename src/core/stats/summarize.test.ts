import { describe, it, expect } from 'vitest';
import { compareToBaseline, summarize } from './summarize';

const TEN = [101, 99, 100, 102, 98, 103, 97, 100, 101, 99];

describe('summarize', () => {
  it('fills every SampleStats field for a clean n=10 sample', () => {
    const s = summarize(TEN);
    expect(s).toMatchObject({
      n: 10,
      medianMs: 100,
      minMs: 97,
      maxMs: 103,
      meanMs: 100,
      ciLowMs: 98, // order statistics 2..9 at n=10 (benchstat's choice)
      ciHighMs: 102,
      ciLevel: 0.978515625,
      outliers: [],
      warnings: [],
    });
    expect(s.p95Ms).toBeCloseTo(102.55, 12);
    expect(s.stddevMs).toBeCloseTo(Math.sqrt(30 / 9), 12);
  });

  it.each([
    { n: 1, expected: ['n=1 < 6: too few samples for a verdict', 'a 95.0% confidence interval of the median needs >= 6 samples; showing min..max, which has 0.0% confidence'] },
    { n: 5, expected: ['n=5 < 6: too few samples for a verdict', 'a 95.0% confidence interval of the median needs >= 6 samples; showing min..max, which has 93.8% confidence'] },
    { n: 6, expected: ['n=6 < 10: results are indicative'] },
    { n: 9, expected: ['n=9 < 10: results are indicative'] },
    { n: 10, expected: [] },
  ])('sample-size warnings at n=$n', ({ n, expected }) => {
    const s = summarize(TEN.slice(0, n));
    expect(s.warnings).toHaveLength(expected.length);
    expected.forEach((w, i) => expect(s.warnings[i]).toContain(w));
  });

  it('n=5 reports the widest interval, min..max, with its real level', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect([s.ciLowMs, s.ciHighMs, s.ciLevel]).toEqual([1, 5, 0.9375]);
  });

  it('n=1', () => {
    const s = summarize([12.5]);
    expect(s).toMatchObject({ n: 1, medianMs: 12.5, p95Ms: 12.5, minMs: 12.5, maxMs: 12.5, stddevMs: 0, ciLowMs: 12.5, ciHighMs: 12.5, ciLevel: 0 });
  });

  it('all equal values', () => {
    const s = summarize(new Array<number>(10).fill(40));
    expect(s).toMatchObject({ medianMs: 40, stddevMs: 0, ciLowMs: 40, ciHighMs: 40, outliers: [], warnings: [] });
  });

  it('flags outliers with a warning but keeps them in the statistics', () => {
    const values = [...TEN.slice(0, 9), 400];
    const s = summarize(values);
    expect(s.outliers).toEqual([9]);
    expect(s.maxMs).toBe(400);
    expect(s.warnings).toEqual(['1 outlier (modified z-score > 3.5) at sample 9: flagged, not removed']);
  });

  it('n=0 throws a clear error', () => {
    expect(() => summarize([])).toThrow(/empty/);
  });
});

interface ComparisonCase {
  name: string;
  candidate: number[];
  baseline: number[];
  expected: { ratio?: number; pValue?: number; significant: boolean; warning: string | undefined };
}

describe('compareToBaseline', () => {
  const base = [100, 101, 99, 102, 98, 100, 101, 99, 100, 102];
  const slower = base.map((x) => x * 1.2);

  it.each<ComparisonCase>([
    {
      name: 'clearly slower, n=10',
      candidate: slower,
      baseline: base,
      expected: { ratio: 1.2, significant: true, warning: undefined },
    },
    {
      name: 'same distribution',
      candidate: [101, 99, 100, 102, 98, 100, 101, 99, 101, 100],
      baseline: base,
      expected: { significant: false, warning: undefined },
    },
    {
      name: 'n=5 each: benchstat would show a difference (p=0.008), EnvBench refuses',
      candidate: [120, 121, 122, 123, 124],
      baseline: [100, 101, 102, 103, 104],
      expected: {
        significant: false,
        warning: 'n=5 vs baseline n=5: too few samples for a verdict (need >= 6 on each side)',
      },
    },
    {
      name: 'n=6 each, separated: significant',
      candidate: [120, 121, 122, 123, 124, 125],
      baseline: [100, 101, 102, 103, 104, 105],
      expected: { significant: true, warning: undefined },
    },
    {
      name: 'n=3 each: cannot reach alpha at all (benchstat warning)',
      candidate: [120, 121, 122],
      baseline: [100, 101, 102],
      expected: {
        significant: false,
        warning:
          'need >= 4 samples to detect a difference at alpha level 0.05; ' +
          'n=3 vs baseline n=3: too few samples for a verdict (need >= 6 on each side)',
      },
    },
    {
      name: 'all values equal',
      candidate: [50, 50, 50, 50, 50, 50],
      baseline: [50, 50, 50, 50, 50, 50],
      expected: { ratio: 1, pValue: 1, significant: false, warning: 'all samples are equal' },
    },
    {
      name: 'all values equal, n=2: no sample-size hint after a failed test (as benchstat)',
      candidate: [50, 50],
      baseline: [50, 50],
      expected: {
        pValue: 1,
        significant: false,
        warning: 'all samples are equal; n=2 vs baseline n=2: too few samples for a verdict (need >= 6 on each side)',
      },
    },
  ])('$name', ({ candidate, baseline, expected }) => {
    const r = compareToBaseline(candidate, baseline);
    if (expected.ratio !== undefined) expect(r.ratio).toBeCloseTo(expected.ratio, 12);
    if (expected.pValue !== undefined) expect(r.pValue).toBe(expected.pValue);
    expect(r.significant).toBe(expected.significant);
    expect(r.warning).toBe(expected.warning);
  });

  it('ratio is median(candidate) / median(baseline)', () => {
    expect(compareToBaseline([30, 10, 20], [5, 20, 10, 1000]).ratio).toBe(20 / 15);
  });

  it('p == alpha counts as significant, like benchstat (it prints "~" only when p > alpha)', () => {
    const candidate = [120, 121, 122, 123, 124, 125];
    const baseline = [100, 101, 102, 103, 104, 105];
    const { pValue } = compareToBaseline(candidate, baseline);
    expect(compareToBaseline(candidate, baseline, pValue).significant).toBe(true);
    expect(compareToBaseline(candidate, baseline, pValue / 2).significant).toBe(false);
  });

  it('uses the baseline as the first U-test sample, as benchstat does (matters with ties)', () => {
    // Go: MannWhitneyUTest(baseline=[1,2,2,3,3,3], candidate=[2,3,4,4,5]).P = 0.11255411255411256
    expect(compareToBaseline([2, 3, 4, 4, 5], [1, 2, 2, 3, 3, 3]).pValue).toBeCloseTo(0.11255411255411256, 14);
  });

  it('a zero baseline median gives an infinite ratio with a warning', () => {
    const r = compareToBaseline([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]);
    expect(r.ratio).toBe(Infinity);
    expect(r.warning).toContain('baseline median is 0');
  });

  it.each([
    [[], [1]],
    [[1], []],
  ])('n=0 throws a clear error', (candidate, baseline) => {
    expect(() => compareToBaseline(candidate, baseline)).toThrow(/empty/);
  });

  it('rejects alpha outside [0, 1]', () => {
    expect(() => compareToBaseline([1], [2], 1.5)).toThrow(/alpha/);
  });
});
