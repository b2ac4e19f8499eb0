import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunJson, RunSummary } from '../src/shared/run';
import { envbench, envbenchAsync, storedSampleCount, tempDataDir, waitForSamples } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

describe.skipIf(!haveGo)('a run killed with SIGKILL', () => {
  it('leaves an intact database that keeps its samples and shows the run as interrupted', async () => {
    const dataDir = tempDataDir();
    const dbFile = path.join(dataDir, 'history.sqlite');
    const child = envbenchAsync(['run', '--runtimes', 'native', '--scenarios', 'vet,test', '--runs', '50', '--warmup', '0'], dataDir);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    await waitForSamples(dbFile, 3, () => stderr);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const kept = storedSampleCount(dbFile);
    expect(kept).toBeGreaterThanOrEqual(3);

    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    // The next start of any EnvBench process marks it interrupted and keeps what was measured.
    const history = envbench(['history', '--json'], dataDir);
    expect(history.status).toBe(0);
    const [summary] = JSON.parse(history.stdout) as RunSummary[];
    expect(summary?.status).toBe('interrupted');
    const run = JSON.parse(envbench(['show', summary!.id, '--json'], dataDir).stdout) as RunJson;
    expect(run.status).toBe('interrupted');
    expect(run.results.reduce((n, r) => n + r.samples.length, 0)).toBe(kept);
    expect(run.results.find((r) => r.scenario === 'vet')?.status).toBe('interrupted');
  });

  it('does not mark a run that is still going as interrupted', async () => {
    const dataDir = tempDataDir();
    const dbFile = path.join(dataDir, 'history.sqlite');
    const child = envbenchAsync(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '200', '--warmup', '0'], dataDir);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitForSamples(dbFile, 1, () => 'the run did not start');
    const history = JSON.parse(envbench(['history', '--json'], dataDir).stdout) as RunSummary[];
    expect(history[0]?.status).toBe('running');
    child.kill('SIGKILL');
    await exited;
  });
});
