import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { loadWarning } from '../src/core/bench/machine-load';
import { MEASURE_LOCK_FILE, measureLockDir } from '../src/core/machine/measure-lock';
import type { RunJson, RunSummary } from '../src/shared/run';
import { CLI, envbench, RESOURCES, ROOT, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

/** A run in the background, its stderr collected; `exit` resolves with its exit code. */
function startRun(args: string[], dataDir: string): { pid: number; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { cwd: ROOT, env: { ...process.env, ENVBENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { pid: child.pid!, stderr: () => stderr, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

async function until(check: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lastRun(dataDir: string): RunJson {
  const [summary] = JSON.parse(envbench(['history', '--json'], dataDir).stdout) as RunSummary[];
  return JSON.parse(envbench(['show', summary!.id, '--json'], dataDir).stdout) as RunJson;
}

describe('the measuring lock (per machine)', () => {
  it('is one folder for every EnvBench process, whatever its data directory or history', () => {
    const env = { ...process.env, ENVBENCH_LOCK_DIR: '' };
    const a = measureLockDir({ ...env, ENVBENCH_DATA_DIR: '/tmp/one', XDG_DATA_HOME: '/tmp/x' });
    const b = measureLockDir({ ...env, ENVBENCH_DATA_DIR: '/tmp/two', XDG_DATA_HOME: '/tmp/y' });
    expect(a).toBe(b);
    if (process.getuid?.() === 0) expect(a).toBe('/run/envbench');
  });
});

describe.skipIf(!haveGo)('two runs on one machine', () => {
  const workspace = writeGoModule(fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-lock-ws-')));
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const measure = ['--workspace', workspace, '--runtimes', 'native', '--warmup', '0'];

  it('refuses a second run at once naming the first, refuses clean, lets a --wait run follow, and records the load', async () => {
    const firstDir = tempDataDir();
    const first = startRun([...measure, '--scenarios', 'build-clean', '--runs', '2'], firstDir);
    await until(() => /run \S+ started/.test(first.stderr()), () => first.stderr());
    const firstId = /run (\S+) started/.exec(first.stderr())![1]!;
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Another history, another data directory: still the same machine.
    const startedAt = Date.now();
    const second = envbench(['run', ...measure, '--scenarios', 'build-clean', '--runs', '1'], tempDataDir());
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(second.status).toBe(2);
    const refusal = second.stderr.trim();
    expect(refusal.split('\n')).toHaveLength(1);
    expect(refusal).toContain(`run ${firstId} (pid ${first.pid}, started `);
    expect(refusal).toMatch(/--wait/);

    // The app and `envbench serve` start runs through the same core: refused the same way.
    const appCore = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: 'test', commit: null } });
    await expect(appCore.run({ workspace, runtimes: ['native'], scenarios: ['vet'], runs: 1, warmup: 0 })).rejects.toThrow(`Another run is measuring on this machine: run ${firstId}`);
    appCore.dispose();

    // clean would pull the run's caches or containers from under it: refused unless --force.
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-lock-cache-'));
    const clean = spawnSync(process.execPath, [CLI, 'clean', '--caches'], { encoding: 'utf8', env: { ...process.env, ENVBENCH_CACHE_DIR: cacheDir } });
    expect(clean.status).toBe(2);
    expect(clean.stderr).toContain(`Not cleaning while run ${firstId}`);
    // --force passes the lock (an empty cache folder, so nothing anyone uses is removed).
    const forced = spawnSync(process.execPath, [CLI, 'clean', '--caches', '--force'], { encoding: 'utf8', env: { ...process.env, ENVBENCH_CACHE_DIR: cacheDir } });
    expect(forced.stderr).not.toContain('Not cleaning while');
    expect(forced.status).toBe(0);
    fs.rmSync(cacheDir, { recursive: true, force: true });

    // --wait: says whom it waits for, starts when the first has ended, and neither fails.
    const thirdDir = tempDataDir();
    const third = startRun([...measure, '--scenarios', 'build-clean', '--runs', '1', '--wait'], thirdDir);
    await until(() => third.stderr().includes('waiting for'), () => third.stderr(), 15_000);
    expect(third.stderr()).toContain(`envbench: waiting for run ${firstId} (pid ${first.pid}`);
    expect(await first.exit).toBe(0);
    expect(await third.exit).toBe(0);
    const firstRun = lastRun(firstDir);
    const thirdRun = lastRun(thirdDir);
    expect(firstRun.results.every((r) => r.status === 'completed')).toBe(true);
    expect(thirdRun.results.every((r) => r.status === 'completed')).toBe(true);
    expect(Date.parse(thirdRun.startedAt)).toBeGreaterThanOrEqual(Date.parse(firstRun.finishedAt!));

    // The machine's load average at both ends, and the warning when it was above the core count.
    const load = firstRun.load!;
    expect(load.cpuCount).toBe(os.cpus().length);
    expect(load.start).toHaveLength(3);
    expect(load.end).toHaveLength(3);
    expect(load.warning).toBe(loadWarning(load.cpuCount, load.start, load.end));
    const summary = envbench(['show', firstRun.id], firstDir).stdout;
    if (load.warning) expect(summary).toContain(`Warning: ${load.warning}`);
    else expect(summary).not.toContain('measured under load');
  });

  it('takes over a lock whose owner is gone, once when two runs find it together', async () => {
    const dir = measureLockDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const stale = { pid: Number(dead.stdout), processStarted: '1', bootId: null, pidNamespace: null, runId: '20200101-000000-dead', startedAt: new Date().toISOString(), command: 'envbench run (killed)' };
    fs.writeFileSync(path.join(dir, MEASURE_LOCK_FILE), JSON.stringify(stale));

    const runs = [tempDataDir(), tempDataDir()].map((d) => startRun([...measure, '--scenarios', 'build-clean', '--runs', '1'], d));
    const codes = await Promise.all(runs.map((r) => r.exit));
    expect([...codes].sort()).toEqual([0, 2]);
    const [winner, loser] = codes[0] === 0 ? [runs[0]!, runs[1]!] : [runs[1]!, runs[0]!];
    expect(loser.stderr()).toContain(`(pid ${winner.pid}, started `);
    expect(loser.stderr()).not.toContain('20200101-000000-dead');
    // Released at the end: the next run needs no takeover.
    expect(fs.existsSync(path.join(dir, MEASURE_LOCK_FILE))).toBe(false);
  });
});
