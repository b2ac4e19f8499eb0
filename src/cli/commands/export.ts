import type { Core } from '../../core/create-core';
import { exporterFor, exportRunWith } from '../../core/export/exporters';
import type { ExportContext } from '../../core/export/exporter';
import { isTextExport } from '../../core/export/exporter';
import { checkExportPath } from '../../core/export/write-export';
import { reportData } from '../../core/report/report-data';
import { UserError } from '../../core/user-error';
import { builtRendererDir } from '../cli-core';
import { weightsOption } from '../format/ranking-table';

export interface ExportCommandOptions {
  format: string;
  out: string;
  weights?: string;
  /** pdf: a comparison report against this earlier run. */
  compare?: string;
  /** pdf: the Chromium to print with. */
  chromium?: string;
}

/** `envbench export RUN_ID --format F --out FILE`: the same exporters the app's Export button uses. */
export async function exportCommand(core: Core, runId: string, options: ExportCommandOptions, context: ExportContext): Promise<number> {
  // Every input is checked before anything is rendered or written.
  const exporter = exporterFor(options.format);
  const toStdout = options.out === '-';
  if (toStdout && !isTextExport(exporter)) {
    throw new UserError(`Cannot write the ${exporter.format} export to standard output`, 'it is a binary file', `Pass a file name, for example --out ${runId}.${exporter.extension}`);
  }
  if (!toStdout) checkExportPath(options.out);
  const run = core.getRun(runId, options.weights ? weightsOption(options.weights) : undefined);
  if (!run) {
    throw new UserError(`No run "${runId}"`, `it is not in ${core.dbFile}`, 'List the runs with `envbench history` and pass one of their IDs');
  }
  if (options.compare && exporter.format !== 'pdf') {
    throw new UserError(`--compare works with --format pdf only`, `the ${exporter.format} export is of one run`, 'Export each run on its own, or use --format pdf --compare RUN_ID');
  }
  if (exporter.format === 'pdf') {
    const { definitions, comparison } = await reportData(core, run, { compareWith: options.compare });
    context = { ...context, report: { definitions, comparison }, pdf: { ...context.pdf, rendererDir: builtRendererDir(), chromiumPath: options.chromium } };
  }
  if (toStdout) {
    const content = await exporter.render(run, context);
    process.stdout.write(content);
    return 0;
  }
  const written = await exportRunWith(exporter, run, options.out, context);
  process.stdout.write(`Wrote ${written.path} (${exporter.format}, ${written.bytes} bytes): run ${run.id}.\n`);
  return 0;
}
