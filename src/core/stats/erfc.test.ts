import { describe, it, expect } from 'vitest';
import { erfc } from './erfc';

// Reference values printed by Go's math.Erfc (go1.26.8, linux/amd64).
const GO_ERFC: ReadonlyArray<readonly [number, number]> = [
  [-30, 2],
  [-6.5, 2],
  [-3, 1.9999779095030015],
  [-1.1, 1.8802050695740817],
  [-0.5, 1.5204998778130465],
  [-0.1, 1.1124629160182848],
  [0, 1],
  [1e-20, 1],
  [0.2, 0.7772974107895215],
  [0.5, 0.4795001221869535],
  [0.84375, 0.23277433876765835],
  [1, 0.15729920705028513],
  [1.3, 0.06599205505934755],
  [2, 0.004677734981047265],
  [2.9, 4.109787809945886e-5],
  [5, 1.5374597944280351e-12],
  [10, 2.0884875837625446e-45],
  [27.9, 0],
  [30, 0],
];

describe('erfc', () => {
  it.each(GO_ERFC)('erfc(%s) matches Go', (x, expected) => {
    // Same algorithm as Go; only Math.exp may differ from Go's in the last bits.
    if (expected === 0) expect(erfc(x)).toBe(0);
    else expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1e-14);
  });

  it.each([
    [Infinity, 0],
    [-Infinity, 2],
  ])('erfc(%s) = %s', (x, expected) => {
    expect(erfc(x)).toBe(expected);
  });

  it('propagates NaN', () => {
    expect(erfc(Number.NaN)).toBeNaN();
  });
});
