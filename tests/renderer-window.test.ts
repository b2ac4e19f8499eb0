import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createCore } from '../src/core/create-core';
import type { Core } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import { RESOURCES, ROOT, tempDataDir } from './support/envbench-cli';
import { installBridge, launchChromium, serveDirectory } from './support/renderer-bridge';
import { hasTool } from './support/require-runtime';

const haveChromium = hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']);
const SCREENSHOTS = path.join(ROOT, 'out', 'screenshots');

describe.skipIf(!haveChromium)('the first window in Chromium, against the real core', () => {
  let core: Core;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveDirectory>>;

  beforeAll(async () => {
    core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    await core.run({ runtimes: ['native'], scenarios: ['vet'], runs: 1, warmup: 0 });
    server = await serveDirectory(path.join(ROOT, 'out', 'renderer'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    core?.dispose();
  });

  it('shows every runtime with its health and the run history', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await installBridge(page, createIpcService(core, { version: '0.0.0-test', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' }));
    await page.goto(server.url);

    const cards = page.locator('.cards li');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(5);
    // Each card says what `envbench doctor` says on this machine.
    const health = await core.doctor();
    const texts = await cards.allInnerTexts();
    health.forEach((h, i) => {
      expect(texts[i]).toMatch(new RegExp(`^${h.id}\\s+${h.available ? 'available' : 'unavailable'}`));
      if (h.reason) expect(texts[i]).toContain(h.reason);
    });
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.first().innerText()).toMatch(/completed\s+example\.com\/envbench\/sample\s+native/);
    expect(errors).toEqual([]);

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-window.png'), fullPage: true });
  });
});
