// Normal distribution CDF and inverse CDF, ported from go-moremath's stats.NormalDist
// (github.com/aclements/go-moremath, BSD-style license) because benchstat uses exactly
// these for the large-n median CI and the large-sample U-test approximation.

import { erfc } from './erfc';

export interface NormalParams {
  mu: number;
  sigma: number;
}

export const STANDARD_NORMAL: NormalParams = { mu: 0, sigma: 1 };

/** P(X <= x) for X ~ N(mu, sigma²). */
export function normalCdf(x: number, { mu, sigma }: NormalParams = STANDARD_NORMAL): number {
  return erfc(-(x - mu) / (sigma * Math.SQRT2)) / 2;
}

/**
 * Inverse CDF: Peter J. Acklam's rational approximation plus one Halley refinement step,
 * exactly as go-moremath computes it (so interval edges round the same way).
 */
export function normalInvCdf(p: number, { mu, sigma }: NormalParams = STANDARD_NORMAL): number {
  const a1 = -3.969683028665376e1;
  const a2 = 2.209460984245205e2;
  const a3 = -2.759285104469687e2;
  const a4 = 1.38357751867269e2;
  const a5 = -3.066479806614716e1;
  const a6 = 2.506628277459239;

  const b1 = -5.447609879822406e1;
  const b2 = 1.615858368580409e2;
  const b3 = -1.556989798598866e2;
  const b4 = 6.680131188771972e1;
  const b5 = -1.328068155288572e1;

  const c1 = -7.784894002430293e-3;
  const c2 = -3.223964580411365e-1;
  const c3 = -2.400758277161838;
  const c4 = -2.549732539343734;
  const c5 = 4.374664141464968;
  const c6 = 2.938163982698783;

  const d1 = 7.784695709041462e-3;
  const d2 = 3.224671290700398e-1;
  const d3 = 2.445134137142996;
  const d4 = 3.754408661907416;

  const plow = 0.02425;
  const phigh = 1 - plow;

  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;

  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  } else if (phigh < p) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
      (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
  }

  // One step of Halley's method brings the approximation to full double precision.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  x = x - u / (1 + (x * u) / 2);

  return x * sigma + mu;
}
