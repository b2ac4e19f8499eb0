import path from 'node:path';
import { BrowserWindow } from 'electron';
import type { ReportData } from '../shared/report';
import { REPORT_DATA_EVENT, REPORT_DATA_GLOBAL, reportFooterHtml } from '../shared/report';
import { secureWebPreferences } from './window-security';

const READY_TIMEOUT_MS = 60_000;

/**
 * The app's PDF: the report page (the same template the CLI prints with Chromium) in a hidden,
 * sandboxed window, the data handed over with an event, printed by webContents.printToPDF once the
 * page says every chart is drawn.
 */
export async function printReportPdf(data: ReportData, rendererDir: string): Promise<Uint8Array> {
  const window = new BrowserWindow({ show: false, width: 794, height: 1123, webPreferences: { ...secureWebPreferences(''), preload: undefined } });
  try {
    await window.loadFile(path.join(rendererDir, 'report.html'));
    await window.webContents.executeJavaScript(`window[${JSON.stringify(REPORT_DATA_GLOBAL)}] = ${JSON.stringify(data)}; window.dispatchEvent(new Event(${JSON.stringify(REPORT_DATA_EVENT)})); true`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await window.webContents.executeJavaScript('document.documentElement.dataset.reportReady === "true"'))) {
      if (Date.now() > deadline) throw new Error('the report page did not finish drawing');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pdf = await window.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: reportFooterHtml(data),
    });
    return new Uint8Array(pdf);
  } finally {
    window.destroy();
  }
}
