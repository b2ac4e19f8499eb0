import type { Core } from '../../core/create-core';
import { UserError } from '../../core/user-error';
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

export function showCommand(core: Core, runId: string, options: { json?: boolean }): number {
  const run = core.getRun(runId);
  if (!run) {
    throw new UserError(`No run "${runId}"`, `it is not in ${core.dbFile}`, 'List the runs with `envbench history` and pass one of their IDs');
  }
  process.stdout.write((options.json ? JSON.stringify(run, null, 2) : formatRunSummary(run)) + '\n');
  return 0;
}
