import type { RunJson } from '../../shared/run';
import { textTable } from './text-table';
import { formatMs } from '../../shared/format/units';

/**
 * The phase table: each phase's P50 and P95 per runtime and scenario (startup-cold, startup-warm,
 * debug-breakpoint), then the total — the article's startup table and its debugger latencies.
 */
export function formatPhases(run: RunJson): string[] {
  const rows: string[][] = [];
  for (const result of run.results) {
    if (!result.phaseStats || !result.stats) continue;
    for (const phase of result.phaseStats) rows.push([result.scenario, result.runtime, phase.name, formatMs(phase.p50Ms), formatMs(phase.p95Ms)]);
    rows.push([result.scenario, result.runtime, 'total', formatMs(result.stats.medianMs), formatMs(result.stats.p95Ms)]);
  }
  if (rows.length === 0) return [];
  return ['', 'By phase:', textTable(['SCENARIO', 'RUNTIME', 'PHASE', 'P50', 'P95'], rows, new Set([3, 4]))];
}
