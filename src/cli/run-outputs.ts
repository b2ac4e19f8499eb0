import { type Command, Option } from 'commander';
import { checkExportPath, writeExport } from '../core/export/write-export';
import { LANGUAGE_IDS, type Language } from '../shared/i18n/languages';
import type { ExportFormat } from '../shared/run';

/** Where an output goes: standard output, or a file whose folder was checked before anything ran. */
export type OutputTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

export interface RunOutput {
  /** The option as the user typed it, for messages: `--json`. */
  flag: string;
  format: ExportFormat;
  target: OutputTarget;
}

/**
 * `envbench run`'s output files: EnvBench's own names beside hyperfine's `--export-*`. A file of
 * '-' (and `--json` with none) is standard output, as in hyperfine; the run's summary then goes to
 * standard error, so what a pipe reads is the export alone.
 */
export const RUN_OUTPUT_OPTIONS = [
  { key: 'json', flags: '--json [file]', format: 'json', help: "also write the run JSON to this file; '-' or no file: to standard output (the summary then goes to standard error)" },
  { key: 'exportJson', flags: '--export-json <file>', format: 'json', help: "the run JSON, as --json (hyperfine's name)" },
  { key: 'exportMarkdown', flags: '--export-markdown <file>', format: 'md', help: "the Markdown report ('-': standard output)" },
  { key: 'exportCsv', flags: '--export-csv <file>', format: 'csv', help: "one row per sample ('-': standard output)" },
  { key: 'bench', flags: '--bench <file>', format: 'benchfmt', help: "the samples in Go benchmark format, for benchstat ('-': standard output)" },
  { key: 'pdf', flags: '--pdf <file>', format: 'pdf', help: 'the PDF report (printed by the system Chromium)' },
] as const satisfies readonly { key: string; flags: string; format: ExportFormat; help: string }[];

export type RunOutputOptions = Partial<Record<(typeof RUN_OUTPUT_OPTIONS)[number]['key'], string | boolean>> & { lang?: Language };

export function addRunOutputOptions(command: Command): Command {
  for (const o of RUN_OUTPUT_OPTIONS) command.option(o.flags, o.help);
  return command.addOption(langOption());
}

/** The PDF's language (--pdf of run, export --format pdf), as the app's language picker offers them; the data formats stay English. */
export function langOption(): Option {
  return new Option('--lang <language>', `pdf: the report's language: ${LANGUAGE_IDS.join(', ')} (default: en)`).choices(LANGUAGE_IDS);
}

/** `--json [file]` of history, show and doctor: standard output unless a file is named (checked, exit 2). */
export function jsonTarget(value: string | boolean | undefined): OutputTarget | null {
  if (value === undefined || value === false) return null;
  return value === true || value === '-' ? { kind: 'stdout' } : { kind: 'file', path: checkExportPath(value) };
}

/** Writes JSON where `--json` said: standard output, or the file whole or not at all (saying so on standard error). */
export function writeJson(target: OutputTarget, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (target.kind === 'stdout') {
    process.stdout.write(text);
    return;
  }
  const written = writeExport(target.path, text);
  process.stderr.write(`Wrote ${written.path} (json, ${written.bytes} bytes).\n`);
}
