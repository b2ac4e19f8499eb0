import { describe, it, expect } from 'vitest';
import { drawDisjointSets, interleavedPairs } from './resample';
import { seededRandom } from './seeded-random';

const POOL = Array.from({ length: 40 }, (_, i) => 100 + i);

describe('drawDisjointSets', () => {
  it('draws two sets of n distinct pool positions that share none', () => {
    const random = seededRandom(7);
    for (let repetition = 0; repetition < 200; repetition++) {
      const [a, b] = drawDisjointSets(POOL, 10, random);
      expect(a).toHaveLength(10);
      expect(b).toHaveLength(10);
      expect(new Set([...a, ...b]).size).toBe(20); // POOL values are distinct, so positions are too
      for (const v of [...a, ...b]) expect(POOL).toContain(v);
    }
  });

  it('treats equal values at different positions as different draws', () => {
    const [a, b] = drawDisjointSets([5, 5, 5, 5], 2, seededRandom(1));
    expect([...a, ...b]).toEqual([5, 5, 5, 5]);
  });

  it('is reproducible with a seed and leaves the pool alone', () => {
    const pool = [...POOL];
    expect(drawDisjointSets(pool, 10, seededRandom(3))).toEqual(drawDisjointSets(pool, 10, seededRandom(3)));
    expect(drawDisjointSets(pool, 10, seededRandom(3))).not.toEqual(drawDisjointSets(pool, 10, seededRandom(4)));
    expect(pool).toEqual(POOL);
  });

  it('draws every pool position about equally often', () => {
    const random = seededRandom(11);
    const counts = new Map<number, number>();
    for (let repetition = 0; repetition < 4000; repetition++) {
      for (const v of drawDisjointSets(POOL, 5, random).flat()) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Each position is drawn with probability 10/40: 1000 times expected, sd about 27.
    for (const v of POOL) expect(Math.abs((counts.get(v) ?? 0) - 1000)).toBeLessThan(140);
  });

  it.each([
    { pool: POOL.slice(0, 19), n: 10, message: /at least 20/ },
    { pool: POOL, n: 0, message: /positive whole number/ },
    { pool: POOL, n: 2.5, message: /positive whole number/ },
  ])('refuses n=$n from a pool of $pool.length', ({ pool, n, message }) => {
    expect(() => drawDisjointSets(pool, n, seededRandom(1))).toThrow(message);
  });
});

describe('interleavedPairs', () => {
  it.each([
    { ordered: [1, 2, 3, 4, 5, 6, 7, 8], n: 2, expected: [[[1, 3], [2, 4]], [[5, 7], [6, 8]]] },
    { ordered: [1, 2, 3, 4, 5, 6, 7], n: 2, expected: [[[1, 3], [2, 4]]] }, // an incomplete window is dropped
    { ordered: [1, 2, 3], n: 2, expected: [] },
  ])('splits $ordered into windows of 2·$n, even and odd positions', ({ ordered, n, expected }) => {
    expect(interleavedPairs(ordered, n)).toEqual(expected);
  });
});
