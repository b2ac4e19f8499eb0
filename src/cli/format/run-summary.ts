import { median as sampleMedian } from 'simple-statistics';
import type { ResultJson, RunJson } from '../../shared/run';
import { findScenario } from '../../core/scenarios/catalog';
import { formatChecks } from './check-tables';
import { formatRanking } from './ranking-table';
import { formatPhases } from './phase-table';
import { textTable } from './text-table';
import { formatBytes, formatCount, formatMs } from '../../shared/format/units';
import { escapeControlCharactersInText } from '../../shared/format/control-characters';
import { applicableResults, notApplicableEntries, notApplicableLine } from '../../shared/format/not-applicable';

function median(values: number[]): number {
  return values.length === 0 ? NaN : sampleMedian(values);
}

function resourceMedians(result: ResultJson): { cpu: number; rss: number; read: number; write: number } {
  const measured = result.samples.filter((s) => !s.warmup);
  return {
    cpu: median(measured.map((s) => s.userMs + s.sysMs)),
    rss: median(measured.map((s) => s.maxRssKb * 1024)),
    read: median(measured.map((s) => s.readBytes)),
    write: median(measured.map((s) => s.writeBytes)),
  };
}

/**
 * One line telling the reader that the "vs native" verdicts account for testing several
 * runtimes at once; null when no scenario compared more than one runtime (nothing to correct).
 */
export function correctionNote(run: RunJson): string | null {
  const familySizes = new Map<string, number>();
  for (const c of run.comparisons) familySizes.set(c.scenario, (familySizes.get(c.scenario) ?? 0) + 1);
  const sizes = [...familySizes.values()];
  const largest = Math.max(0, ...sizes);
  if (largest < 2) return null;
  const smallest = Math.min(...sizes);
  const count = smallest === largest ? String(largest) : `${smallest} to ${largest}`;
  return `p-values Holm-corrected across ${count} comparisons per scenario`;
}

/**
 * Why results have no figures, one line each; a runtime that could not run at all fails every
 * scenario for one reason, which is said once with the scenarios it cost.
 */
function reasonNotes(results: readonly ResultJson[]): string[] {
  const groups = new Map<string, ResultJson[]>();
  for (const result of results) {
    if (!result.reason || result.status === 'not-applicable') continue;
    const key = JSON.stringify([result.runtime, result.status, result.reason]);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].flatMap((group) => {
    const first = group[0]!;
    if (group.length === 1) return [`${first.runtime} ${first.scenario} ${first.status}: ${first.reason}`];
    return [`${first.runtime}: ${group.length} scenarios ${first.status} (${group.map((r) => r.scenario).join(', ')}): ${first.reason}`];
  });
}

function isCheck(result: ResultJson): boolean {
  return findScenario(result.scenario)?.kind === 'check';
}

/** The table printed at the end of `envbench run` and by `envbench show`. */
export function formatRunSummary(run: RunJson): string {
  const rows = applicableResults(run.results.filter((r) => !isCheck(r))).map((result) => {
    const stats = result.stats;
    const resources = resourceMedians(result);
    const comparison = run.comparisons.find((c) => c.scenario === result.scenario && c.runtime === result.runtime);
    const verdict = !comparison || comparison.significant ? '' : /too few samples/.test(comparison.warning ?? '') ? ' (no verdict)' : ' (n.s.)';
    const versus = comparison ? `${comparison.ratio.toFixed(2)}x${verdict}` : result.runtime === 'native' ? 'baseline' : '-';
    return [
      result.scenario,
      result.runtime,
      result.status,
      stats ? String(stats.n) : '0',
      stats ? formatMs(stats.medianMs) : '-',
      stats ? `${formatMs(stats.ciLowMs)} – ${formatMs(stats.ciHighMs)}` : '-',
      stats ? formatMs(stats.p95Ms) : '-',
      stats ? formatMs(resources.cpu) : '-',
      stats ? formatBytes(resources.rss) : '-',
      stats ? formatBytes(resources.read) : '-',
      stats ? formatBytes(resources.write) : '-',
      stats && result.readCallsPerSecond !== undefined ? formatCount(result.readCallsPerSecond) : '-',
      versus,
    ];
  });
  const table = textTable(
    ['SCENARIO', 'RUNTIME', 'STATUS', 'N', 'MEDIAN', '95% CI', 'P95', 'CPU', 'PEAK RSS (LARGEST PROCESS)', 'READ', 'WRITTEN', 'READ CALLS/S', 'VS NATIVE'],
    rows,
    new Set([3, 4, 6, 7, 8, 9, 10, 11]),
  );
  const correction = correctionNote(run);
  const notes: string[] = correction ? [correction] : [];
  notes.push(...reasonNotes(run.results));
  for (const result of run.results) {
    if (result.stopReason) notes.push(`${result.runtime} ${result.scenario}: ${result.stopReason}`);
    for (const warning of result.stats?.warnings ?? []) notes.push(`${result.runtime} ${result.scenario}: ${warning}`);
  }
  for (const c of run.comparisons) if (c.warning) notes.push(`${c.runtime} vs ${c.baseline} ${c.scenario}: ${c.warning}`);
  // devcontainer.json's lifecycle commands are never run: said once, though docker and dind share the file.
  const lifecycle = new Set(run.maintenance.map((m) => m.facts.lifecycleCommands).filter((f): f is string => typeof f === 'string'));
  for (const fact of lifecycle) notes.push(fact);
  if (run.load?.warning) notes.unshift(`Warning: ${run.load.warning}`);
  const notApplicable = notApplicableEntries(run.results);
  const notApplicableList = notApplicable.length > 0 ? ['', 'Not applicable (nothing to measure in this workspace; not a failure, not scored):', ...notApplicable.map((e) => `  ${notApplicableLine(e)}`)] : [];
  const checkTable = [...notApplicableList, ...formatPhases(run), ...formatChecks(run), ...formatRanking(run)];
  const header = `Run ${run.id} · ${run.status} · ${run.workspace.module} (${run.workspace.path}) · ${run.options.adaptive ? `runs auto (95% CI within ${Math.round(run.options.adaptive.targetHalfWidth * 100)}% of the median, at most ${run.options.adaptive.maxRuns})` : `${run.options.runs} runs`}, ${run.options.warmup} warmup${run.options.offline ? ', offline' : ''}${run.options.firstRun ? ` · first-run: ${run.options.firstRun}` : ''}${run.options.main ? ` · main: ${run.options.main}` : ''}${run.options.testArgs ? ` · test-args: ${run.options.testArgs}` : ''}`;
  // The workspace's path and module and the tools' reasons are shown, never obeyed by the terminal.
  return escapeControlCharactersInText([header, ...(rows.length ? ['', table] : []), ...checkTable, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n'));
}
