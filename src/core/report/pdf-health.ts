import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { ToolHealth } from '../../shared/run';
import { probesCacheDir } from '../data-paths';
import { readRememberedProbes, rememberProbe } from '../machine/remembered-probes';
import { isUserError } from '../user-error';
import { CHROMIUM_CANDIDATES, CHROMIUM_LAUNCH_OPTIONS, findChromium } from './pdf-report';

/**
 * "Chromium is installed" is not "PDF reports can be printed": a browser missing a shared library,
 * or one that cannot print, fails only when a report is due. So doctor does the work cheaply: it
 * finds Chromium as renderReportPdf does, launches it with the same options, prints a one-line
 * page to PDF and closes it. A success is remembered for PDF_PROBE_TTL_MS in a file under the
 * cache directory, keyed by the browser's path, mtime and size; a failure never is, so once the
 * user has fixed it the next doctor says so.
 */

/** How long a successful probe is trusted while the browser binary is unchanged. */
export const PDF_PROBE_TTL_MS = 10 * 60 * 1000;
/** Printing one line takes about a second; a browser that hangs does not get the whole doctor. */
export const PDF_PROBE_TIMEOUT_MS = 15_000;

const FIX = 'install Chromium (`apt-get install chromium`) or name a working one with --chromium PATH (or CHROMIUM_PATH)';

export interface PdfProbeOptions {
  /** EnvBench's cache directory: where a success is remembered. */
  cacheDir: string;
  /** A browser named by the user (as --chromium); default $CHROMIUM_PATH or the usual system paths. */
  chromiumPath?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Ignore a remembered success. */
  fresh?: boolean;
}

/** A remembered success: when, and the version it reported. */
interface StoredProbe {
  at: number;
  version: string;
}

/** Whether PDF reports can be printed here, with Chromium's version, or what failed and the fix. */
export async function probePdfReports(options: PdfProbeOptions): Promise<ToolHealth> {
  const unavailable = (reason: string): ToolHealth => ({ kind: 'tool', id: 'pdf-reports', available: false, version: null, reason });
  const env = options.env ?? process.env;
  let executable: string;
  try {
    executable = findChromium(options.chromiumPath, env);
  } catch (error) {
    if (!isUserError(error)) throw error;
    const named = options.chromiumPath || env.CHROMIUM_PATH;
    return unavailable(
      named
        ? `PDF reports cannot be printed: there is no Chromium at ${named} (named by ${options.chromiumPath ? '--chromium' : 'CHROMIUM_PATH'}); ${FIX}`
        : `PDF reports cannot be printed: Chromium is not at any of the usual paths (${CHROMIUM_CANDIDATES.join(', ')}); ${FIX}`,
    );
  }
  const key = binaryKey(executable);
  const cacheFile = path.join(probesCacheDir(options.cacheDir), 'pdf-reports.json');
  if (!options.fresh && key) {
    const stored = readRememberedProbes<StoredProbe>(cacheFile)[key];
    if (typeof stored?.version === 'string' && typeof stored.at === 'number' && Date.now() >= stored.at && Date.now() - stored.at < PDF_PROBE_TTL_MS) {
      return { kind: 'tool', id: 'pdf-reports', available: true, version: stored.version, reason: null };
    }
  }
  const outcome = await printTestPage(executable, options.timeoutMs ?? PDF_PROBE_TIMEOUT_MS);
  if (key) rememberProbe<StoredProbe>(cacheFile, key, 'version' in outcome ? { at: Date.now(), version: outcome.version } : null);
  if ('problem' in outcome) return unavailable(outcome.problem);
  return { kind: 'tool', id: 'pdf-reports', available: true, version: outcome.version, reason: null };
}

/** Launches the browser, prints `<p>ok</p>` to PDF, closes it; never longer than timeoutMs. */
async function printTestPage(executable: string, timeoutMs: number): Promise<{ version: string } | { problem: string }> {
  const { chromium } = await import('playwright-core');
  let step: 'launching' | 'printing' = 'launching';
  let browser: Browser | undefined;
  let abandoned = false;
  const work = (async () => {
    // The reports' launch options; `timeout` only bounds how long playwright waits for the start.
    const launched = await chromium.launch({ ...CHROMIUM_LAUNCH_OPTIONS, executablePath: executable, timeout: timeoutMs });
    browser = launched;
    if (abandoned) throw new Error('abandoned');
    step = 'printing';
    const page = await launched.newPage();
    await page.setContent('<p>ok</p>');
    await page.pdf();
    return { version: launched.version() };
  })();
  const silent = (): { problem: string } => ({ problem: `Chromium (${executable}) did not answer within ${timeoutMs / 1000} s while ${step} a test page; ${FIX}` });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ problem: string }>((resolve) => {
    timer = setTimeout(() => resolve(silent()), timeoutMs);
  });
  try {
    return await Promise.race([
      work.catch((error: unknown) => {
        // Playwright's own launch timeout may fire a moment before ours: the same answer.
        if (error instanceof Error && error.name === 'TimeoutError') {
          killSilentLaunch(error);
          return silent();
        }
        const says = firstUsefulLine(error);
        return step === 'launching'
          ? { problem: `Chromium (${executable}) does not start: ${says}; ${FIX}` }
          : { problem: `Chromium (${executable}) starts but cannot print a page to PDF: ${says}; ${FIX}` };
      }),
      deadline,
    ]);
  } finally {
    abandoned = true;
    clearTimeout(timer);
    // A browser that hangs while printing may not close either: doctor does not wait for it long.
    const closing = (browser as Browser | undefined)?.close().catch(() => {});
    if (closing) await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}

/**
 * After a launch timeout playwright asks the silent browser to close and waits 30 s before it
 * kills it, keeping this process alive: kill it (the process group playwright started, whose pid
 * its call log names) at once.
 */
function killSilentLaunch(error: Error): void {
  const pid = Number(/<launched> pid=(\d+)/.exec(error.message)?.[1]);
  if (!(pid > 1)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * The browser's own complaint from a playwright error: the first line it wrote to stderr
 * (playwright echoes it as `[pid=N][err] ...`), else how it exited, else playwright's first line.
 */
export function firstUsefulLine(error: unknown): string {
  // eslint-disable-next-line no-control-regex
  const text = (error instanceof Error ? error.message : String(error)).replace(/\u001b\[\d+m/g, '');
  const stderr = text
    .split('\n')
    .map((line) => /\[pid=\d+\]\[err\]\s*(.*\S)/.exec(line)?.[1])
    .find((line) => line !== undefined);
  const exit = /exitCode=(\d+), signal=(\w+)/.exec(text);
  const exited = exit ? (exit[1] !== 'null' ? `exit code ${exit[1]}` : `signal ${exit[2]}`) : '';
  if (stderr) return exited ? `${stderr} (${exited})` : stderr;
  if (exited) return `it exited with ${exited} and printed nothing`;
  return (text.split('\n')[0] ?? '').replace(/^[\w.]+: /, '').trim() || 'no error message';
}

/** The browser binary's identity: a change (an upgrade, another file) means probe again. */
function binaryKey(executable: string): string | null {
  try {
    const stat = fs.statSync(executable);
    return `${path.resolve(executable)}\n${stat.mtimeMs}\n${stat.size}`;
  } catch {
    return null;
  }
}

