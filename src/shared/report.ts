import { createTranslator } from './i18n/i18n';
import type { Language } from './i18n/languages';
import type { RunComparisonJson, RunJson, RuntimeId } from './run';

/**
 * Everything the printed report shows, handed to the report page (src/renderer/report.html) as
 * `window.__ENVBENCH_REPORT__`: by the CLI through Chromium, by the app through a hidden window.
 */
export interface ReportData {
  run: RunJson;
  /** A comparison report: this run against an earlier one (before/after, or two machines). */
  comparison?: { before: RunJson; result: RunComparisonJson };
  /** The environment definition each runtime of the run used, as recorded with the run, for the appendix. */
  definitions: RecordedDefinition[];
  envbench: { version: string; commit: string | null };
  generatedAt: string;
  /** The report's language (the catalogue's, src/shared/i18n); default English. */
  language?: Language;
}

/**
 * One runtime's environment definition as the run recorded it (facts definition.*), or, for a run
 * that did not record it, why not: the report never shows a preview in its place.
 */
export interface RecordedDefinition {
  runtime: RuntimeId;
  recorded: { file: string; source: string; text: string } | null;
  /** When `recorded` is null: "not recorded with this run (...)". */
  notRecorded?: string;
}

/** The global the report page reads, and the event it waits for when the data comes after load. */
export const REPORT_DATA_GLOBAL = '__ENVBENCH_REPORT__';
export const REPORT_DATA_EVENT = 'envbench-report-data';

/** The footer every printed page carries (Chromium's and Electron's print templates), in the report's language. */
export function reportFooterHtml(data: Pick<ReportData, 'run' | 'language'>): string {
  const t = createTranslator(data.language).t;
  const line = t('common.reportFooter', { run: escapeHtml(data.run.id), page: '<span class="pageNumber"></span>', pages: '<span class="totalPages"></span>' });
  return `<div style="font-size:7pt;width:100%;text-align:center;font-family:sans-serif">${line}</div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
