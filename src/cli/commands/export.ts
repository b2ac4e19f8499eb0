import type { Core } from '../../core/create-core';
import { exporterFor, exportRunWith } from '../../core/export/exporters';
import type { ExportContext } from '../../core/export/exporter';
import { isTextExport } from '../../core/export/exporter';
import { checkExportPath } from '../../core/export/write-export';
import { prepareExport } from '../../core/export/export-flow';
import { UserError } from '../../core/user-error';
import { builtRendererDir } from '../cli-core';
import { weightsOption } from '../format/ranking-table';
import type { Language } from '../../shared/i18n/languages';

export interface ExportCommandOptions {
  format: string;
  out: string;
  weights?: string;
  /** pdf: a comparison report against this earlier run. */
  compare?: string;
  /** pdf: the Chromium to print with. */
  chromium?: string;
  /** pdf: the report's language (default English). */
  lang?: Language;
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
  const job = await prepareExport(
    core,
    { run: runId, format: options.format, compareWith: options.compare, weights: options.weights ? weightsOption(options.weights) : undefined },
    { ...context, language: options.lang, pdf: { ...context.pdf, rendererDir: builtRendererDir(), chromiumPath: options.chromium } },
  );
  if (toStdout) {
    process.stdout.write(await exporter.render(job.run, job.context));
    return 0;
  }
  const written = await exportRunWith(exporter, job.run, options.out, job.context);
  process.stdout.write(`Wrote ${written.path} (${exporter.format}, ${written.bytes} bytes): run ${job.run.id}.\n`);
  return 0;
}
