// Input checks shared by every statistic, so each fails the same clear way.

/**
 * Throws when `values` is empty or holds a non-finite number. Statistics of an empty sample
 * are undefined, and a NaN would silently poison sorting and ranks rather than fail.
 */
export function assertSample(values: readonly number[], what = 'sample'): void {
  if (values.length === 0) {
    throw new RangeError(`${what} is empty: at least one value is required`);
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad !== -1) {
    throw new RangeError(`${what}[${bad}] is ${String(values[bad])}: values must be finite numbers`);
  }
}

/** Ascending copy; never reorders the caller's array. */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
