import { describe, it, expect } from 'vitest';
import { findOutliers, modifiedZScores } from './outliers';

describe('findOutliers', () => {
  it.each([
    { name: 'no outliers in tight data', values: [100, 101, 99, 102, 98, 100, 101, 99], expected: [] },
    { name: 'one slow run', values: [100, 101, 99, 102, 98, 100, 250, 99], expected: [6] },
    { name: 'slow and fast runs (two-sided)', values: [100, 101, 20, 99, 102, 98, 100, 250, 99], expected: [2, 7] },
    { name: 'n=1', values: [5], expected: [] },
    { name: 'n=2', values: [5, 500], expected: [] },
    { name: 'all equal', values: [7, 7, 7, 7, 7], expected: [] },
    // MAD = 0 (most values identical): falls back to the mean absolute deviation.
    { name: 'MAD=0, lone spike is flagged', values: [10, 10, 10, 10, 10, 10, 10, 10, 10, 50], expected: [9] },
    { name: 'MAD=0, one-tick jitter is not', values: [10, 10, 10, 10, 10, 10, 11, 11, 11, 11], expected: [] },
  ])('$name', ({ values, expected }) => {
    expect(findOutliers(values)).toEqual(expected);
  });

  it('n=0 throws a clear error', () => {
    expect(() => findOutliers([])).toThrow(/empty/);
  });
});

describe('modifiedZScores', () => {
  it('is 0.6745·(x - median)/MAD', () => {
    // median 3, |deviations| 2,1,0,1,2 -> MAD 1
    expect(modifiedZScores([1, 2, 3, 4, 5])).toEqual([-1.349, -0.6745, 0, 0.6745, 1.349]);
  });

  it('is 0 everywhere when all values are equal', () => {
    expect(modifiedZScores([4, 4, 4])).toEqual([0, 0, 0]);
  });

  it('uses (x - median)/(1.253314·meanAD) when MAD is 0', () => {
    // median 10, deviations 0×9 and 40 -> meanAD 4
    const z = modifiedZScores([10, 10, 10, 10, 10, 10, 10, 10, 10, 50]);
    expect(z[9]).toBeCloseTo(40 / (1.253314 * 4), 12);
    expect(z[0]).toBe(0);
  });
});
