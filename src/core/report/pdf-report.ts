import fs from 'node:fs';
import path from 'node:path';
import type { ReportData } from '../../shared/report';
import { REPORT_DATA_GLOBAL, reportFooterHtml } from '../../shared/report';
import { UserError } from '../user-error';

/** Where Chromium is looked for when the user names none (neither --chromium nor $CHROMIUM_PATH): Debian's and others' usual places. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** A made-up origin the report page is served from inside the browser (no port opened, no file:// quirks). */
const REPORT_ORIGIN = 'http://envbench.report';

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

export interface PdfOptions {
  /** The built renderer (out/renderer), which holds report.html. */
  rendererDir: string;
  /** A Chromium or Chrome binary; default $CHROMIUM_PATH or the usual system paths. */
  chromiumPath?: string;
  /** How long the page may take to draw every chart. */
  timeoutMs?: number;
}

/**
 * The Chromium to print with: the one named (--chromium), else $CHROMIUM_PATH, else the first of
 * the usual system paths. A named browser that does not exist is an error, never silently
 * replaced by another one.
 */
export function findChromium(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = explicit || env.CHROMIUM_PATH || undefined;
  const candidates = named ? [named] : CHROMIUM_CANDIDATES;
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new UserError(
      named ? `No browser at ${named}` : 'No Chromium to print the PDF with',
      named ? `${explicit ? '--chromium' : 'CHROMIUM_PATH'} names a file that does not exist` : `EnvBench prints PDFs with a system Chromium and found none (looked at ${candidates.join(', ')})`,
      'Install it (`apt-get install chromium`) or name one with --chromium PATH (or CHROMIUM_PATH)',
    );
  }
  return found;
}

/** How every EnvBench Chromium is launched (reports, and doctor's probe of them): headless, offline, no first-run UI. */
export const CHROMIUM_LAUNCH_OPTIONS: { readonly args: string[] } = {
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
};

/**
 * Prints the report page (src/renderer/report.html, the template the app prints too) to an A4
 * PDF with Chromium through playwright-core: the built renderer is served to the page from memory,
 * the report data handed over before any script runs, and printing waits for the page's own
 * ready signal (every chart drawn), never for a fixed delay.
 */
export async function renderReportPdf(data: ReportData, options: PdfOptions): Promise<Uint8Array> {
  const page = path.join(options.rendererDir, 'report.html');
  if (!fs.existsSync(page)) {
    throw new UserError('The report template is not built', `${page} does not exist`, 'Run `npm run build` (it builds the app and its report page)');
  }
  const executablePath = findChromium(options.chromiumPath);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ ...CHROMIUM_LAUNCH_OPTIONS, executablePath });
  try {
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.route(`${REPORT_ORIGIN}/**`, async (route) => {
      const urlPath = decodeURIComponent(new URL(route.request().url()).pathname);
      const file = path.resolve(options.rendererDir, `.${urlPath}`);
      if (!file.startsWith(path.resolve(options.rendererDir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
    });
    // Anything else the page might ask for (it should ask for nothing) is refused: no network.
    await tab.route((url) => !url.href.startsWith(REPORT_ORIGIN), (route) => route.abort());
    await tab.addInitScript(({ name, value }) => void ((globalThis as unknown as Record<string, unknown>)[name] = value), { name: REPORT_DATA_GLOBAL, value: data });
    await tab.goto(`${REPORT_ORIGIN}/report.html`);
    await tab.emulateMedia({ media: 'print' });
    try {
      await tab.waitForSelector('html[data-report-ready="true"]', { timeout: options.timeoutMs ?? 60_000 });
    } catch {
      throw new Error(`the report page did not finish drawing${errors.length ? `: ${errors.join('; ')}` : ''}`);
    }
    const pdf = await tab.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: reportFooterHtml(data) });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
