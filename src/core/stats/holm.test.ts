import { describe, it, expect } from 'vitest';
import { holmAdjust } from './holm';
import { seededRandom } from './seeded-random';

// Expected values by hand from R's definition, p.adjust(p, "holm") =
// pmin(1, cummax((m - i + 1) * p[order(p)]))[order(order(p))].
describe('holmAdjust', () => {
  it.each([
    { name: 'the issue example', p: [0.01, 0.04, 0.03, 0.005], expected: [0.03, 0.06, 0.06, 0.02] },
    { name: 'evenly spaced (R: 0.05 0.08 0.09 0.09 0.09)', p: [0.01, 0.02, 0.03, 0.04, 0.05], expected: [0.05, 0.08, 0.09, 0.09, 0.09] },
    { name: 'unsorted input keeps its order', p: [0.04, 0.001, 0.012], expected: [0.04, 0.003, 0.024] },
    { name: 'a smaller raw p never gets a larger adjusted p', p: [0.02, 0.021], expected: [0.04, 0.04] },
    { name: 'ties share one adjusted value', p: [0.02, 0.02], expected: [0.04, 0.04] },
    { name: 'capped at 1', p: [0.3, 0.6, 0.9], expected: [0.9, 1, 1] },
    { name: 'everything at 1', p: [1, 1, 1], expected: [1, 1, 1] },
    { name: 'zero stays zero', p: [0, 0.5], expected: [0, 0.5] },
    { name: 'family of one: identity', p: [0.0371], expected: [0.0371] },
    { name: 'family of one at 1', p: [1], expected: [1] },
    { name: 'empty family', p: [], expected: [] },
  ])('$name', ({ p, expected }) => {
    const adjusted = holmAdjust(p);
    expect(adjusted).toHaveLength(expected.length);
    adjusted.forEach((a, i) => expect(a).toBeCloseTo(expected[i] as number, 15));
  });

  it('does not modify its input', () => {
    const p = [0.04, 0.001, 0.012];
    holmAdjust(p);
    expect(p).toEqual([0.04, 0.001, 0.012]);
  });

  it.each([[[NaN]], [[-0.01]], [[1.5]], [[0.2, Infinity]]])('rejects %j: not p-values', (p) => {
    expect(() => holmAdjust(p)).toThrow(/must be in \[0, 1\]/);
  });

  describe('properties on 500 random families (seeded)', () => {
    const random = seededRandom(20260501);
    const families = Array.from({ length: 500 }, () => {
      const m = 1 + Math.floor(random() * 8);
      // Many small p-values, so decisions at 0.05 go both ways.
      return Array.from({ length: m }, () => random() ** 3);
    });

    it('adjusted p is monotone in raw p, at least raw p, at most Bonferroni and at most 1', () => {
      for (const p of families) {
        const a = holmAdjust(p);
        for (let i = 0; i < p.length; i++) {
          expect(a[i]).toBeGreaterThanOrEqual(p[i] as number);
          expect(a[i]).toBeLessThanOrEqual(Math.min(1, p.length * (p[i] as number)) + 1e-15);
          for (let j = 0; j < p.length; j++) {
            if ((p[i] as number) <= (p[j] as number)) expect(a[i]).toBeLessThanOrEqual(a[j] as number);
          }
        }
      }
    });

    it('rejects exactly what the step-down procedure rejects at alpha = 0.05', () => {
      const alpha = 0.05;
      for (const p of families) {
        // Holm (1979): order p ascending; reject while p_(k) <= alpha / (m - k + 1); stop at the first that is not.
        const order = p.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
        const rejected = new Set<number>();
        for (let k = 0; k < order.length; k++) {
          const { v, i } = order[k] as { v: number; i: number };
          if (v > alpha / (order.length - k)) break;
          rejected.add(i);
        }
        const adjusted = holmAdjust(p);
        p.forEach((_, i) => expect(adjusted[i] as number <= alpha, `family ${JSON.stringify(p)} index ${i}`).toBe(rejected.has(i)));
      }
    });
  });
});
