import type { ChartConfiguration } from 'chart.js';
import type { TFunction } from 'i18next';
import type { RankedRuntime, ResultJson, RunJson, RuntimeId, RuntimeScores } from '../../../shared/run';
import { rankText, rowOf } from '../../../shared/format/run-table';
import { formatMs } from '../../../shared/format/units';
import type { ChartTheme } from './chart-theme';
import { LIGHT_CHART_THEME } from './chart-theme';

// Chart configurations of a run, shared by the Results view and the printed report. Each runtime
// has a colour AND a pattern (and each line a dash), so the charts read in black and white. Their
// words come from the caller's translator (`t`: the app's language, or the report's).

const DIMENSIONS = ['startup', 'performance', 'maintenance'] as const;

const RUNTIME_ORDER: RuntimeId[] = ['native', 'docker', 'dind', 'nix', 'devbox'];
/**
 * Startup phases, in order of first appearance: the Okabe–Ito palette (told apart with every common
 * colour-vision deficiency), light and dark alternating so neighbouring segments also differ in grey.
 */
const PHASE_COLOURS = ['#E69F00', '#0072B2', '#F0E442', '#CC79A7', '#56B4E9', '#D55E00', '#009E73', '#000000'];
/** Vertical space of one bar of the phases chart, and of its title, legend and axis together (CSS px). */
const PHASE_ROW_PX = 30;
const PHASE_CHROME_PX = 110;
export const POINT_STYLES = ['circle', 'triangle', 'rect', 'crossRot', 'star'] as const;

export function runtimeColour(runtime: string, theme: ChartTheme = LIGHT_CHART_THEME): string {
  return theme.runtime[runtime as RuntimeId] ?? '#78909c';
}

/** A fill that tells runtimes apart without colour: solid, diagonal, dots, cross-hatch, horizontal. */
export function runtimeFill(runtime: string, theme: ChartTheme = LIGHT_CHART_THEME): string | CanvasPattern {
  const index = Math.max(0, RUNTIME_ORDER.indexOf(runtime as RuntimeId));
  const colour = runtimeColour(runtime, theme);
  if (index === 0 || typeof document === 'undefined') return colour;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const g = tile.getContext('2d');
  if (!g) return colour;
  g.fillStyle = theme.surface;
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = colour;
  g.fillStyle = colour;
  g.lineWidth = 2;
  g.beginPath();
  if (index === 1) {
    g.moveTo(0, 8);
    g.lineTo(8, 0);
  } else if (index === 2) {
    g.arc(4, 4, 2, 0, Math.PI * 2);
    g.fill();
  } else if (index === 3) {
    g.moveTo(0, 0);
    g.lineTo(8, 8);
    g.moveTo(8, 0);
    g.lineTo(0, 8);
  } else {
    g.moveTo(0, 4);
    g.lineTo(8, 4);
  }
  g.stroke();
  return g.createPattern(tile, 'repeat') ?? colour;
}

export function measuredWalls(result: ResultJson): number[] {
  return result.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
}

/** "1.23× (p=0.004)", "(not significant …)", "baseline": the comparison with native, in words. */
export function versusNative(run: RunJson, result: ResultJson, t: TFunction): string {
  const versus = rowOf(run, result).versusNative;
  if (!versus) return '—';
  if (versus.baseline) return t('results.chart.baseline');
  const ratio = `${versus.ratio.toFixed(2)}×`;
  const p = versus.pValueAdjusted.toFixed(3);
  const key = ({ significant: 'results.chart.significant', 'no-verdict': 'results.chart.noVerdict', 'not-significant': 'results.chart.notSignificant' } as const)[versus.verdict];
  return t(key, { ratio, p });
}

/** Bars of the median with the 95% CI as error bars, scenarios on the axis, one dataset per runtime. */
export function mediansChart(run: RunJson, results: ResultJson[], title: string, logScale: boolean, t: TFunction, theme: ChartTheme = LIGHT_CHART_THEME): ChartConfiguration | null {
  if (results.length === 0) return null;
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const runtimes = [...new Set(results.map((r) => r.runtime))];
  return {
    type: 'barWithErrorBars',
    data: {
      labels: scenarios,
      datasets: runtimes.map((runtime) => ({
        label: runtime,
        backgroundColor: runtimeFill(runtime, theme),
        borderColor: theme.outline,
        borderWidth: 1,
        // The CI whiskers (chartjs-chart-error-bars), in the outline's colour: dark on light, light on dark.
        errorBarColor: theme.outline,
        errorBarWhiskerColor: theme.outline,
        data: scenarios.map((scenario) => {
          const s = results.find((r) => r.scenario === scenario && r.runtime === runtime)?.stats;
          return s ? { y: s.medianMs, yMin: s.ciLowMs, yMax: s.ciHighMs } : { y: NaN, yMin: NaN, yMax: NaN };
        }),
      })),
    },
    options: {
      plugins: {
        title: { display: true, text: title },
        tooltip: {
          callbacks: {
            label: (item: { dataIndex: number; datasetIndex: number }) => {
              const result = results.find((r) => r.scenario === scenarios[item.dataIndex] && r.runtime === runtimes[item.datasetIndex]);
              return result?.stats ? `${result.runtime}: ${formatMs(result.stats.medianMs)} [${formatMs(result.stats.ciLowMs)} – ${formatMs(result.stats.ciHighMs)}] · ${versusNative(run, result, t)}` : '';
            },
          },
        },
      },
      scales: { y: { type: logScale ? 'logarithmic' : 'linear', title: { display: true, text: t('results.chart.milliseconds') } } },
    },
  } as unknown as ChartConfiguration;
}

