import { useSyncExternalStore } from 'react';
import type { RuntimeId } from '../../../shared/run';

// The charts' colours in the light and the dark theme. The app follows the system's choice
// (prefers-color-scheme, as app.css does); the printed report is always light (forceLightTheme).

export interface ChartTheme {
  scheme: 'light' | 'dark';
  /** Axis labels, titles and legends. */
  text: string;
  /** Grid lines and axes. */
  grid: string;
  /** The chart's background, under the runtimes' fill patterns. */
  surface: string;
  /** Bar outlines. */
  outline: string;
  runtime: Record<RuntimeId, string>;
  /** A trend's median line, and its CI band's. */
  trend: { median: string; ci: string };
}

export const LIGHT_CHART_THEME: ChartTheme = {
  scheme: 'light',
  text: '#3b434c',
  grid: 'rgba(0, 0, 0, 0.1)',
  surface: '#ffffff',
  outline: '#000000',
  runtime: { native: '#1b5e20', docker: '#0d47a1', dind: '#6a1b9a', nix: '#e65100', devbox: '#00838f' },
  trend: { median: '#0d47a1', ci: '#90a4ae' },
};

/** Lighter tones of the same hues: readable on the dark surface, still told apart by pattern and dash. */
export const DARK_CHART_THEME: ChartTheme = {
  scheme: 'dark',
  text: '#c9d2dc',
  grid: 'rgba(255, 255, 255, 0.14)',
  surface: '#1c2229',
  outline: '#c9d2dc',
  runtime: { native: '#81c784', docker: '#64b5f6', dind: '#ce93d8', nix: '#ffb74d', devbox: '#4dd0e1' },
  trend: { median: '#64b5f6', ci: '#78909c' },
};

let lightOnly = false;

/** The printed report: light whatever the system's theme (paper is white). */
export function forceLightTheme(): void {
  lightOnly = true;
}

function darkQuery(): MediaQueryList | null {
  return !lightOnly && typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
}

function subscribe(onChange: () => void): () => void {
  const query = darkQuery();
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

export function currentChartTheme(): ChartTheme {
  return darkQuery()?.matches ? DARK_CHART_THEME : LIGHT_CHART_THEME;
}

/** The chart theme, re-rendering when the system switches between light and dark. */
export function useChartTheme(): ChartTheme {
  return useSyncExternalStore(subscribe, currentChartTheme, () => LIGHT_CHART_THEME);
}
