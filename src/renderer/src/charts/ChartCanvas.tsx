import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, RadarController, RadialLinearScale, ScatterController, Title, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { BarWithErrorBar, BarWithErrorBarsController } from 'chartjs-chart-error-bars';
import { useEffect, useRef } from 'react';
import { useChartTheme } from './chart-theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, ScatterController, RadarController, RadialLinearScale, Filler, Legend, Title, Tooltip, BarWithErrorBarsController, BarWithErrorBar);

/**
 * One chart.js chart on a canvas, in the light or dark theme (chart-theme.ts), drawn without animation; `data-chart-ready` turns "true" once it
 * has been drawn (tests and the PDF report wait for it, never for a fixed delay).
 */
export function ChartCanvas({ config, label, height = 320 }: { config: ChartConfiguration; label: string; height?: number }): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useChartTheme();
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    element.dataset.chartReady = 'false';
    // Text, axes and grid in the theme's colours (every chart of a page shares the theme).
    Chart.defaults.color = theme.text;
    Chart.defaults.borderColor = theme.grid;
    const chart = new Chart(element, {
      ...config,
      options: { ...config.options, animation: false, responsive: true, maintainAspectRatio: false },
      plugins: [
        ...(config.plugins ?? []),
        { id: 'envbench-ready', afterRender: () => void (element.dataset.chartReady = 'true') },
      ],
    } as ChartConfiguration);
    return () => chart.destroy();
  }, [config, theme]);
  return (
    <div className="chart" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
