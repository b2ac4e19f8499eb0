import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, envbench, ROOT, tempDataDir } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import { containerProcesses, containersOwnedBy, hostProcessesOf, killAll } from './support/leftovers';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);
const haveDocker = haveGo && haveDockerEngine();

/**
 * A module whose test runs quietly for 30 s, as real suites do: `go test` prints nothing until it
 * ends, so once EnvBench is gone nothing but the measure helper can stop it. (The 30-kill version
 * of this, for the acceptance, is tests/acceptance/kill-nine.mjs.)
 */
function slowModule(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-kill-ws-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/slow\n\ngo 1.22\n');
  fs.writeFileSync(path.join(dir, 'slow.go'), 'package slow\n\n// Answer is what the test waits for.\nfunc Answer() int { return 42 }\n');
  fs.writeFileSync(
    path.join(dir, 'slow_test.go'),
    'package slow\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) {\n\ttime.Sleep(30 * time.Second)\n\tif Answer() != 42 {\n\t\tt.Fatal("no")\n\t}\n}\n',
  );
  return dir;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!haveGo)('kill -9 of EnvBench during a sample', () => {
  const workspace = slowModule();
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));
  // Mixed runtimes; the kill falls 0-3 s into the sample's build (after the helper started `go test`)
  // or into its test (after the test binary started), alternately.
  const runtimes = haveDocker ? ['native', 'docker', 'native', 'docker', 'native', 'docker'] : ['native', 'native', 'native', 'native'];
  const phases = ['build', 'build', 'test', 'test', 'build', 'test'] as const;

  it.each(runtimes.map((runtime, i) => [i + 1, runtime, phases[i]!] as const))(
    'kill %i (%s, during the %s): no measured process after 3 s, an intact database, no container after the next start',
    async (i, runtime, phase) => {
      const dataDir = tempDataDir();
      const dbFile = path.join(dataDir, 'history.sqlite');
      const scenario = i <= 2 ? 'test-race' : 'test';
      const child = spawn(process.execPath, [CLI, 'run', '--workspace', workspace, '--runtimes', runtime, '--scenarios', scenario, '--runs', '20', '--warmup', '0', '--offline'], {
        cwd: ROOT,
        env: { ...process.env, ENVBENCH_DATA_DIR: dataDir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const measured = (): string[] => [...hostProcessesOf(dataDir), ...containerProcesses(containersOwnedBy(child.pid!))];
      const deadline = Date.now() + 120_000;
      const started = (p: string): boolean => (phase === 'build' ? p.includes('envbench-measure') && p.includes('-- go test') : p.includes('slow.test'));
      while (!measured().some(started)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the run never reached the ${phase}: ${stderr}`);
        await sleep(200);
      }
      await sleep(Math.random() * 3_000);
      child.kill('SIGKILL');
      await exited;
      await sleep(3_000);

      const left = measured();
      killAll(left);
      expect(left).toEqual([]);
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      // The next start of any EnvBench command removes the killed process's containers.
      expect(envbench(['history'], dataDir).status).toBe(0);
      expect(containersOwnedBy(child.pid!)).toEqual([]);
    },
    180_000,
  );
});
