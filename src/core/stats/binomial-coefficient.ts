// Exact binomial coefficients for the sample sizes benchmarks use.

/**
 * C(n, k). Exact while every intermediate product stays below 2^53, which covers every
 * n <= 57 (the U-test needs at most n1+n2 = 50 on its exact path); beyond that the result
 * is a correctly-signed float approximation. Returns 0 outside 0 <= k <= n, like Go's
 * mathx.Choose, because the recurrences that call this rely on that convention.
 */
export function choose(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k)) {
    throw new RangeError(`choose(${n}, ${k}): arguments must be integers`);
  }
  if (k < 0 || k > n) return 0;
  const small = Math.min(k, n - k);
  let result = 1;
  // result = C(n - small + i, i) after step i; multiplying before dividing keeps it an
  // integer at every step, so no rounding happens while values fit in 53 bits.
  for (let i = 1; i <= small; i++) {
    result = (result * (n - small + i)) / i;
  }
  return result;
}
