// One interface for every file format a run can be exported to, as hyperfine's `Exporter` trait:
// each format is one file here, listed once in exporters.ts, and `envbench export`, `envbench run`'s
// outputs and the app's Export button all go through export-flow.ts.

import type { Language } from '../../shared/i18n/languages';
import type { ReportData } from '../../shared/report';
import type { ExportFormat, RunJson } from '../../shared/run';

export type { ExportFormat };

/** What an exporter may need besides the run: who exported it, and the PDF's browser. */
export interface ExportContext {
  /** The EnvBench doing the export (the run JSON keeps the one that measured, in `machine`). */
  envbench: { version: string; commit: string | null };
  /** What the printed report adds to the run: the definitions appendix, and a run to compare with. */
  report?: Pick<ReportData, 'definitions' | 'comparison'>;
  /** The PDF's language (the other formats are data, in English); default English. */
  language?: Language;
  pdf?: {
    /** The built renderer holding report.html (out/renderer). */
    rendererDir?: string;
    chromiumPath?: string;
    /** Prints the report page another way (the app: Electron's printToPDF); default Chromium. */
    print?: (data: ReportData) => Promise<Uint8Array>;
  };
}

export interface Exporter {
  format: ExportFormat;
  /** File name extension without the dot, for save dialogs and default names. */
  extension: string;
  mediaType: string;
  /** One line for `--help`, error messages and the app's format list. */
  description: string;
  /** Pure: returns the whole file; writing it (atomically) is write-export.ts's job. */
  render(run: RunJson, context: ExportContext): Promise<Uint8Array | string>;
}

/** Text formats can go to standard output (`--out -`); binary ones (PDF) cannot. */
export function isTextExport(exporter: Exporter): boolean {
  return /^text\//.test(exporter.mediaType) || /^application\/json\b/.test(exporter.mediaType);
}
