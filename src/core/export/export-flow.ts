// The one path from "export this run" to a file, for every shell: `envbench export`, the outputs
// of `envbench run` (--json, --bench, --pdf) and the app's Export button (`run:export`). Every
// input is checked before anything is rendered; the shells only say where the report page is.

import type { RunJson } from '../../shared/run';
import type { ScoreWeights } from '../bench/ranking';
import type { Core } from '../create-core';
import { reportData } from '../report/report-data';
import { UserError } from '../user-error';
import type { ExportContext, Exporter } from './exporter';
import { exporterFor, exportRunWith } from './exporters';

export interface ExportRequest {
  /** The run, or its id in the history. */
  run: RunJson | string;
  /** An export format, or a name people also type (`markdown`, `bench`). */
  format: string;
  /** PDF only: a comparison report against this earlier run. */
  compareWith?: string;
  /** Scores with these weights (a run given by id only). */
  weights?: ScoreWeights;
}

export interface PreparedExport {
  exporter: Exporter;
  run: RunJson;
  context: ExportContext;
}

/**
 * Everything an export needs, checked before anything is rendered: the format, the run (the one
 * "No run" error), that only a PDF compares two runs, and what the printed report adds to the run.
 */
export async function prepareExport(core: Core, request: ExportRequest, context: ExportContext): Promise<PreparedExport> {
  const exporter = exporterFor(request.format);
  const run = typeof request.run === 'string' ? core.requireRun(request.run, request.weights) : request.run;
  if (request.compareWith && exporter.format !== 'pdf') {
    throw new UserError('Only a PDF compares two runs', `the ${exporter.format} export is of one run`, 'Export a PDF (--format pdf), or export each run on its own');
  }
  if (exporter.format !== 'pdf') return { exporter, run, context };
  const { definitions, comparison } = await reportData(core, run, { compareWith: request.compareWith });
  return { exporter, run, context: { ...context, report: { definitions, comparison } } };
}

/** Prepares the export and writes it to `file` whole or not at all; the target is checked before rendering. */
export async function exportToFile(core: Core, request: ExportRequest, file: string, context: ExportContext): Promise<{ path: string; bytes: number }> {
  const job = await prepareExport(core, request, context);
  return exportRunWith(job.exporter, job.run, file, job.context);
}
