import { describe, it, expect } from 'vitest';
import { choose } from './binomial-coefficient';
import { goChoose } from './go-choose';

describe('choose', () => {
  it.each([
    [0, 0, 1],
    [5, 0, 1],
    [5, 5, 1],
    [5, 2, 10],
    [10, 3, 120],
    [20, 10, 184756],
    [30, 15, 155117520],
    [50, 25, 126410606437752],
    [5, -1, 0],
    [5, 6, 0],
  ])('C(%s, %s) = %s exactly', (n, k, expected) => {
    expect(choose(n, k)).toBe(expected);
  });

  it('is symmetric', () => {
    for (let n = 0; n <= 50; n++) for (let k = 0; k <= n; k++) expect(choose(n, k)).toBe(choose(n, n - k));
  });

  it('rejects non-integers', () => {
    expect(() => choose(4.5, 2)).toThrow(/integers/);
  });
});

describe('goChoose', () => {
  it('is exact for n <= 20, like Go', () => {
    expect(goChoose(20, 10)).toBe(184756);
  });

  it('reproduces Go\'s lgamma-based rounding for 21 <= n <= 30', () => {
    // Go: mathx.Choose(21, 1) = 21.00000000000014; exact would be 21.
    expect(goChoose(21, 1)).toBe(21.00000000000014);
    for (let n = 21; n <= 30; n++) {
      for (let k = 0; k <= n; k++) expect(Math.abs(goChoose(n, k) / choose(n, k) - 1)).toBeLessThan(1e-13);
    }
  });

  it('returns 0 outside 0..n and refuses untabulated n', () => {
    expect(goChoose(25, -1)).toBe(0);
    expect(goChoose(25, 26)).toBe(0);
    expect(() => goChoose(31, 3)).toThrow(/n <= 30/);
  });
});
