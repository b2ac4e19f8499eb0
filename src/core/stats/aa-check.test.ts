import { describe, it, expect } from 'vitest';
import { aaCheck, exactUTestSize } from './aa-check';
import { drawDisjointSets } from './resample';
import { seededRandom } from './seeded-random';

describe('exactUTestSize', () => {
  it.each([
    // n = 10 per side: reject when U <= 23, P = 2·P(U <= 23) = 0.0433 (standard U tables).
    { n: 10, alpha: 0.05, size: 0.043257052544978254 },
    // n = 6: reject when U <= 5; 1+1+2+3+5+7 = 19 of the C(12, 6) = 924 orderings have U <= 5.
    { n: 6, alpha: 0.05, size: (2 * 19) / 924 },
    // n = 3: even fully separated samples give p = 0.1, so the test never rejects.
    { n: 3, alpha: 0.05, size: 0 },
  ])('n=$n per side at alpha=$alpha', ({ n, alpha, size }) => {
    expect(exactUTestSize(n, n, alpha)).toBeCloseTo(size, 14);
  });
});

describe('aaCheck', () => {
  it('on samples of one continuous distribution, the rate of "significant" is the test size, not more', () => {
    const random = seededRandom(2026);
    const pool = Array.from({ length: 400 }, () => 1 + random()); // no ties
    const pairs = Array.from({ length: 2000 }, () => drawDisjointSets(pool, 10, random));
    const result = aaCheck(pairs);
    expect(result.comparisons).toBe(2000);
    expect(result.rate).toBe(result.falsePositives / 2000);
    expect(result.attainableSize).toBeCloseTo(0.0433, 4);
    // 0.0433 expected; sd of the rate at 2000 draws is about 0.0045.
    expect(Math.abs(result.rate - result.attainableSize)).toBeLessThan(0.015);
    expect(result.ci.low).toBeLessThan(result.rate);
    expect(result.ci.high).toBeGreaterThan(result.rate);
  });

  type Pair = [number[], number[]];
  const same: Pair = [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]];
  const apart: Pair = [[1, 2, 3, 4, 5, 6], [11, 12, 13, 14, 15, 16]];
  it.each([
    { name: 'never different', pairs: Array.from({ length: 100 }, (): Pair => same), expected: 'below' },
    { name: 'always different', pairs: Array.from({ length: 100 }, (): Pair => apart), expected: 'above' },
    { name: 'different 1 time in 20', pairs: Array.from({ length: 100 }, (_, i): Pair => (i % 20 === 0 ? apart : same)), expected: 'consistent' },
  ])('$name: rate is $expected alpha', ({ pairs, expected }) => {
    expect(aaCheck(pairs).rateVersusAlpha).toBe(expected);
  });

  it('uses EnvBench\'s rule: fewer than 6 per side is never significant', () => {
    expect(aaCheck([[[1, 2, 3, 4, 5], [11, 12, 13, 14, 15]]]).falsePositives).toBe(0);
  });

  it('refuses an empty list of pairs', () => {
    expect(() => aaCheck([])).toThrow(/at least one pair/);
  });
});
