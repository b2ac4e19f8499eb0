import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createTranslator } from '../../../shared/i18n/i18n';
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
  // The language the export asked for (the app's, or the CLI's --lang), not this page's browser's.
  const i18n = createTranslator(data.language);
  document.documentElement.lang = i18n.language;
  createRoot(document.getElementById('report')!).render(
    <I18nextProvider i18n={i18n}>
      <ReportPage data={data} />
    </I18nextProvider>,
  );
}

const ready = (window as unknown as Record<string, ReportData | undefined>)[GLOBAL];
if (ready) render(ready);
else window.addEventListener(EVENT, () => render((window as unknown as Record<string, ReportData>)[GLOBAL]!), { once: true });
