// Reading the run table (RunTable, derived once in src/core/bench/run-table.ts and stored with the
// run JSON): lookups every rendering shares, so none of them derives a figure of its own.

import type { RankedRuntime, ResultJson, RunJson, RunTableRow, RuntimeScores, VersusNative } from '../run';

/** The table row of one of the run's results (rows are in the order of the results). */
export function rowOf(run: RunJson, result: ResultJson): RunTableRow {
  const row = run.table.rows[run.results.indexOf(result)];
  if (!row) throw new Error(`${result.runtime} ${result.scenario} is not a result of run ${run.id}`);
  return row;
}

/** The ranking, best first, each runtime with its scores. */
export function rankedScores(run: RunJson): (RankedRuntime & { scores: RuntimeScores })[] {
  return run.table.ranking.flatMap((entry) => {
    const scores = run.scoring?.scores[entry.runtime];
    return scores ? [{ ...entry, scores }] : [];
  });
}

/** "2", or "=2" when another runtime has the same overall score. */
export function rankText(entry: RankedRuntime): string {
  return `${entry.tied ? '=' : ''}${entry.rank}`;
}

/** The comparison with native in a table cell: "1.50x", "1.50x (n.s.)", "1.50x (no verdict)", "baseline", or "-". */
export function versusNativeCell(versus: VersusNative | null): string {
  if (!versus) return '-';
  if (versus.baseline) return 'baseline';
  return `${versus.ratio.toFixed(2)}x${{ significant: '', 'not-significant': ' (n.s.)', 'no-verdict': ' (no verdict)' }[versus.verdict]}`;
}
