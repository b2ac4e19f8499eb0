import { median } from 'simple-statistics';
import { medianCi } from '../stats';

/** `--runs auto`: sample until the median is known closely enough, or a cap is reached. */
export interface AdaptiveSampling {
  /** Stop once the 95% CI half-width of the median is within this fraction of it (0.02 = 2%). */
  targetHalfWidth: number;
  /** Most measured samples per result. */
  maxRuns: number;
  /** Most time for one scenario across all runtimes, in ms. */
  budgetMs: number;
}

export const DEFAULT_ADAPTIVE: AdaptiveSampling = { targetHalfWidth: 0.02, maxRuns: 30, budgetMs: 10 * 60_000 };

/** The 95% CI half-width of the median as a fraction of the median, or null below the size a 95% CI needs. */
export function relativeHalfWidth(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const ci = medianCi(values, 0.95);
  if (!ci.meetsConfidence) return null;
  const middle = median([...values]);
  return middle > 0 ? (ci.high - ci.low) / 2 / middle : null;
}

const percent = (x: number | null): string => (x === null ? 'no CI yet' : `${(x * 100).toFixed(1)}%`);

/** Why sampling stopped once converged, or null to keep going. */
export function convergedReason(values: readonly number[], target: number): string | null {
  const width = relativeHalfWidth(values);
  if (width === null || width > target) return null;
  return `converged: the 95% CI half-width of the median is ${percent(width)} of it after ${values.length} samples (target ${percent(target)})`;
}

export function capReason(values: readonly number[], kind: 'samples' | 'budget', adaptive: AdaptiveSampling): string {
  const limit = kind === 'samples' ? `the cap of ${adaptive.maxRuns} samples` : `the time budget of ${Math.round(adaptive.budgetMs / 1000)} s for the scenario`;
  return `stopped at ${limit} after ${values.length} samples: CI half-width ${percent(relativeHalfWidth(values))} (target ${percent(adaptive.targetHalfWidth)})`;
}
