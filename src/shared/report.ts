import type { DefinitionPreview } from './ipc/contract';
import type { RunComparisonJson, RunJson } from './run';

/**
 * Everything the printed report shows, handed to the report page (src/renderer/report.html) as
 * `window.__ENVBENCH_REPORT__`: by the CLI through Chromium, by the app through a hidden window.
 */
export interface ReportData {
  run: RunJson;
  /** A comparison report: this run against an earlier one (before/after, or two machines). */
  comparison?: { before: RunJson; result: RunComparisonJson };
  /** The environment definitions the runtimes use, for the appendix. */
  definitions: DefinitionPreview[];
  envbench: { version: string; commit: string | null };
  generatedAt: string;
}

/** The global the report page reads, and the event it waits for when the data comes after load. */
export const REPORT_DATA_GLOBAL = '__ENVBENCH_REPORT__';
export const REPORT_DATA_EVENT = 'envbench-report-data';
