import { max, median, min } from 'simple-statistics';
import { textTable } from '../cli/format/text-table';

export type AppFigureUnit = 'ms' | 'MB/s' | 'count';

/** One figure of the app section: every repetition's value, and how it was measured, in a few words. */
export interface AppFigure {
  label: string;
  unit: AppFigureUnit;
  values: number[];
  how: string;
}

export type AppBenchReport =
  | { measured: false; reason: string }
  | {
      measured: true;
      /** Chromium's version and the page's viewport. */
      browser: string;
      viewport: { width: number; height: number };
      /** The synthetic history the figures were measured against; null when only the terminal was measured. */
      history: { runs: number; bigRun: string; seedMs: number } | null;
      /** One-minute load average when the section started and ended, and the CPU count, to tell a busy machine. */
      load: { start: number; end: number; cpus: number };
      figures: AppFigure[];
      /** Findings worth reading next to the table (a capped list, page errors...). */
      notes: string[];
    };

function formatValue(value: number, unit: AppFigureUnit): string {
  if (unit === 'count') return String(Math.round(value));
  if (unit === 'MB/s') return `${value.toFixed(1)} MB/s`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
}

function loadLine(load: { start: number; end: number; cpus: number }): string {
  const line = `Load average ${load.start.toFixed(1)} at the start, ${load.end.toFixed(1)} at the end, on ${load.cpus} CPUs`;
  // The page, the core and the shell are separate processes: each hop waits for a CPU on a busy machine.
  return Math.max(load.start, load.end) > load.cpus
    ? `${line}: BUSY (more runnable tasks than CPUs), so times are longer and throughput lower than on a quiet machine.`
    : `${line}.`;
}

/** The app section of `npm run bench`: one line when it could not run, else the table and its notes. */
export function formatAppBench(report: AppBenchReport): string {
  if (!report.measured) return `The app in Chromium: not measured: ${report.reason}`;
  const rows = report.figures.map((figure) =>
    figure.values.length === 0
      ? [figure.label, '0', '-', '-', '-', figure.how]
      : [
          figure.label,
          String(figure.values.length),
          formatValue(median(figure.values), figure.unit),
          formatValue(min(figure.values), figure.unit),
          formatValue(max(figure.values), figure.unit),
          figure.how,
        ],
  );
  return [
    `The app in Chromium (${report.browser}, ${report.viewport.width}x${report.viewport.height}): the built renderer against the real core through`,
    ...(report.history
      ? [
          `the bridge of \`envbench serve\`, with a synthetic history of ${report.history.runs} runs (written in ${(report.history.seedMs / 1000).toFixed(1)} s),`,
          `one of them 5 runtimes x 12 scenarios x 30 samples (${report.history.bigRun}). In-page times are performance.now() from the`,
        ]
      : ['the bridge of `envbench serve`, its terminal alone (ENVBENCH_BENCH_ONLY=terminal). In-page times are performance.now() from the']),
    'triggering event (click or Enter: its timeStamp, so input queued behind a busy main thread counts) to the state named.',
    'Frame gap: the longest time between two requestAnimationFrame callbacks (16.7 ms at 60 Hz when idle).',
    loadLine(report.load),
    '',
    textTable(['FIGURE', 'N', 'MEDIAN', 'MIN', 'MAX', 'HOW'], rows, new Set([1, 2, 3, 4])),
    ...(report.notes.length > 0 ? ['', ...report.notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
}
