import type { Core } from '../../core/create-core';
import { runToBenchfmt } from '../../core/export/benchfmt';
import { weightsOption } from '../format/ranking-table';
import type { RunJson } from '../../shared/run';
import { formatRunSummary } from '../format/run-summary';
import { textTable } from '../format/text-table';

export function historyCommand(core: Core, options: { json?: boolean }): number {
  const runs = core.listRuns();
  if (options.json) {
    process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(`No runs yet in ${core.dbFile}. Start one with: envbench run\n`);
    return 0;
  }
  const rows = runs.map((r) => [r.id, r.startedAt.replace('T', ' ').slice(0, 19), r.status, r.module, r.runtimes.join(','), r.scenarios.join(',')]);
  process.stdout.write(textTable(['ID', 'STARTED (UTC)', 'STATUS', 'WORKSPACE', 'RUNTIMES', 'SCENARIOS'], rows) + '\n');
  return 0;
}

/** What `envbench show` can print: the summary table, the run JSON, or Go benchmark format for benchstat. */
export const SHOW_FORMATS = ['table', 'json', 'bench'] as const;
export type ShowFormat = (typeof SHOW_FORMATS)[number];

const FORMATTERS: Record<ShowFormat, (run: RunJson) => string> = {
  table: formatRunSummary,
  json: (run) => JSON.stringify(run, null, 2),
  bench: (run) => runToBenchfmt(run).trimEnd(),
};

export function showCommand(core: Core, runId: string, options: { json?: boolean; format?: ShowFormat; weights?: string }): number {
  const run = core.requireRun(runId, options.weights ? weightsOption(options.weights) : undefined);
  // --json predates --format and stays as its shorthand.
  const format = options.format ?? (options.json ? 'json' : 'table');
  process.stdout.write(FORMATTERS[format](run) + '\n');
  return 0;
}
