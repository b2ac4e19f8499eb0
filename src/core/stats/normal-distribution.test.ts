import { describe, it, expect } from 'vitest';
import { normalCdf, normalInvCdf } from './normal-distribution';

// stats.StdNormal.InvCDF(p) from go-moremath, printed by Go.
const GO_INV_CDF: ReadonlyArray<readonly [number, number]> = [
  [1e-10, -6.361340902404057],
  [0.001, -3.0902323061678136],
  [0.01, -2.326347874040841],
  [0.025, -1.9599639845400545],
  [0.05, -1.6448536269514729],
  [0.3, -0.5244005127080408],
  [0.5, 0],
  [0.9, 1.2815515655446004],
  [0.975, 1.9599639845400538],
  [0.999, 3.0902323061678225],
];

describe('normalInvCdf', () => {
  it.each(GO_INV_CDF)('InvCDF(%s) matches go-moremath', (p, expected) => {
    expect(Math.abs(normalInvCdf(p) - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
  });

  it.each([
    [0, -Infinity],
    [1, Infinity],
  ])('InvCDF(%s) = %s', (p, expected) => {
    expect(normalInvCdf(p)).toBe(expected);
  });

  it.each([-0.1, 1.1, Number.NaN])('InvCDF(%s) is NaN outside [0, 1]', (p) => {
    expect(normalInvCdf(p)).toBeNaN();
  });

  it('scales by mu and sigma', () => {
    expect(normalInvCdf(0.975, { mu: 10, sigma: 2 })).toBeCloseTo(10 + 2 * 1.959963984540054, 12);
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-1.6448536269514729, 0.05],
  ])('CDF(%s) = %s', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 14);
  });

  it('inverts normalInvCdf', () => {
    for (const p of [1e-6, 0.01, 0.2, 0.5, 0.77, 0.99]) {
      expect(normalCdf(normalInvCdf(p, { mu: 3, sigma: 0.5 }), { mu: 3, sigma: 0.5 })).toBeCloseTo(p, 13);
    }
  });
});
