import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/shared/i18n/i18n';
import type { RunJson } from '../src/shared/run';
import { envbench, ROOT, tempDataDir } from './support/envbench-cli';
import type { Served } from './support/envbench-serve';
import { serve, stopServers } from './support/envbench-serve';
import { launchChromium } from './support/renderer-bridge';
import { hasTool } from './support/require-runtime';

const haveChromium = hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']) && hasTool('go', ['version']);
const SCREENSHOTS = path.join(ROOT, 'out', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  // What a person looks at is the view once settled: History's trend answered and drawn, not loading.
  await page.locator('[data-testid=trend-loading], .trend canvas:not([data-chart-ready="true"])').first().waitFor({ state: 'detached', timeout: 30_000 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Leaves only `runtime` ticked and only `scenarios` ticked, then sets the sample counts. */
async function configureRun(page: Page, scenarios: string[], runs: number): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  for (const box of await page.locator('input[name=runtime]').all()) {
    const want = (await box.getAttribute('value')) === 'native';
    if ((await box.isChecked()) !== want && (await box.isEnabled())) await box.click();
  }
  for (const box of await page.locator('input[name=scenario]').all()) {
    const want = scenarios.includes((await box.getAttribute('value')) ?? '');
    if ((await box.isChecked()) !== want) await box.click();
  }
  const planned = page.getByLabel('Planned', { exact: true });
  if (await planned.isChecked()) await planned.click();
  await page.getByLabel('Runs', { exact: true }).fill(String(runs));
  await page.getByLabel('Warmup', { exact: true }).fill('0');
}

describe.skipIf(!haveChromium)('the app in Chromium against `envbench serve` and the real core', () => {
  let dataDir: string;
  let server: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    dataDir = tempDataDir();
    server = await serve([], dataDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    stopServers();
  });

  it('preselects the embedded sample workspace and shows every runtime doctor reports, with its reason', async () => {
    await expect.poll(() => page.getByTestId('workspace-facts').innerText(), { timeout: 30_000 }).toMatch(/example\.com\/envbench\/sample[\s\S]*embedded sample/);
    await shot(page, 'app-workspace');
    await page.getByRole('button', { name: 'Runtimes' }).click();
    await page.locator('.cards li').first().waitFor();
    const doctor = JSON.parse(envbench(['doctor', '--json'], dataDir).stdout) as { kind?: 'tool'; id: string; available: boolean; reason: string | null }[];
    const runtimes = doctor.filter((entry) => entry.kind !== 'tool');
    const cards = await page.locator('.cards li').allInnerTexts();
    expect(cards).toHaveLength(runtimes.length);
    runtimes.forEach((r, i) => {
      expect(cards[i]).toMatch(new RegExp(`^${r.id}\\s+${r.available ? 'available' : 'unavailable'}`));
      if (r.reason) expect(cards[i]).toContain(r.reason);
    });
    await shot(page, 'app-runtimes');
  });

  let runId = '';
  it('runs native with 3 samples, live to the end, and shows the bars of the result', async () => {
    await configureRun(page, ['vet', 'build-incremental'], 3);
    await page.getByRole('button', { name: 'Start run' }).click();
    const live = page.getByTestId('live-run');
    await live.waitFor();
    runId = ((await live.locator('h3').innerText()).match(/Run (\S+)/) ?? [])[1] ?? '';
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    await expect.poll(() => live.getAttribute('data-status'), { timeout: 5 * 60_000, interval: 500 }).toBe('completed');
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    await shot(page, 'app-run-finished');

    await page.getByRole('button', { name: 'Open results' }).click();
    await page.getByTestId('results').waitFor();
    const charts = page.locator('[data-testid=results] canvas');
    await expect.poll(() => charts.evaluateAll((cs) => cs.length > 0 && cs.every((c) => (c as unknown as { dataset: Record<string, string> }).dataset.chartReady === 'true'))).toBe(true);
    expect(await page.getByRole('img', { name: 'Performance: median with 95% CI' }).count()).toBe(1);
    await shot(page, 'app-results');

    // The table view shows the same medians the CLI reads from the same history.
    const cli = envbench(['show', runId, '--format', 'json'], dataDir);
    expect(cli.status, cli.stderr).toBe(0);
    const run = JSON.parse(cli.stdout) as RunJson;
    expect(run.status).toBe('completed');
    await page.getByLabel('table view').check();
    const table = await page.getByTestId('numbers-table').innerText();
    for (const result of run.results) {
      expect(result.samples.filter((s) => !s.warmup)).toHaveLength(3);
      expect(table).toMatch(new RegExp(`${result.scenario}\\s+native\\s+completed\\s+3`));
    }
    await page.getByLabel('table view').uncheck();
  });

  it('lists the run in the history and opens it again', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const row = page.locator(`[data-testid=history-list] [data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/completed[\s\S]*example\.com\/envbench\/sample[\s\S]*native/);
    await shot(page, 'app-history');
    await row.getByRole('button', { name: runId, exact: true }).click();
    await expect.poll(() => page.getByTestId('results').getAttribute('data-run-id')).toBe(runId);
  });

  it('opens a terminal on the host, reads `go version` from it, and keeps exactly the last lines of a flood it cuts', async () => {
    await page.getByRole('button', { name: 'Terminals' }).click();
    await page.getByLabel('Terminal runtime').selectOption('native');
    await page.getByRole('button', { name: 'New terminal' }).click();
    const terminal = page.locator('.terminal-pane:not([hidden])');
    await terminal.waitFor({ timeout: 30_000 });
    await terminal.click();
    await page.keyboard.type('go version\n');
    await expect.poll(() => terminal.locator('.xterm-rows').innerText(), { timeout: 30_000 }).toMatch(/go version go1\.\d+/);
    await shot(page, 'app-terminal');

    // A flood of plain text is cut before xterm.js parses it (terminal-flood.ts, TerminalWriter),
    // yet the buffer keeps exactly what it would have: scrolled to the top, the first line is the
    // one 10 000 (scrollback) + rows lines above the bottom.
    const lines = 300_000;
    await page.keyboard.type(`seq 1 ${lines}; echo flood-$((6*7))\n`);
    await expect.poll(() => terminal.locator('.xterm-rows').innerText(), { timeout: 120_000 }).toContain('flood-42');
    const rowTexts = (): Promise<string[]> => terminal.locator('.xterm-rows > div').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').trimEnd()));
    const bottom = await rowTexts();
    const lastRow = bottom.indexOf(String(lines));
    expect(lastRow).toBeGreaterThan(0);
    // The line on screen row `lastRow` has 10 000 scrollback lines and `lastRow` rows above it.
    const expectedTop = lines - (10_000 + lastRow);
    // Shift+PageUp scrolls xterm.js a page; the buffer holds 10 000 / rows pages.
    for (let i = 0; i < 1_000 && (await rowTexts())[0] !== String(expectedTop); i += 50) {
      for (let j = 0; j < 50; j++) await page.keyboard.press('Shift+PageUp');
    }
    await expect.poll(async () => (await rowTexts())[0], { timeout: 10_000 }).toBe(String(expectedTop));

    // Broadcast: a second terminal, both ticked, one keystroke stream reaches both, side by side.
    await page.getByRole('button', { name: 'New terminal' }).click();
    await expect.poll(() => page.locator('.tab').count()).toBe(2);
    for (const box of await page.locator('.tab input[type=checkbox]').all()) await box.check();
    const panes = page.locator('.terminal-pane:not([hidden])');
    await expect.poll(() => panes.count()).toBe(2);
    // The new shell at its prompt first: keys typed before it are echoed twice (by the tty, then by readline).
    await expect.poll(() => panes.last().locator('.xterm-rows').innerText(), { timeout: 30_000 }).toMatch(/[#$]\s*$/);
    await panes.first().click();
    await page.keyboard.type('echo broad$((6*7))cast\n');
    for (const pane of await panes.all()) {
      await expect.poll(() => pane.locator('.xterm-rows').innerText(), { timeout: 30_000 }).toContain('broad42cast');
    }
    await shot(page, 'app-terminal-broadcast');
  });

  it('cancels a second run midway and shows it cancelled', async () => {
    await configureRun(page, ['vet'], 200);
    await page.getByRole('button', { name: 'Start run' }).click();
    const live = page.getByTestId('live-run');
    await expect.poll(() => live.locator('h3').innerText()).not.toContain(runId);
    const secondId = ((await live.locator('h3').innerText()).match(/Run (\S+)/) ?? [])[1] ?? '';
    // Midway: a few samples measured, most to go.
    await expect.poll(() => page.locator('table.grid td').last().innerText(), { timeout: 120_000 }).toMatch(/^([3-9]|\d\d)\/200$/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => live.getAttribute('data-status'), { timeout: 60_000, interval: 300 }).toBe('cancelled');
    await shot(page, 'app-run-cancelled');
    const cli = JSON.parse(envbench(['show', secondId, '--format', 'json'], dataDir).stdout) as RunJson;
    expect(cli.status).toBe('cancelled');
    expect(cli.results[0]!.samples.length).toBeLessThan(200);

    // The two runs side by side: same machine, vet on native in both.
    await page.getByRole('button', { name: 'History' }).click();
    for (const id of [runId, secondId]) await page.getByLabel(`Select ${id} to compare`).check();
    await page.getByRole('button', { name: 'Compare the two selected' }).click();
    const comparison = page.getByTestId('comparison');
    await comparison.waitFor();
    expect(await comparison.innerText()).toMatch(new RegExp(`${runId} → ${secondId}[\\s\\S]*Same machine fingerprint[\\s\\S]*vet\\s+native`));
    await shot(page, 'app-compare');
    expect(errors).toEqual([]);
  });

  it('remembers the last run started, downloads an export in a browser, lists its shortcuts on ?, and follows a dark system theme', async () => {
    // The Run form as the cancelled run was started: only vet, 200 runs, not planned.
    await page.reload();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.getByLabel('Runs', { exact: true }).inputValue()).toBe('200');
    expect(await page.getByLabel('Planned', { exact: true }).isChecked()).toBe(false);
    const ticked = await page.locator('input[name=scenario]:checked').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(ticked).toEqual(['vet']);

    // Export in a browser: a download, the same bytes the CLI writes.
    await page.getByRole('button', { name: 'History' }).click();
    await page.locator(`[data-testid=history-list] [data-run-id="${runId}"]`).getByRole('button', { name: runId, exact: true }).click();
    await page.getByTestId('export').locator('summary').click();
    await page.getByLabel('Export format').selectOption('md');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(`${runId}.md`);
    const downloaded = fs.readFileSync((await download.path())!, 'utf8');
    const cliFile = path.join(tempDataDir(), 'cli.md');
    expect(envbench(['export', runId, '--format', 'md', '--out', cliFile], dataDir).status).toBe(0);
    expect(downloaded).toBe(fs.readFileSync(cliFile, 'utf8'));

    // Keyboard: ? lists the shortcuts, Esc closes them, Alt+5 opens History.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.innerText()).toMatch(/Ctrl\+Enter\s+Start the run/);
    await shot(page, 'app-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+5');
    expect(await page.getByRole('button', { name: 'History' }).getAttribute('aria-current')).toBe('page');

    // Dark: every view, charts included, drawn on a dark page (screenshots app-dark-*.png).
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe('rgb(20, 24, 29)');
      for (const view of ['Workspace', 'Runtimes', 'Run', 'Results', 'History', 'Terminals']) {
        await page.getByRole('button', { name: view, exact: true }).click();
        if (view === 'Results') {
          const charts = page.locator('[data-testid=results] canvas');
          await expect.poll(() => charts.evaluateAll((cs) => cs.length > 0 && cs.every((c) => (c as unknown as { dataset: Record<string, string> }).dataset.chartReady === 'true'))).toBe(true);
        }
        await shot(page, `app-dark-${view.toLowerCase()}`);
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(errors).toEqual([]);
  });

  it('speaks Simplified Chinese when picked: every view in light and dark, a PDF in Chinese, the choice remembered', async () => {
    const zh = CATALOGUE['zh-CN'];
    const en = CATALOGUE.en;
    await page.getByTestId('language').selectOption('zh-CN');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const views = Object.keys(en.app.view) as (keyof typeof en.app.view)[];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of views) {
        await page.getByRole('button', { name: zh.app.view[view], exact: true }).click();
        if (view === 'results') {
          const charts = page.locator('[data-testid=results] canvas');
          await expect.poll(() => charts.evaluateAll((cs) => cs.length > 0 && cs.every((c) => (c as unknown as { dataset: Record<string, string> }).dataset.chartReady === 'true'))).toBe(true);
        }
        await shot(page, `app-zh-${scheme === 'dark' ? 'dark-' : ''}${view}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // No view is left with its English name.
    for (const view of views) expect(await page.getByRole('button', { name: en.app.view[view], exact: true }).count(), view).toBe(0);

    // The PDF follows the app's language: headings and footer in Chinese.
    await page.getByRole('button', { name: zh.app.view.history, exact: true }).click();
    await page.locator(`[data-testid=history-list] [data-run-id="${runId}"]`).getByRole('button', { name: runId, exact: true }).click();
    await page.getByTestId('export').locator('summary').click();
    await page.getByTestId('export').locator('select').selectOption('pdf');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('export').locator('button.primary').click()]);
    const pdf = path.join(SCREENSHOTS, 'app-zh-report.pdf');
    fs.copyFileSync((await download.path())!, pdf);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain(`EnvBench 报告 · 运行 ${runId}`);
    expect(text).toContain(zh.report.column.median);
    expect(text).not.toContain(en.report.column.median);

    // Remembered across a reload; English again when picked.
    await page.reload();
    await page.getByRole('button', { name: zh.app.view.workspace, exact: true }).waitFor();
    expect(await page.getByTestId('language').inputValue()).toBe('zh-CN');
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('button', { name: en.app.view.workspace, exact: true }).waitFor();
    expect(errors).toEqual([]);
  }, 240_000);
});
