// Exact null distribution of the Mann–Whitney U statistic, with and without ties, ported
// from go-moremath's stats.UDist (github.com/aclements/go-moremath, BSD-style license) so
// small-sample p-values equal benchstat's.
//
// Without ties: the Mann & Whitney (1947) recurrence
//   p_{n,m}(U) = (n·p_{n-1,m}(U-m) + m·p_{n,m-1}(U)) / (n+m).
// With ties: the linked-list (here: map) algorithm of Cheung & Klotz (1997), "The Mann
// Whitney Wilcoxon Distribution Using Linked Lists", Statistica Sinica 7: 805-813, which
// counts the rank permutations with U <= u given the tie vector.

import { choose } from './binomial-coefficient';

export interface UDistribution {
  n1: number;
  n2: number;
  /**
   * Size of each group of tied values in the pooled, sorted sample (sums to n1+n2).
   * Omit, or give all 1s, when there are no ties.
   */
  ties?: readonly number[];
}

function hasTies(d: UDistribution): boolean {
  return d.ties !== undefined && d.ties.some((t) => t > 1);
}

/**
 * p_{n1,n2}(u) for u = 0..maxU, no ties. Dynamic programming over one "row" of the
 * (n, m) plane at a time, using the symmetry p_{n,m} = p_{m,n}; see go-moremath for the
 * layout argument. Runs in O(n1·n2·maxU).
 */
function noTiesPmfTable(d: UDistribution, maxU: number): Float64Array {
  const bigN = Math.min(d.n1, d.n2);
  const bigM = Math.max(d.n1, d.n2);
  const memo: Float64Array[] = Array.from({ length: bigN + 1 }, () => new Float64Array(maxU + 1));

  for (let m = 0; m <= bigM; m++) {
    // p_{0,m} is 1 at U=0 and 0 elsewhere.
    (memo[0] as Float64Array)[0] = 1;
    const nlim = Math.min(bigN, m);
    for (let n = 1; n <= nlim; n++) {
      const lp = memo[n - 1] as Float64Array; // p_{n-1,m}
      const rp = (n <= m - 1 ? memo[n] : memo[m - 1]) as Float64Array; // p_{n,m-1}, or p_{m-1,n} when m == n
      const ulim = Math.min(n * m, maxU);
      const out = memo[n] as Float64Array; // p_{n,m}, overwritten from high U down so rp[U] is still p_{n,m-1}
      const nPlusM = n + m;
      for (let u = ulim; u >= 0; u--) {
        const l = u - m >= 0 ? n * (lp[u - m] as number) : 0;
        const r = m * (rp[u] as number);
        out[u] = (l + r) / nPlusM;
      }
    }
  }
  return memo[bigN] as Float64Array;
}

interface MemoEntry {
  n1: number;
  twoU: number;
  /** Number of placements of n1 first-sample values in the first k tie groups with 2U <= twoU. */
  count: number;
}
type MemoLevel = Map<string, MemoEntry>;

function memoKey(n1: number, twoU: number): string {
  return `${n1},${twoU}`;
}

/** Smallest 2U reachable with n1 first-sample values placed in the first k tie groups. */
function twoUMin(n1: number, k: number, t: readonly number[], a: readonly number[]): number {
  let twoU = -n1 * n1;
  let left = n1;
  for (let i = 1; i <= k; i++) {
    const take = Math.min(left, t[i - 1] as number);
    twoU += take * (a[i] as number);
    left -= take;
  }
  return twoU;
}

/** Largest 2U reachable with n1 first-sample values placed in the first k tie groups. */
function twoUMax(n1: number, k: number, t: readonly number[], a: readonly number[]): number {
  let twoU = -n1 * n1;
  let left = n1;
  for (let i = k; i > 0; i--) {
    const take = Math.min(left, t[i - 1] as number);
    twoU += take * (a[i] as number);
    left -= take;
  }
  return twoU;
}

/**
 * Memo table A[k] of counts for every (n1, 2U) the recurrence needs, k = number of tie
 * groups considered; A[K] holds the single requested entry. First the needed keys are
 * discovered top-down, then counts are filled bottom-up (go-moremath makeUmemo).
 */
