import { describe, it, expect } from 'vitest';
import { uCdf, uPmf } from './u-distribution';

// go-moremath stats.UDist{N1: 4, N2: 5} (no ties): [U, PMF(U), CDF(U)], printed by Go.
const GO_NO_TIES: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0.007936507936507938, 0.007936507936507938],
  [1, 0.007936507936507938, 0.015873015873015876],
  [2, 0.015873015873015876, 0.03174603174603175],
  [3, 0.023809523809523815, 0.055555555555555566],
  [4, 0.03968253968253969, 0.09523809523809526],
  [5, 0.04761904761904763, 0.1428571428571429],
  [9, 0.08730158730158731, 0.4523809523809525],
  [10, 0.09523809523809525, 0.5476190476190474],
  [15, 0.04761904761904762, 0.9047619047619048],
  [19, 0.007936507936507936, 0.9920634920634921],
  [20, 0.007936507936507936, 1],
];

// go-moremath stats.UDist{N1: 3, N2: 4, T: [1, 2, 1, 3]}: [U, PMF(U), CDF(U)].
const GO_TIES: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0.02857142857142857, 0.02857142857142857],
  [0.5, 0, 0.02857142857142857],
  [1.5, 0.05714285714285714, 0.08571428571428572],
  [3, 0.02857142857142857, 0.11428571428571428],
  [3.5, 0.17142857142857143, 0.2857142857142857],
  [5, 0.17142857142857143, 0.45714285714285713],
  [6.5, 0.17142857142857143, 0.6285714285714286],
  [7, 0.08571428571428572, 0.7142857142857143],
  [8.5, 0.17142857142857143, 0.8857142857142857],
  [10, 0.08571428571428572, 0.9714285714285714],
  [11.5, 0, 0.9714285714285714],
  [12, 0.02857142857142857, 1],
];

describe('U distribution without ties', () => {
  const d = { n1: 4, n2: 5 };
  it.each(GO_NO_TIES)('U=%s: PMF %s, CDF %s', (u, pmf, cdf) => {
    expect(uPmf(d, u)).toBeCloseTo(pmf, 15);
    expect(uCdf(d, u)).toBeCloseTo(cdf, 15);
  });

  it('PMF sums to 1 and is symmetric', () => {
    let total = 0;
    for (let u = 0; u <= 20; u++) {
      total += uPmf(d, u);
      expect(uPmf(d, u)).toBeCloseTo(uPmf(d, 20 - u), 15);
    }
    expect(total).toBeCloseTo(1, 14);
  });

  it('all-1 tie vector is the no-ties case', () => {
    expect(uCdf({ n1: 4, n2: 5, ties: new Array<number>(9).fill(1) }, 3)).toBe(uCdf(d, 3));
  });

  it.each([
    [-1, 0],
    [20, 1],
    [25, 1],
  ])('CDF(%s) = %s outside the support', (u, expected) => {
    expect(uCdf(d, u)).toBe(expected);
  });
});

describe('U distribution with ties (Cheung–Klotz)', () => {
  const d = { n1: 3, n2: 4, ties: [1, 2, 1, 3] };
  it.each(GO_TIES)('U=%s: PMF %s, CDF %s', (u, pmf, cdf) => {
    expect(uPmf(d, u)).toBeCloseTo(pmf, 15);
    expect(uCdf(d, u)).toBeCloseTo(cdf, 15);
  });

  it('CDF is 1 at n1·n2 and PMF sums to 1 over half-steps', () => {
    let total = 0;
    for (let twoU = 0; twoU <= 24; twoU++) total += uPmf(d, twoU / 2);
    expect(total).toBeCloseTo(1, 14);
    expect(uCdf(d, 12)).toBe(1);
  });

  it('a single tie group has no distribution', () => {
    expect(() => uCdf({ n1: 2, n2: 2, ties: [4] }, 1)).toThrow(/two distinct values/);
  });
});