/** Startup phases (P50) stacked, one bar per runtime and temperature. */
export function phasesChart(run: RunJson, t: TFunction, theme: ChartTheme = LIGHT_CHART_THEME): ChartConfiguration | null {
  const withPhases = run.results.filter((r) => r.phaseStats && r.phaseStats.length > 0 && r.scenario.startsWith('startup-'));
  if (withPhases.length === 0) return null;
  const phases = [...new Set(withPhases.flatMap((r) => r.phaseStats!.map((p) => p.name)))];
  return {
    type: 'bar',
    data: {
      labels: withPhases.map((r) => `${r.runtime} ${r.scenario.replace('startup-', '')}`),
      datasets: phases.map((phase, i) => ({
        label: phase,
        backgroundColor: PHASE_COLOURS[i % PHASE_COLOURS.length],
        borderColor: theme.outline,
        borderWidth: 1,
        data: withPhases.map((r) => r.phaseStats!.find((p) => p.name === phase)?.p50Ms ?? 0),
      })),
    },
    options: {
      indexAxis: 'y',
      plugins: { title: { display: true, text: t('results.chart.phases') }, legend: { display: true, position: 'bottom' } },
      // Every bar is labelled: chart.js would otherwise skip labels it thinks do not fit.
      scales: { x: { stacked: true, title: { display: true, text: t('results.chart.milliseconds') } }, y: { stacked: true, ticks: { autoSkip: false } } },
    },
  };
}

/** The height (CSS px) that gives every bar of a phases chart room for its label. */
export function phasesChartHeight(config: ChartConfiguration): number {
  return PHASE_CHROME_PX + PHASE_ROW_PX * (config.data.labels?.length ?? 1);
}

/** Every measured sample of one scenario, one column per runtime (deterministic jitter). */
export function stripChart(run: RunJson, scenario: string, logScale: boolean, t: TFunction, theme: ChartTheme = LIGHT_CHART_THEME): ChartConfiguration | null {
  const results = run.results.filter((r) => r.scenario === scenario && r.stats);
  if (results.length === 0) return null;
  const runtimes = results.map((r) => r.runtime);
  return {
    type: 'scatter',
    data: {
      datasets: results.map((r, i) => ({
        label: r.runtime,
        backgroundColor: runtimeColour(r.runtime, theme),
        pointStyle: POINT_STYLES[i % POINT_STYLES.length],
        radius: 4,
        data: measuredWalls(r).map((ms, j) => ({ x: i + (((j * 37) % 21) - 10) / 40, y: ms })),
      })),
    },
    options: {
      plugins: { title: { display: true, text: t('results.chart.samplesOf', { scenario }) } },
      scales: {
        x: { min: -0.5, max: runtimes.length - 0.5, ticks: { stepSize: 1, callback: (v) => runtimes[Number(v)] ?? '' } },
        y: { type: logScale ? 'logarithmic' : 'linear', title: { display: true, text: t('results.chart.milliseconds') } },
      },
    },
  };
}

/** The run table's rank: "=2 (tie)" when another runtime has the same overall score, else "2". */
export function rankLabel(entry: RankedRuntime, t: TFunction): string {
  return entry.tied ? t('results.chart.tie', { rank: rankText(entry) }) : rankText(entry);
}

/** The three dimension scores per runtime on a radar, a dash and a point style per runtime. */
export function scoresRadar(entries: readonly { runtime: RuntimeId; scores: RuntimeScores }[], t: TFunction, theme: ChartTheme = LIGHT_CHART_THEME): ChartConfiguration | null {
  if (entries.length === 0) return null;
  return {
    type: 'radar',
    data: {
      labels: DIMENSIONS.map((d) => t(`results.chart.dimension.${d}`)),
      datasets: entries.map(({ runtime, scores: s }, i) => ({
        label: runtime,
        borderColor: runtimeColour(runtime, theme),
        backgroundColor: 'transparent',
        borderDash: [[], [6, 3], [2, 2], [8, 2, 2, 2], [1, 4]][i % 5],
        pointStyle: POINT_STYLES[i % POINT_STYLES.length],
        data: [s.startup?.score ?? NaN, s.performance?.score ?? NaN, s.maintenance?.score ?? NaN],
      })),
    },
    // The tick labels' backdrop is the chart's surface (chart.js paints it white by default).
    options: { scales: { r: { min: 0, max: 100, ticks: { backdropColor: theme.surface } } }, plugins: { title: { display: true, text: t('results.chart.scores') } } },
  };
}
