import { createRoot } from 'react-dom/client';
import type { ReportData } from '../../../shared/report';
import { forceLightTheme } from '../charts/chart-theme';
import { ReportPage } from './ReportPage';
import './report.css';

// Paper is white: the report's charts stay light whatever the system's theme.
forceLightTheme();

// The data arrives as a global set before load (Chromium's init script) or after it, with an
// event (Electron's hidden report window). Names as in src/shared/report.ts.
const GLOBAL = '__ENVBENCH_REPORT__';
const EVENT = 'envbench-report-data';

function render(data: ReportData): void {
  createRoot(document.getElementById('report')!).render(<ReportPage data={data} />);
}

const ready = (window as unknown as Record<string, ReportData | undefined>)[GLOBAL];
if (ready) render(ready);
else window.addEventListener(EVENT, () => render((window as unknown as Record<string, ReportData>)[GLOBAL]!), { once: true });
