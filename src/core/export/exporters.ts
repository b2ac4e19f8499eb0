// The registry of export formats, and how a run is written in one of them: check the target,
// render, write atomically (export-flow.ts adds the checks and data every shell's export shares).
// Adding a format is one new file and one line here.

import type { ExportFormat, RunJson } from '../../shared/run';
import { EXPORT_FORMATS } from '../../shared/run';
import { UserError } from '../user-error';
import { benchfmtExporter } from './benchfmt-exporter';
import { csvSamplesExporter, csvSummaryExporter } from './csv';
import type { ExportContext, Exporter } from './exporter';
import { jsonExporter } from './json';
import { markdownExporter } from './markdown';
import { pdfExporter } from './pdf';
import { checkExportPath, writeExport } from './write-export';

export const EXPORTERS: readonly Exporter[] = [pdfExporter, markdownExporter, csvSamplesExporter, csvSummaryExporter, jsonExporter, benchfmtExporter];

export function findExporter(format: string): Exporter | undefined {
  return EXPORTERS.find((e) => e.format === format);
}

/** Names people also type; the canonical ones are EXPORT_FORMATS. */
const ALIASES: Record<string, ExportFormat> = { markdown: 'md', bench: 'benchfmt' };

/** `--format` text to an exporter, or a UserError that lists every format. */
export function exporterFor(format: string): Exporter {
  const exporter = findExporter(ALIASES[format] ?? format);
  if (exporter) return exporter;
  throw new UserError(
    `Unknown export format "${format}"`,
    `EnvBench exports ${EXPORTERS.map((e) => `${e.format} (${e.description})`).join('; ')}`,
    `Pass one of ${EXPORT_FORMATS.join(', ')} with --format`,
  );
}

/** Renders the run with `exporter` and writes it to `file` atomically; the target is checked before rendering. */
export async function exportRunWith(exporter: Exporter, run: RunJson, file: string, context: ExportContext): Promise<{ path: string; bytes: number }> {
  const target = checkExportPath(file);
  const content = await exporter.render(run, context);
  return writeExport(target, content);
}

export async function exportRun(run: RunJson, format: string, file: string, context: ExportContext): Promise<{ path: string; bytes: number }> {
  return exportRunWith(exporterFor(format), run, file, context);
}
