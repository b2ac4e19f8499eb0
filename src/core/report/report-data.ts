import type { ReportData } from '../../shared/report';
import type { RunJson } from '../../shared/run';
import { compareRuns } from '../bench/run-comparison';
import type { Core } from '../create-core';
import { recordedDefinitions } from './recorded-definitions';

/**
 * What the printed report shows for a run the caller has already read (and, for a comparison
 * report, the earlier run it is set against): the run JSON, the comparison, and the definitions its
 * runtimes used, as recorded with the run (never today's preview of the workspace).
 */
export async function reportData(core: Core, run: RunJson, options: { compareWith?: string } = {}): Promise<ReportData> {
  const before = options.compareWith ? core.requireRun(options.compareWith) : null;
  const definitions = recordedDefinitions(run);
  return {
    run,
    ...(before ? { comparison: { before, result: compareRuns(before, run) } } : {}),
    definitions,
    envbench: core.envbench,
    generatedAt: new Date().toISOString(),
  };
}
