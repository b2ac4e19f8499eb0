import { median } from 'simple-statistics';
import { machineDifferences } from '../../shared/format/machine-key';
import type { RunComparisonJson, RunJson } from '../../shared/run';
import { compareFamilyToBaseline } from '../stats/baseline-family';
import { holmAdjust } from '../stats/holm';
import { hasEnoughSamplesForVerdict } from '../stats/summarize';

function measuredWalls(run: RunJson, scenario: string, runtime: string): number[] {
  const result = run.results.find((r) => r.scenario === scenario && r.runtime === runtime);
  if (!result?.stats) return [];
  return result.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
}

/**
 * Compares two runs scenario by scenario and runtime by runtime (before = baseline): medians,
 * ratio after/before, Mann–Whitney p-values Holm-corrected over every pair compared, and the same
 * significance rule as within a run. Says which machine fingerprint fields differ, because figures
 * from two machines compare the machines as much as the environments.
 */
export function compareRuns(before: RunJson, after: RunJson): RunComparisonJson {
  const pairs: { scenario: string; runtime: RunJson['results'][number]['runtime']; a: number[]; b: number[] }[] = [];
  const unmatched: RunComparisonJson['unmatched'] = [];
  for (const result of before.results) {
    const a = measuredWalls(before, result.scenario, result.runtime);
    const b = measuredWalls(after, result.scenario, result.runtime);
    if (a.length > 0 && b.length > 0) pairs.push({ scenario: result.scenario, runtime: result.runtime, a, b });
    else if (a.length > 0) unmatched.push({ scenario: result.scenario, runtime: result.runtime, in: 'before' });
  }
  for (const result of after.results) {
    if (measuredWalls(after, result.scenario, result.runtime).length > 0 && measuredWalls(before, result.scenario, result.runtime).length === 0) {
      unmatched.push({ scenario: result.scenario, runtime: result.runtime, in: 'after' });
    }
  }
  // One family: every pair of this comparison, each "after" against its own "before".
  const comparisons = pairs.map((pair) => compareFamilyToBaseline([pair.b], pair.a)[0]!);
  const raw = comparisons.map((c) => c.pValue);
  const family = holmAdjust(raw);
  return {
    before: { id: before.id, startedAt: before.startedAt, module: before.workspace.module },
    after: { id: after.id, startedAt: after.startedAt, module: after.workspace.module },
    machineDifferences: machineDifferences(before.machine, after.machine),
    rows: pairs.map((pair, i) => {
      const comparison = comparisons[i]!;
      const pValueAdjusted = family[i]!;
      const enough = hasEnoughSamplesForVerdict(pair.b.length, pair.a.length);
      return {
        scenario: pair.scenario,
        runtime: pair.runtime,
        beforeMedianMs: median(pair.a),
        afterMedianMs: median(pair.b),
        ratio: comparison.ratio,
        pValue: comparison.pValue,
        pValueAdjusted,
        significant: enough && pValueAdjusted <= 0.05,
        ...(enough ? {} : { warning: `n=${pair.b.length} vs n=${pair.a.length}: too few samples for a verdict (see docs/methodology.md, Statistics)` }),
      };
    }),
    unmatched,
    correction: 'holm',
  };
}
