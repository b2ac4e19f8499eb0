// CSV as RFC 4180 describes it: CRLF line ends, a header row, fields quoted when they hold a
// comma, a double quote, CR or LF (quotes doubled). Numbers are written as JavaScript prints
// them (the shortest text that parses back to the same double) in the run JSON's own units
// (ms, KiB, bytes), never rounded or unit-scaled, so reading the file gives back the run JSON's
// numbers exactly. An empty field is a value the run JSON does not have (absent or null).

import type { ResultJson, RunJson, Sample } from '../../shared/run';
import { escapeControlCharactersInText } from '../../shared/format/control-characters';
import type { Exporter } from './exporter';

type Field = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: Field): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Control characters (ESC sequences from a folder name) would act on a terminal that shows the file.
  const text = escapeControlCharactersInText(String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: readonly string[], rows: readonly Field[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Phase names over every sample of the run, in the order they first appear. */
function phaseNames(run: RunJson): string[] {
  const names = new Set<string>();
  for (const result of run.results) for (const sample of result.samples) for (const name of Object.keys(sample.phases ?? {})) names.add(name);
  return [...names];
}

const SAMPLE_FIELDS = [
  'wallMs',
  'innerWallMs',
  'userMs',
  'sysMs',
  'maxRssKb',
  'readBytes',
  'writeBytes',
  'blockReadBytes',
  'blockWriteBytes',
  'readCalls',
  'writeCalls',
  'exitCode',
] as const satisfies readonly (keyof Sample)[];

/** Header of the per-sample CSV: the fixed columns, then one `phase:<name>` column per phase the run has. */
export function sampleCsvHeader(run: RunJson): string[] {
  return [
    'runId',
    'runtime',
    'scenario',
    'status',
    'sample',
    'warmup',
    'outlier',
    ...SAMPLE_FIELDS,
    'cgroupCpuMs',
    'cgroupMemoryPeakBytes',
    'cgroupIoReadBytes',
    'cgroupIoWriteBytes',
    ...phaseNames(run).map((name) => `phase:${name}`),
  ];
}

/** One row per sample, warmups included (flagged): `sample` is its 0-based position in its result. */
export function runToSampleCsv(run: RunJson): string {
  const phases = phaseNames(run);
  const rows: Field[][] = [];
  for (const result of run.results) {
    result.samples.forEach((sample, index) => {
      rows.push([
        run.id,
        result.runtime,
        result.scenario,
        result.status,
        index,
        sample.warmup,
        sample.outlier,
        ...SAMPLE_FIELDS.map((field) => sample[field]),
        sample.cgroup?.cpuMs,
        sample.cgroup?.memoryPeakBytes,
        sample.cgroup?.ioReadBytes,
        sample.cgroup?.ioWriteBytes,
        ...phases.map((name) => sample.phases?.[name]),
      ]);
    });
  }
  return csvText(sampleCsvHeader(run), rows);
}

export const SUMMARY_CSV_HEADER = [
  'runId',
  'runtime',
  'scenario',
  'status',
  'reason',
  'n',
  'medianMs',
  'ciLowMs',
  'ciHighMs',
  'ciLevel',
  'p95Ms',
  'minMs',
  'maxMs',
  'meanMs',
  'stddevMs',
  'outliers',
  'ratioVsNative',
  'pValue',
  'pValueAdjusted',
  'significant',
  'comparisonWarning',
  'verdict',
  'verdictDetail',
  'verdictMethod',
  'readCallsPerSecond',
  'stopReason',
  'warnings',
] as const;

function summaryRow(run: RunJson, result: ResultJson): Field[] {
  const stats = result.stats;
  const comparison = run.comparisons.find((c) => c.scenario === result.scenario && c.runtime === result.runtime);
  return [
    run.id,
    result.runtime,
    result.scenario,
    result.status,
    result.reason,
    stats?.n ?? 0,
    stats?.medianMs,
    stats?.ciLowMs,
    stats?.ciHighMs,
    stats?.ciLevel,
    stats?.p95Ms,
    stats?.minMs,
    stats?.maxMs,
    stats?.meanMs,
    stats?.stddevMs,
    stats ? stats.outliers.length : undefined,
    comparison?.ratio,
    comparison?.pValue,
    comparison?.pValueAdjusted,
    comparison?.significant,
    comparison?.warning,
    result.verdict?.value,
    result.verdict?.detail,
    result.verdict?.method,
    result.readCallsPerSecond,
    result.stopReason,
    stats && stats.warnings.length > 0 ? stats.warnings.join('; ') : undefined,
  ];
}

/** One row per result (runtime × scenario): status and reason, statistics, the comparison with native, the check's verdict. */
export function runToSummaryCsv(run: RunJson): string {
  return csvText(SUMMARY_CSV_HEADER, run.results.map((result) => summaryRow(run, result)));
}

const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

export const csvSamplesExporter: Exporter = {
  format: 'csv',
  extension: 'csv',
  mediaType: CSV_MEDIA_TYPE,
  description: 'CSV, one row per sample: every measurement and phase, warmups flagged',
  render: async (run) => runToSampleCsv(run),
};

export const csvSummaryExporter: Exporter = {
  format: 'csv-summary',
  extension: 'csv',
  mediaType: CSV_MEDIA_TYPE,
  description: 'CSV, one row per runtime × scenario: status, reason, statistics, ratio vs native, p-values, verdict',
  render: async (run) => runToSummaryCsv(run),
};
