import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../src/core/history/run-store';
import type { RuntimeHealth, ToolHealth } from '../src/shared/run';
import { CLI, envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';
import { testMachine } from './support/run-fixtures';

describe('envbench doctor', () => {
  it('reports every runtime with available, version and reason', () => {
    const result = envbench(['doctor', '--json'], tempDataDir());
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout) as (RuntimeHealth | ToolHealth)[];
    // The runtimes first, then the host tools, marked `kind: 'tool'`.
    expect(entries.map((h) => h.id)).toEqual(['native', 'docker', 'dind', 'nix', 'devbox', 'pdf-reports']);
    expect(entries.map((h) => ('kind' in h ? h.kind : 'runtime'))).toEqual(['runtime', 'runtime', 'runtime', 'runtime', 'runtime', 'tool']);
    const health = entries.filter((h): h is RuntimeHealth => !('kind' in h));
    for (const entry of health) {
      expect(typeof entry.available).toBe('boolean');
      expect(entry).toHaveProperty('version');
      if (!entry.available) expect(entry.reason?.length ?? 0).toBeGreaterThan(20);
      else expect(entry.reason).toBeNull();
    }
  });

  it('loads Chromium for the PDF probe on every start, not only the first (the bundle has no import())', () => {
    // The launcher (out/cli/envbench.cjs) runs the bundle from V8's code cache after the first
    // start, and a script restored from that cache cannot run a dynamic import() on Node 20.
    const bundle = fs.readFileSync(path.join(path.dirname(CLI), 'envbench-main.cjs'), 'utf8');
    expect(bundle.match(/\bimport\(\s*["'`\w]/g) ?? []).toEqual([]);
    for (let start = 0; start < 2; start++) {
      const result = envbench(['doctor', '--json'], tempDataDir(), { env: { CHROMIUM_PATH: '/bin/false' } });
      expect(result.status, result.stderr).toBe(0);
    }
  });

  it('keeps a code cache per command, and the launcher names every command the CLI has', () => {
    // Each command's first start writes its own cache (history's functions are not serve's); the
    // launcher's list must follow the commands, or a new one would share the others' cache.
    const launcher = fs.readFileSync(CLI, 'utf8');
    const listed = JSON.parse(/const COMMANDS = (\[[^\]]*\]);/.exec(launcher)![1]!.replace(/'/g, '"')) as string[];
    const help = envbench(['--help'], tempDataDir());
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect([...listed].sort()).toEqual([...commands].sort());
    expect(envbench(['history'], tempDataDir()).status).toBe(0);
    const cache = path.join(path.dirname(CLI), `.envbench-main.${process.version}.history.v8-cache`);
    expect(fs.existsSync(cache)).toBe(true);
    // V8 checks a cache against the source's length only: one older than the bundle (made from an
    // earlier build of the same length, a new commit's hash) is not used but written again.
    const older = new Date(fs.statSync(path.join(path.dirname(CLI), 'envbench-main.cjs')).mtimeMs - 60_000);
    fs.utimesSync(cache, older, older);
    expect(envbench(['history'], tempDataDir()).status).toBe(0);
    expect(fs.statSync(cache).mtimeMs).toBeGreaterThan(older.getTime() + 30_000);
  });

  it('finds the native runtime where Go is installed', () => {
    if (!hasTool('go', ['version'])) return;
    const health = JSON.parse(envbench(['doctor', '--json'], tempDataDir()).stdout) as RuntimeHealth[];
    expect(health[0]).toMatchObject({ id: 'native', available: true, reason: null, offlineReadiness: null });
    expect(health[0]!.version).toMatch(/^go1\.\d+/);
  });

  it('prints a readable table', () => {
    const result = envbench(['doctor'], tempDataDir());
    expect(result.stdout).toMatch(/^RUNTIME\s+STATUS\s+VERSION\s+OFFLINE\s+REASON/);
    expect(result.stdout).toMatch(/^TOOL\s+STATUS\s+VERSION\s+REASON\n-+.*\npdf-reports\s+(available|unavailable)/m);
  });

  it('reads the offline-readiness verdicts from the database --db names, like the other commands', () => {
    const dir = tempDataDir();
    const db = path.join(dir, 'elsewhere.sqlite');
    const machine = testMachine();
    const store = RunStore.open(db);
    try {
      const ids = store.createRun({
        id: 'run-offline-1',
        workspace: { path: '/w/lib', module: 'example.com/lib', goVersion: null, toolchain: null, packages: 1, testFiles: 0, mainPackages: [], definitions: [] },
        machine,
        envbench: { version: 't', commit: null },
        options: { runtimes: ['native'], scenarios: ['offline-readiness'], runs: 1, warmup: 0, offline: true, timeoutMs: 1000 },
      });
      const resultId = [...ids.values()][0]!;
      store.setVerdict(resultId, { value: 'not-ready', detail: 'missing go.sum entry', method: 'unshare --net' });
      store.finishResult(resultId, 'completed');
      store.finishRun('run-offline-1', 'completed');
    } finally {
      store.close();
    }
    const fromDb = envbench(['doctor', '--json', '--db', db], tempDataDir());
    expect(fromDb.status).toBe(0);
    const native = (JSON.parse(fromDb.stdout) as RuntimeHealth[])[0]!;
    expect(native.offlineReadiness).toMatchObject({ value: 'not-ready', detail: 'missing go.sum entry', runId: 'run-offline-1', workspacePath: '/w/lib' });
    expect(envbench(['doctor', '--db', db], tempDataDir()).stdout).toMatch(/^native\s+\S+\s+\S+\s+not ready \(lib, \d{4}-\d\d-\d\d\)/m);
    // The default history of another data directory has no verdict.
    expect((JSON.parse(envbench(['doctor', '--json'], tempDataDir()).stdout) as RuntimeHealth[])[0]!.offlineReadiness).toBeNull();
  });
});
