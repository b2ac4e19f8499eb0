import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultJson, RunJson, RuntimeHealth } from '../src/shared/run';
import { SAMPLE_WORKSPACE, envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);
// Not hasTool: a machine without Devbox is the case under test here, in CI too.
const haveDevbox = ((r) => !r.error && r.status === 0)(spawnSync('devbox', ['version'], { stdio: 'ignore', timeout: 20_000 }));

/** A copy of the sample workspace (so nothing is ever written into the embedded one). */
function sampleCopy(dataDir: string): string {
  const copy = path.join(dataDir, 'sample');
  fs.cpSync(SAMPLE_WORKSPACE, copy, { recursive: true });
  return copy;
}

function runNativeAndDevbox(workspace: string, dataDir: string): { status: number | null; stdout: string; results: Map<string, ResultJson> } {
  const jsonFile = path.join(dataDir, 'run.json');
  const result = envbench(['run', '--workspace', workspace, '--runtimes', 'native,devbox', '--scenarios', 'build-clean', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
  const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  return { status: result.status, stdout: result.stdout + result.stderr, results: new Map(run.results.map((r) => [r.runtime, r])) };
}

describe.skipIf(!haveGo)('envbench run --runtimes native,devbox', () => {
  it.skipIf(haveDevbox)('without Devbox: devbox fails with the reason doctor gives, native is measured anyway', () => {
    const dataDir = tempDataDir();
    const workspace = sampleCopy(dataDir);
    const before = fs.readdirSync(workspace).sort();
    const { status, stdout, results } = runNativeAndDevbox(workspace, dataDir);
    expect(status, stdout).toBe(1);
    expect(results.get('native')).toMatchObject({ status: 'completed' });
    expect(results.get('native')!.samples).toHaveLength(1);
    const devbox = results.get('devbox')!;
    expect(devbox.status).toBe('failed');
    expect(devbox.samples).toEqual([]);
    expect(devbox.reason).toMatch(/^devbox is unavailable: Devbox is not installed \(no `devbox` on PATH; ENVBENCH_DEVBOX can name the binary instead\): install it with `go install go\.jetify\.com\/devbox\/cmd\/devbox@<version>`/);

    const doctor = JSON.parse(envbench(['doctor', '--json'], dataDir).stdout) as RuntimeHealth[];
    expect(devbox.reason).toBe(`devbox is unavailable: ${doctor.find((h) => h.id === 'devbox')!.reason}`);
    // Nothing was generated in the workspace.
    expect(fs.readdirSync(workspace).sort()).toEqual(before);
  });

  it("a workspace devbox.json that is not JSON fails devbox with the file, line and column, whatever the machine has", () => {
    const dataDir = tempDataDir();
    const workspace = sampleCopy(dataDir);
    const file = path.join(fs.realpathSync(workspace), 'devbox.json');
    fs.writeFileSync(file, '{\n  // the tools\n  "packages": ["go@1.22" "gopls@latest"]\n}\n');
    const { status, stdout, results } = runNativeAndDevbox(workspace, dataDir);
    expect(status, stdout).toBe(1);
    expect(results.get('native')).toMatchObject({ status: 'completed' });
    expect(results.get('devbox')).toMatchObject({
      status: 'failed',
      reason: `${file} is not valid JSON: line 3, column 26: expected a comma. Fix the file, or remove it to let EnvBench generate one`,
    });
    expect(stdout).toContain(`${file} is not valid JSON: line 3, column 26`);
  });
});

describe('envbench doctor with ENVBENCH_DEVBOX', () => {
  it('names the configured path when it does not exist', () => {
    const dataDir = tempDataDir();
    const missing = path.join(dataDir, 'bin', 'devbox');
    const before = process.env.ENVBENCH_DEVBOX;
    process.env.ENVBENCH_DEVBOX = missing;
    try {
      const result = envbench(['doctor', '--json'], dataDir);
      expect(result.status).toBe(0);
      const devbox = (JSON.parse(result.stdout) as RuntimeHealth[]).find((h) => h.id === 'devbox')!;
      expect(devbox).toMatchObject({ available: false, version: null });
      expect(devbox.reason).toContain(`ENVBENCH_DEVBOX is set to ${missing}, which does not exist`);
    } finally {
      if (before === undefined) delete process.env.ENVBENCH_DEVBOX;
      else process.env.ENVBENCH_DEVBOX = before;
    }
  });
});
