import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '../../core/create-core';
import type { RunFilter } from '../../core/history/run-store';
import { parseRuntimeIds } from '../../core/environments/registry';
import { parseScenarioIds } from '../../core/scenarios/catalog';
import { describeOwner } from '../../core/machine/measure-lock';
import { UserError } from '../../core/user-error';
import { runToBenchfmt } from '../../core/export/benchfmt';
import { weightsOption } from '../format/ranking-table';
import type { RunJson } from '../../shared/run';
import { formatRunSummary } from '../format/run-summary';
import { textTable } from '../format/text-table';
import { hostNameOf } from '../../shared/format/machine-key';
import { jsonTarget, writeJson } from '../run-outputs';

export interface HistoryOptions {
  json?: string | boolean;
  runtime?: string;
  scenario?: string;
  workspace?: string;
  limit?: string;
  since?: string;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--since`: `7d`, `12h`, `30m`, `2w` ago, or a date or time (`2026-12-01`, `2026-12-01T09:00`, local time). */
export function parseSince(text: string, now = Date.now()): string {
  const trimmed = text.trim();
  const ago = /^(\d+)([mhdw])$/.exec(trimmed);
  const at = ago ? now - Number(ago[1]) * UNITS[ago[2]!]! : /^\d{4}-\d\d-\d\d/.test(trimmed) ? new Date(/^\d{4}-\d\d-\d\d$/.test(trimmed) ? `${trimmed}T00:00` : trimmed).getTime() : NaN;
  if (Number.isNaN(at)) throw new UserError(`Invalid --since "${text}"`, 'it must be a time ago (30m, 12h, 7d, 2w) or a date (2026-12-01, 2026-12-01T09:00)', 'Pass for example --since 7d');
  return new Date(at).toISOString();
}

/** The filter of `history`'s options, each checked (UserError, exit 2) before the history is read. */
function runFilter(options: HistoryOptions): { filter: RunFilter; limit: number | undefined } {
  let limit: number | undefined;
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit.trim()) || Number(options.limit) < 1) throw new UserError(`Invalid --limit "${options.limit}"`, 'it must be a whole number from 1', 'Pass for example --limit 20');
    limit = Number(options.limit);
  }
  const workspace = options.workspace === undefined ? undefined : path.resolve(options.workspace);
  return {
    limit,
    filter: {
      ...(options.runtime !== undefined ? { runtimes: parseRuntimeIds(options.runtime) } : {}),
      ...(options.scenario !== undefined ? { scenarios: parseScenarioIds(options.scenario) } : {}),
      // Runs store the workspace's real path; one that is gone is looked for as given.
      ...(workspace !== undefined ? { workspacePath: fs.existsSync(workspace) ? fs.realpathSync(workspace) : workspace } : {}),
      ...(options.since !== undefined ? { since: parseSince(options.since) } : {}),
    },
  };
}

export function historyCommand(core: Core, options: HistoryOptions): number {
  const json = jsonTarget(options.json);
  const { filter, limit } = runFilter(options);
  const runs = core.listRuns({ filter, ...(limit !== undefined ? { limit } : {}) });
  if (json) {
    writeJson(json, runs);
    return 0;
  }
  if (runs.length === 0) {
    const filtered = Object.keys(filter).length > 0;
    process.stdout.write(filtered ? `No run in ${core.dbFile} matches.\n` : `No runs yet in ${core.dbFile}. Start one with: envbench run\n`);
    return 0;
  }
  // A HOST column once any listed run measured a remote host (`run --host`): its name, or "local".
  const remote = runs.some((r) => r.host);
  const rows = runs.map((r) => [r.id, r.startedAt.replace('T', ' ').slice(0, 19), r.status, ...(remote ? [r.host ? hostNameOf(r.host) : 'local'] : []), r.module, r.runtimes.join(','), r.scenarios.join(',')]);
  process.stdout.write(textTable(['ID', 'STARTED (UTC)', 'STATUS', ...(remote ? ['HOST'] : []), 'WORKSPACE', 'RUNTIMES', 'SCENARIOS'], rows) + '\n');
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

export interface ShowOptions extends Omit<HistoryOptions, 'limit'> {
  format?: ShowFormat;
  weights?: string;
}

/**
 * `envbench show [RUN_ID]`: one run, by id, or the newest that matches --workspace, --since,
 * --runtime and --scenario. --runtime and --scenario also narrow what is shown to those results
 * (the ranking stays the whole run's: it is computed over every scenario measured).
 */
export function showCommand(core: Core, runId: string | undefined, options: ShowOptions): number {
  const json = jsonTarget(options.json);
  const { filter } = runFilter(options);
  let id = runId;
  if (id === undefined) {
    const newest = core.listRuns({ filter, limit: 1 })[0];
    if (!newest) {
      throw new UserError(`No run in ${core.dbFile} matches`, Object.keys(filter).length > 0 ? 'no run has those runtimes, scenarios, workspace or start time' : 'the history is empty', Object.keys(filter).length > 0 ? 'List the runs with `envbench history` and the same options' : 'Start one with: envbench run');
    }
    id = newest.id;
  }
  const run = narrowRun(core.requireRun(id, options.weights ? weightsOption(options.weights) : undefined), filter);
  if (json) {
    writeJson(json, run);
    return 0;
  }
  // --json predates --format and stays as its shorthand.
  const format = options.format ?? 'table';
  process.stdout.write(FORMATTERS[format](run) + '\n');
  return 0;
}

/** The run with only the results (and their comparisons and table rows) of the filter's runtimes and scenarios. */
export function narrowRun(run: RunJson, filter: RunFilter): RunJson {
  const { runtimes, scenarios } = filter;
  if (!runtimes && !scenarios) return run;
  const keep = (r: { runtime: string; scenario: string }): boolean => (!runtimes || runtimes.includes(r.runtime)) && (!scenarios || scenarios.includes(r.scenario));
  return {
    ...run,
    results: run.results.filter(keep),
    comparisons: run.comparisons.filter((c) => keep(c) && (!runtimes || runtimes.includes(c.baseline))),
    table: { ...run.table, rows: run.table.rows.filter(keep) },
  };
}

/** `envbench delete RUN_ID`: as the app's Delete, never a run that is still measuring. */
export function deleteCommand(core: Core, runId: string): number {
  const run = core.requireRun(runId);
  const measuring = core.measuringNow();
  if (measuring?.runId === run.id) {
    throw new UserError(`Run ${run.id} is still measuring`, `${describeOwner(measuring)} holds the machine`, 'Cancel it first (Ctrl-C where it runs, or Cancel in the app), then delete it');
  }
  core.deleteRun(run.id);
  process.stdout.write(`Deleted run ${run.id} (${run.workspace.module}, started ${run.startedAt.replace('T', ' ').slice(0, 19)} UTC) and everything measured in it from ${core.dbFile}.\n`);
  return 0;
}
