import { describe, it, expect } from 'vitest';
import { mannWhitneyUTest, minSamplesToDetect } from './mann-whitney';

// go-moremath stats.MannWhitneyUTest(x1, x2, LocationDiffers), printed by Go.
// (124 generated cases, including the normal approximation, are checked in
// tests/stats-benchstat.test.ts.)
const GO_CASES = [
  { name: 'separated, n=3', x1: [1, 2, 3], x2: [4, 5, 6], u: 0, p: 0.10000000000000002, method: 'exact' },
  { name: 'separated, n=5', x1: [1, 2, 3, 4, 5], x2: [6, 7, 8, 9, 10], u: 0, p: 0.007936507936507938, method: 'exact' },
  { name: 'interleaved, 4+5', x1: [10, 20, 30, 40], x2: [15, 25, 35, 45, 55], u: 6, p: 0.4126984126984128, method: 'exact' },
  { name: 'ties, 6+5', x1: [1, 2, 2, 3, 3, 3], x2: [2, 3, 4, 4, 5], u: 5.5, p: 0.11255411255411256, method: 'exact-ties' },
  { name: 'ties, 4+5', x1: [100, 101, 101, 102], x2: [101, 102, 102, 103, 103], u: 3, p: 0.15873015873015872, method: 'exact-ties' },
  { name: 'two values only', x1: [1, 1, 1, 2], x2: [1, 2, 2, 2], u: 4, p: 0.4857142857142857, method: 'exact-ties' },
  { name: 'n=1 each', x1: [5], x2: [6], u: 0, p: 1, method: 'exact' },
  { name: 'same values, shuffled (U at the centre)', x1: [3, 1, 2], x2: [2, 3, 1], u: 4.5, p: 1, method: 'exact-ties' },
] as const;

describe('mannWhitneyUTest', () => {
  it.each(GO_CASES)('$name', ({ x1, x2, u, p, method }) => {
    const r = mannWhitneyUTest(x1, x2);
    expect(r.u).toBe(u);
    expect(r.pValue).toBeCloseTo(p, 14);
    expect(r.method).toBe(method);
    expect(r.samplesEqual).toBe(false);
    expect([r.n1, r.n2]).toEqual([x1.length, x2.length]);
  });

  it('without ties, swapping the samples mirrors U and keeps p', () => {
    const a = [10, 20, 30, 40];
    const b = [15, 25, 35, 45, 55];
    const ab = mannWhitneyUTest(a, b);
    const ba = mannWhitneyUTest(b, a);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 15);
    expect(ba.u).toBe(a.length * b.length - ab.u);
  });

  it('with ties, p depends on which sample is first, exactly as in go-moremath', () => {
    // Go: MannWhitneyUTest(a, b) -> U 5.5, p 0.11255411255411256;
    //     MannWhitneyUTest(b, a) -> U 24.5, p 0.1038961038961039.
    // The conditional U distribution is only symmetric when the tie pattern is a palindrome.
    const a = [1, 2, 2, 3, 3, 3];
    const b = [2, 3, 4, 4, 5];
    expect(mannWhitneyUTest(b, a).u).toBe(24.5);
    expect(mannWhitneyUTest(b, a).pValue).toBeCloseTo(0.1038961038961039, 14);
  });

  it.each([
    { name: 'exact path', x1: [5, 5, 5], x2: [5, 5] },
    { name: 'normal path (n > 25 with ties)', x1: new Array<number>(30).fill(7), x2: new Array<number>(30).fill(7) },
  ])('all values equal ($name): p = 1 and flagged, as benchstat reports it', ({ x1, x2 }) => {
    const r = mannWhitneyUTest(x1, x2);
    expect(r.samplesEqual).toBe(true);
    expect(r.pValue).toBe(1);
  });

  it('uses the normal approximation beyond 50 values without ties', () => {
    const x1 = Array.from({ length: 60 }, (_, i) => i);
    const x2 = Array.from({ length: 60 }, (_, i) => i + 30.5);
    const r = mannWhitneyUTest(x1, x2);
    expect(r.method).toBe('normal');
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-5);
  });

  it.each([
    [[], [1]],
    [[1], []],
  ])('n=0 throws a clear error (%o vs %o)', (x1, x2) => {
    expect(() => mannWhitneyUTest(x1, x2)).toThrow(/empty/);
  });

  it('does not reorder inputs', () => {
    const x1 = [3, 1, 2];
    mannWhitneyUTest(x1, [6, 5, 4]);
    expect(x1).toEqual([3, 1, 2]);
  });
});

describe('minSamplesToDetect (benchstat uTestSamples)', () => {
  it.each([
    [0.05, { op: '>=', n: 4 }],
    [0.1, { op: '>=', n: 3 }],
    [0.01, { op: '>=', n: 5 }],
    [0.001, { op: '>=', n: 7 }],
    [1e-6, { op: '>', n: 10 }], // benchstat's own (slightly loose) wording
  ])('alpha %s -> %o', (alpha, expected) => {
    expect(minSamplesToDetect(alpha)).toEqual(expected);
  });
});
