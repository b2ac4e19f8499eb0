import { median } from 'simple-statistics';
import { formatMs } from '../../shared/format/units';
import { medianCi } from '../stats';

/**
 * A planned run (the default, and `--runs auto`): each result samples until the median is known
 * closely enough, or its planned count (run-plan.ts), or the run's clock passes the budget.
 */
export interface AdaptiveSampling {
  /** Stop once the 95% CI half-width of the median is within this fraction of it (0.02 = 2%). */
  targetHalfWidth: number;
  /** Most measured samples per result. */
  maxRuns: number;
  /** The whole run's time budget, in ms. */
  budgetMs: number;
}

export const DEFAULT_ADAPTIVE: AdaptiveSampling = { targetHalfWidth: 0.02, maxRuns: 30, budgetMs: 15 * 60_000 };

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

/** Why a result stopped at its planned sample count (the cap, or the plan's share of the budget). */
export function capReason(values: readonly number[], planned: { samples: number }, adaptive: AdaptiveSampling): string {
  const limit = planned.samples >= adaptive.maxRuns ? `the cap of ${adaptive.maxRuns} samples` : 'the samples its plan gave it';
  return `stopped at ${limit} after ${values.length} samples: CI half-width ${percent(relativeHalfWidth(values))} (target ${percent(adaptive.targetHalfWidth)})`;
}

/** Why a result stopped when the run's clock passed its budget. */
export function budgetReason(values: readonly number[], adaptive: AdaptiveSampling): string {
  return `stopped at the run's time budget of ${formatMs(adaptive.budgetMs)} after ${values.length} samples: CI half-width ${percent(relativeHalfWidth(values))} (target ${percent(adaptive.targetHalfWidth)})`;
}
