import { describe, it, expect } from 'vitest';
import { mean } from 'simple-statistics';
import { seededRandom } from './seeded-random';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const values = Array.from({ length: 20_000 }, seededRandom(1));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mean(values)).toBeCloseTo(0.5, 1);
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]!++;
    for (const count of deciles) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});
