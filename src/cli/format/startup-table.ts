import type { RunJson } from '../../shared/run';
import { textTable } from './text-table';
import { formatMs } from './units';

/** The startup table: each phase's P50 and P95 per runtime and start temperature, then the total. */
export function formatStartupPhases(run: RunJson): string[] {
  const rows: string[][] = [];
  for (const result of run.results) {
    if (!result.phaseStats || !result.stats) continue;
    const start = result.scenario.replace(/^startup-/, '');
    for (const phase of result.phaseStats) rows.push([result.runtime, start, phase.name, formatMs(phase.p50Ms), formatMs(phase.p95Ms)]);
    rows.push([result.runtime, start, 'total', formatMs(result.stats.medianMs), formatMs(result.stats.p95Ms)]);
  }
  if (rows.length === 0) return [];
  return ['', 'Startup by phase:', textTable(['RUNTIME', 'START', 'PHASE', 'P50', 'P95'], rows, new Set([3, 4]))];
}
