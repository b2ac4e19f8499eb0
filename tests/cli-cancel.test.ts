import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunJson, RunSummary } from '../src/shared/run';
import { envbench, envbenchAsync, tempDataDir, waitForSamples } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

describe.skipIf(!haveGo)('Ctrl-C during envbench run', () => {
  it('stops the running command, keeps the samples, and records the run as cancelled', async () => {
    const dataDir = tempDataDir();
    const child = envbenchAsync(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '500', '--warmup', '0'], dataDir);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitForSamples(path.join(dataDir, 'history.sqlite'), 2, () => stderr);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/Cancelling/);
    const [summary] = JSON.parse(envbench(['history', '--json'], dataDir).stdout) as RunSummary[];
    expect(summary?.status).toBe('cancelled');
    const run = JSON.parse(envbench(['show', summary!.id, '--json'], dataDir).stdout) as RunJson;
    expect(run.results[0]?.status).toBe('cancelled');
    expect(run.results[0]!.samples.length).toBeGreaterThanOrEqual(2);
  });
});
