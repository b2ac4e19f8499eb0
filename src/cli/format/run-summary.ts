import type { RunJson } from '../../shared/run';
import { formatChecks } from './check-tables';
import { formatRanking } from './ranking-table';
import { formatPhases } from './phase-table';
import { formatDurations } from './plan-table';
import { textTable } from './text-table';
import { formatBytes, formatCount, formatMs } from '../../shared/format/units';
import { escapeControlCharactersInText } from '../../shared/format/control-characters';
import { notApplicableEntries, notApplicableLine } from '../../shared/format/not-applicable';
import { versusNativeCell } from '../../shared/format/run-table';

/** The table printed at the end of `envbench run` and by `envbench show`. */
export function formatRunSummary(run: RunJson): string {
  // Timed results with figures or a failure to show: checks have their own tables, not-applicable ones a list.
  const rows = run.results.flatMap((result, i) => {
    const row = run.table.rows[i]!;
    if (row.kind === 'check' || row.status === 'not-applicable') return [];
    const stats = result.stats;
    const medians = stats ? row.medians : null;
    return [
      [
        result.scenario,
        result.runtime,
        result.status,
        stats ? String(stats.n) : '0',
        stats ? formatMs(stats.medianMs) : '-',
        stats ? `${formatMs(stats.ciLowMs)} – ${formatMs(stats.ciHighMs)}` : '-',
        stats ? formatMs(stats.p95Ms) : '-',
        medians ? formatMs(medians.cpuMs) : '-',
        medians ? formatBytes(medians.peakRssBytes) : '-',
        medians ? formatBytes(medians.readBytes) : '-',
        medians ? formatBytes(medians.writeBytes) : '-',
        stats && result.readCallsPerSecond !== undefined ? formatCount(result.readCallsPerSecond) : '-',
        versusNativeCell(row.versusNative),
      ],
    ];
  });
  const table = textTable(
    ['SCENARIO', 'RUNTIME', 'STATUS', 'N', 'MEDIAN', '95% CI', 'P95', 'CPU', 'PEAK RSS (LARGEST PROCESS)', 'READ', 'WRITTEN', 'READ CALLS/S', 'VS NATIVE'],
    rows,
    new Set([3, 4, 6, 7, 8, 9, 10, 11]),
  );
  const notes = run.table.notes.map((n) => n.text);
  const notApplicable = notApplicableEntries(run.results);
  const notApplicableList = notApplicable.length > 0 ? ['', 'Not applicable (nothing to measure in this workspace or on this machine; not a failure, not scored):', ...notApplicable.map((e) => `  ${notApplicableLine(e)}`)] : [];
  const checkTable = [...notApplicableList, ...formatPhases(run), ...formatChecks(run), ...formatRanking(run), ...formatDurations(run)];
  const header = `Run ${run.id} · ${run.status} · ${run.workspace.module} (${run.workspace.path}) · ${run.options.adaptive ? `runs auto (95% CI within ${Math.round(run.options.adaptive.targetHalfWidth * 100)}% of the median, at most ${run.options.adaptive.maxRuns}${run.plan?.budgetMs ? `, budget ${formatMs(run.plan.budgetMs)}` : ''})` : `${run.options.runs} runs`}, ${run.options.warmup} warmup${run.options.offline ? ', offline' : ''}${run.options.firstRun ? ` · first-run: ${run.options.firstRun}` : ''}${run.options.main ? ` · main: ${run.options.main}` : ''}${run.options.testArgs ? ` · test-args: ${run.options.testArgs}` : ''}`;
  // The workspace's path and module and the tools' reasons are shown, never obeyed by the terminal.
  return escapeControlCharactersInText([header, ...(rows.length ? ['', table] : []), ...checkTable, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n'));
}
