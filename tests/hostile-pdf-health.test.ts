import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuntimeHealth, ToolHealth } from '../src/shared/run';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = hasTool(SYSTEM_CHROMIUM, ['--version']);
const FIX = /apt-get install chromium.*--chromium PATH \(or CHROMIUM_PATH\)/;

/** `envbench doctor --json` with CHROMIUM_PATH as given: the pdf-reports entry, the runtimes, and how long it took. */
function doctor(dataDir: string, chromiumPath: string): { tool: ToolHealth; runtimes: RuntimeHealth[]; ms: number } {
  const started = Date.now();
  const result = envbench(['doctor', '--json'], dataDir, { env: { CHROMIUM_PATH: chromiumPath }, timeout: 60_000 });
  const ms = Date.now() - started;
  expect(result.status, result.stderr).toBe(0);
  const entries = JSON.parse(result.stdout) as (RuntimeHealth | ToolHealth)[];
  const tool = entries.find((e): e is ToolHealth => 'kind' in e && e.kind === 'tool' && e.id === 'pdf-reports');
  expect(tool, result.stdout).toBeDefined();
  return { tool: tool!, runtimes: entries.filter((e): e is RuntimeHealth => !('kind' in e)), ms };
}

/** A stand-in browser: a script, because a broken Chromium install cannot be made for real here. */
function fakeChromium(body: string): string {
  const file = path.join(tempDataDir('envbench-fake-chromium-'), 'chromium');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe.skipIf(!haveChromium)('doctor probes PDF reports by printing a page with Chromium', () => {
  it('finds the real Chromium available with its version, and a second doctor answers from the cache in under 2 s', () => {
    const dataDir = tempDataDir();
    const cold = doctor(dataDir, SYSTEM_CHROMIUM);
    expect(cold.tool).toEqual({ kind: 'tool', id: 'pdf-reports', available: true, version: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), reason: null });
    expect(cold.runtimes.map((r) => r.id)).toEqual(['native', 'docker', 'dind', 'nix', 'devbox']);
    const warm = doctor(dataDir, SYSTEM_CHROMIUM);
    expect(warm.tool).toEqual(cold.tool);
    expect(warm.ms, `cold ${cold.ms} ms, warm ${warm.ms} ms`).toBeLessThan(2000);
  });

  it('names a CHROMIUM_PATH that does not exist, and the fix, instead of falling back to another browser', () => {
    const missing = path.join(tempDataDir(), 'no-such-chromium');
    const { tool, runtimes } = doctor(tempDataDir(), missing);
    expect(tool.available).toBe(false);
    expect(tool.reason).toContain(`there is no Chromium at ${missing} (named by CHROMIUM_PATH)`);
    expect(tool.reason).toMatch(FIX);
    expect(runtimes.length).toBe(5);
  });

  it('quotes the first line a Chromium that cannot start prints, with the fix; the failure is not remembered', () => {
    const dataDir = tempDataDir();
    const broken = fakeChromium('echo "error while loading shared libraries: libnss3.so" >&2; exit 127');
    const { tool } = doctor(dataDir, broken);
    expect(tool.available).toBe(false);
    expect(tool.reason).toContain(`Chromium (${broken}) does not start: error while loading shared libraries: libnss3.so (exit code 127)`);
    expect(tool.reason).toMatch(FIX);
    const probes = path.join(process.env.ENVBENCH_CACHE_DIR!, 'probes', 'pdf-reports.json');
    if (fs.existsSync(probes)) expect(fs.readFileSync(probes, 'utf8')).not.toContain(broken);
  });

  it('a Chromium that never answers costs doctor 15 s, not the runtimes table', () => {
    const silent = fakeChromium('exec sleep 120');
    const result = envbench(['doctor'], tempDataDir(), { env: { CHROMIUM_PATH: silent }, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^native\s+available/m);
    expect(result.stdout).toMatch(new RegExp(`^pdf-reports\\s+unavailable\\s+-\\s+Chromium \\(${silent.replace(/[.]/g, '\\.')}\\) did not answer within 15 s while launching a test page; install Chromium`, 'm'));
  }, 40_000);
});
