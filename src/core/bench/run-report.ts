import type { ComparisonJson, ResultJson, RunJson } from '../../shared/run';
import type { StoredRun } from '../history/run-store';
import { compareToBaseline, summarize } from '../stats';

export const BASELINE_RUNTIME = 'native' as const;

/**
 * Turns a stored run into the run JSON: statistics over measured (non-warmup) samples of
 * wall time, outliers flagged (never removed), and every runtime compared with native.
 */
export function buildRunJson(run: StoredRun): RunJson {
  const results: ResultJson[] = run.results.map((result) => {
    const measured = result.samples.filter((s) => !s.warmup);
    // A verdict's one measurement is shown as it is, not summarised.
    const stats = measured.length > 0 && !result.verdict ? summarize(measured.map((s) => s.wallMs)) : null;
    const outliers = new Set(stats?.outliers ?? []);
    let measuredIndex = 0;
    const samples = result.samples.map((sample) => ({
      ...sample,
      outlier: sample.warmup ? false : outliers.has(measuredIndex++),
    }));
    return {
      runtime: result.runtime,
      scenario: result.scenario,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.verdict ? { verdict: result.verdict } : {}),
      samples,
      stats,
    };
  });

  const comparisons: ComparisonJson[] = [];
  for (const result of results) {
    // A verdict is a finding, not a time to compare.
    if (result.runtime === BASELINE_RUNTIME || result.status !== 'completed' || result.verdict) continue;
    const baseline = results.find((r) => r.runtime === BASELINE_RUNTIME && r.scenario === result.scenario && r.status === 'completed');
    if (!baseline) continue;
    const walls = (r: ResultJson): number[] => r.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
    const comparison = compareToBaseline(walls(result), walls(baseline));
    comparisons.push({
      scenario: result.scenario,
      runtime: result.runtime,
      baseline: BASELINE_RUNTIME,
      ratio: comparison.ratio,
      pValue: comparison.pValue,
      significant: comparison.significant,
      ...(comparison.warning ? { warning: comparison.warning } : {}),
    });
  }

  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(run.error ? { error: run.error } : {}),
    workspace: run.workspace,
    machine: run.machine,
    options: run.options,
    results,
    comparisons,
    maintenance: run.maintenance,
  };
}
