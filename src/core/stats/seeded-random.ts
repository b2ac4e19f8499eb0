// A small seeded pseudo-random generator, so a resampling experiment or a test that draws
// random data gives the same numbers every time it is run with the same seed.

/**
 * Uniform numbers in [0, 1) from a 32-bit seed (mulberry32: one 32-bit state, passes
 * practical statistical tests, far more than a benchmark's resampling needs). Math.random
 * cannot be seeded, which would make a reported false-positive rate impossible to reproduce.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