function makeUMemo(twoU: number, n1: number, t: readonly number[]): MemoLevel[] {
  const bigK = t.length;
  if (bigK < 2) {
    throw new RangeError('U distribution with ties needs at least two distinct values');
  }
  const tAt = (i: number): number => t[i] as number;

  // a[k] = 2·(midrank of tie group k) - 1 (Cheung & Klotz's a_k): keeps every quantity integral.
  const a = new Array<number>(bigK + 1).fill(0);
  a[1] = tAt(0);
  for (let k = 2; k <= bigK; k++) a[k] = (a[k - 1] as number) + tAt(k - 2) + tAt(k - 1);

  const levels: MemoLevel[] = Array.from({ length: bigK + 1 }, () => new Map<string, MemoEntry>());
  const level = (k: number): MemoLevel => levels[k] as MemoLevel;
  level(bigK).set(memoKey(n1, twoU), { n1, twoU, count: 0 });

  // Top-down: which (n1, 2U) pairs does each level need?
  let tsum = t.reduce((s, x) => s + x, 0); // always sum of t[0:k+1] at loop start
  for (let k = bigK - 1; k >= 2; k--) {
    tsum -= tAt(k);
    const next = level(k);
    for (const above of level(k + 1).values()) {
      const rkLow = Math.max(0, above.n1 - tsum);
      const rkHigh = Math.min(above.n1, tAt(k));
      for (let rk = rkLow; rk <= rkHigh; rk++) {
        const twoUk = above.twoU - rk * ((a[k + 1] as number) - 2 * above.n1 + rk);
        const n1k = above.n1 - rk;
        if (twoUMin(n1k, k, t, a) <= twoUk && twoUk <= twoUMax(n1k, k, t, a)) {
          const key = memoKey(n1k, twoUk);
          if (!next.has(key)) next.set(key, { n1: n1k, twoU: twoUk, count: 0 });
        }
      }
    }
  }

  // Base case k = 2: count directly.
  const n2Groups = tAt(0) + tAt(1);
  for (const entry of level(2).values()) {
    let sum = 0;
    const r2Low = Math.max(0, entry.n1 - tAt(0));
    // Go integer division truncates toward zero.
    const r2High = Math.trunc((entry.twoU - entry.n1 * (tAt(0) - entry.n1)) / n2Groups);
    for (let r2 = r2Low; r2 <= r2High; r2++) {
      sum += choose(tAt(0), entry.n1 - r2) * choose(tAt(1), r2);
    }
    entry.count = sum;
  }

  // Bottom-up: counts for k >= 3 from level k-1.
  tsum = tAt(0); // always sum of t[0:k-1]
  for (let k = 3; k <= bigK; k++) {
    tsum += tAt(k - 2);
    const below = level(k - 1);
    for (const entry of level(k).values()) {
      let sum = 0;
      const rkLow = Math.max(0, entry.n1 - tsum);
      const rkHigh = Math.min(entry.n1, tAt(k - 1));
      for (let rk = rkLow; rk <= rkHigh; rk++) {
        const twoUBelow = entry.twoU - rk * ((a[k] as number) - 2 * entry.n1 + rk);
        const n1Below = entry.n1 - rk;
        const hit = below.get(memoKey(n1Below, twoUBelow));
        let x = hit?.count ?? 0;
        // Keys pruned above the maximum reachable 2U count every placement.
        if (hit === undefined && twoUMax(n1Below, k - 1, t, a) < twoUBelow) {
          x = choose(tsum, n1Below);
        }
        sum += x * choose(tAt(k - 1), rk);
      }
      entry.count = sum;
    }
  }
  return levels;
}

/** Count of rank placements with 2U <= twoU, given ties. */
function tiesCumulativeCount(d: UDistribution, twoU: number): number {
  const t = d.ties as readonly number[];
  const entry = makeUMemo(twoU, d.n1, t)[t.length]?.get(memoKey(d.n1, twoU));
  if (entry === undefined) throw new Error('U distribution memo table is missing the requested entry');
  return entry.count;
}

/** P(U = u) under the null hypothesis. */
export function uPmf(d: UDistribution, u: number): number {
  if (u < 0 || u >= 0.5 + d.n1 * d.n2) return 0;
  if (hasTies(d)) {
    // The tie algorithm yields the CDF; difference adjacent half-steps.
    const twoU = Math.trunc(2 * u);
    const p1 = tiesCumulativeCount(d, twoU - 1);
    const p2 = tiesCumulativeCount(d, twoU);
    return (p2 - p1) / choose(d.n1 + d.n2, d.n1);
  }
  const ui = Math.floor(u);
  return noTiesPmfTable(d, ui)[ui] as number;
}

/** P(U <= u) under the null hypothesis. */
export function uCdf(d: UDistribution, u: number): number {
  if (u < 0) return 0;
  if (u >= d.n1 * d.n2) return 1;
  if (hasTies(d)) {
    return tiesCumulativeCount(d, Math.trunc(2 * u)) / choose(d.n1 + d.n2, d.n1);
  }
  // Symmetric around n1·n2/2: sum whichever tail is shorter.
  let ui = Math.floor(u);
  const flip = ui >= Math.trunc((d.n1 * d.n2 + 1) / 2);
  if (flip) ui = d.n1 * d.n2 - ui - 1;
  const pmf = noTiesPmfTable(d, ui);
  let p = 0;
  for (let i = 0; i <= ui; i++) p += pmf[i] as number;
  return flip ? 1 - p : p;
}
