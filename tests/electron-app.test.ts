import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module shared with the build scripts
import { electronBinary } from '../build/scripts/electron-binary.mjs';
import { ROOT, tempDataDir } from './support/envbench-cli';

const binary = (electronBinary as (root: string) => string | null)(ROOT);

// Electron's binary cannot be downloaded everywhere (it is installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 where its CDN is unreachable): then this file is skipped and says
// so; tests/app-e2e.test.ts covers the same renderer in Chromium against the same contract.
describe.skipIf(!binary)(`the desktop app in Electron${binary ? '' : ' (SKIPPED: no Electron binary in node_modules/electron; run `npm run setup` where it can be downloaded)'}`, () => {
  it('opens one secure window that shows every runtime', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [path.join(ROOT, 'out', 'main', 'index.js')], env: { ...process.env, ENVBENCH_DATA_DIR: tempDataDir() } });
    try {
      const page = await app.firstWindow();
      await page.getByRole('button', { name: 'Runtimes' }).click();
      await page.locator('.cards li').first().waitFor({ timeout: 60_000 });
      // No Node in the page (nodeIntegration off, sandbox on), and only the preload's API crosses the bridge.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { envbench?: unknown }).envbench)).toBe('object');
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      expect(csp).not.toMatch(/unsafe-eval/);
    } finally {
      await app.close();
    }
  }, 120_000);
});
