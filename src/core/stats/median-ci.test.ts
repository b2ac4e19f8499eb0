import { describe, it, expect } from 'vitest';
import { medianCi, medianCiOrders, minSamplesForMedianCi } from './median-ci';

// go-moremath stats.QuantileCI(n, 0.5, 0.95): [n, LoOrder, HiOrder, Confidence], printed by Go.
// (The full 1..400 table at three levels is checked in tests/stats-benchstat.test.ts.)
const GO_QUANTILE_CI_95: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 0, 2, 1],
  [2, 0, 3, 1],
  [4, 0, 5, 1],
  [5, 0, 5, 0.96875],
  [6, 1, 6, 0.96875],
  [7, 1, 7, 0.984375],
  [8, 1, 7, 0.9609375],
  [9, 2, 8, 0.9609375],
  [10, 2, 9, 0.978515625],
  [11, 2, 9, 0.96142578125],
  [16, 4, 12, 0.950958251953125],
  [20, 6, 15, 0.9586105346679688],
  // 21..30: float noise in Go's Choose decides between two equally valid intervals.
  [22, 6, 16, 0.9653103351593018],
  [24, 8, 18, 0.9567147493362336],
  [30, 10, 21, 0.9572260547429379],
  // > 30: normal approximation.
  [31, 10, 22, 0.9688587894042033],
  [36, 12, 24, 0.9514933524049469],
  [40, 14, 27, 0.9601673807552584],
];

describe('medianCiOrders (benchstat/go-moremath QuantileCI)', () => {
  it.each(GO_QUANTILE_CI_95)('n=%s -> orders %s..%s at %s', (n, lo, hi, conf) => {
    const r = medianCiOrders(n, 0.95);
    expect([r.lowOrder, r.highOrder]).toEqual([lo, hi]);
    expect(r.confidence).toBeCloseTo(conf, 14);
  });

  it('exact branch confidences are bit-identical to Go (same sums in the same order)', () => {
    expect(medianCiOrders(10).confidence).toBe(0.978515625);
    expect(medianCiOrders(24).confidence).toBe(0.9567147493362336);
  });

  it('confidence 1 spans everything', () => {
    expect(medianCiOrders(10, 1)).toEqual({ lowOrder: 0, highOrder: 11, confidence: 1 });
  });

  it.each([0, -1, 2.5])('rejects sample size %s', (n) => {
    expect(() => medianCiOrders(n)).toThrow(/sample size/);
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects confidence %s', (c) => {
    expect(() => medianCiOrders(10, c)).toThrow(/confidence/);
  });
});

describe('medianCi', () => {
  const ten = [19, 11, 13, 17, 12, 15, 20, 14, 16, 18]; // sorted: 11..20

  it.each([
    // [values, low, high, level, meetsConfidence]
    { name: 'n=10', values: ten, low: 12, high: 19, level: 0.978515625, meets: true },
    { name: 'n=6 (smallest finite 95% CI)', values: [6, 1, 5, 2, 4, 3], low: 1, high: 6, level: 0.96875, meets: true },
    { name: 'n=5 widened to min..max', values: [5, 1, 4, 2, 3], low: 1, high: 5, level: 0.9375, meets: false },
    { name: 'n=2', values: [7, 3], low: 3, high: 7, level: 0.5, meets: false },
    { name: 'n=1', values: [42], low: 42, high: 42, level: 0, meets: false },
    { name: 'all equal', values: [7, 7, 7, 7, 7, 7, 7], low: 7, high: 7, level: 0.984375, meets: true },
    { name: 'ties', values: [1, 2, 2, 2, 2, 3, 3, 9], low: 1, high: 3, level: 0.9609375, meets: true },
  ])('$name', ({ values, low, high, level, meets }) => {
    const ci = medianCi(values);
    expect(ci.low).toBe(low);
    expect(ci.high).toBe(high);
    expect(ci.level).toBeCloseTo(level, 15);
    expect(ci.meetsConfidence).toBe(meets);
    if (meets) expect(ci.level).toBeGreaterThanOrEqual(0.95);
    else expect(ci.level).toBeLessThan(0.95);
  });

  it('does not reorder the caller\'s array', () => {
    const values = [3, 1, 2, 5, 4, 6];
    medianCi(values);
    expect(values).toEqual([3, 1, 2, 5, 4, 6]);
  });

  it('n=0 throws a clear error', () => {
    expect(() => medianCi([])).toThrow(/empty/);
  });

  it('rejects non-finite values', () => {
    expect(() => medianCi([1, Number.NaN])).toThrow(/finite/);
  });

  it('supports other confidence levels', () => {
    // QuantileCI(10, 0.5, 0.9) = orders 2..8 at 0.9345703125, left-biased (Go).
    const ci = medianCi(ten, 0.9);
    expect([ci.lowOrder, ci.highOrder, ci.low, ci.high, ci.level]).toEqual([2, 8, 12, 18, 0.9345703125]);
  });
});

describe('minSamplesForMedianCi (benchstat medianSamples)', () => {
  it.each([
    [0.95, { op: '>=', n: 6 }],
    [0.9, { op: '>=', n: 5 }],
    [0.99, { op: '>=', n: 8 }],
  ])('confidence %s -> %o', (conf, expected) => {
    expect(minSamplesForMedianCi(conf)).toEqual(expected);
  });
});
