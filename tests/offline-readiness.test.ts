import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResultJson, RunJson, RuntimeHealth } from '../src/shared/run';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import { hasTool } from './support/require-runtime';

const haveDocker = haveDockerEngine();
const haveNix = hasTool('nix', ['--version']);
const haveUnshare = hasTool('unshare', ['--version']);
const RUNTIMES = 'native,docker,dind,nix';

/**
 * A module that needs a third-party module no cache on this machine holds: go.sum pins it, so
 * with the network cut the build fails on the download itself.
 */
function writeModuleNeedingNetwork(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/needsnetwork\n\ngo 1.22\n\nrequire example.com/envbench-never-published v1.0.0\n');
  fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nimport absent "example.com/envbench-never-published"\n\nfunc main() { absent.Hello() }\n');
  const hash = 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
  fs.writeFileSync(path.join(dir, 'go.sum'), `example.com/envbench-never-published v1.0.0 ${hash}\nexample.com/envbench-never-published v1.0.0/go.mod ${hash}\n`);
  return dir;
}

function offlineReadiness(workspace: string, dataDir: string): { run: RunJson; stdout: string; results: Map<string, ResultJson> } {
  const jsonFile = path.join(dataDir, `${path.basename(workspace)}.json`);
  const result = envbench(['run', '--offline', '--workspace', workspace, '--runtimes', RUNTIMES, '--scenarios', 'offline-readiness', '--json', jsonFile], dataDir);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  return { run, stdout: result.stdout, results: new Map(run.results.map((r) => [r.runtime, r])) };
}

describe.skipIf(!haveDocker || !haveNix || !haveUnshare)('offline readiness, measured with the network really cut', () => {
  // Nix GC roots go with the data directory, so later cold starts stay possible.
  let dataDir = '';
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  it('a stdlib-only module builds everywhere without a network: ready, once per runtime, with how the network was cut', () => {
    dataDir = tempDataDir();
    const { run, stdout, results } = offlineReadiness(writeGoModule(path.join(dataDir, 'module')), dataDir);
    expect(run.status).toBe('completed');
    for (const runtime of RUNTIMES.split(',')) {
      const result = results.get(runtime)!;
      expect(result.status, result.reason).toBe('completed');
      expect(result.verdict?.value).toBe('ready');
      expect(result.verdict?.detail).toBeNull();
      // One measurement per runtime, whatever --runs says: a verdict is not a statistic.
      expect(result.samples).toHaveLength(1);
      expect(result.samples[0]!.exitCode).toBe(0);
    }
    expect(results.get('native')!.verdict!.method).toMatch(/network namespace/);
    expect(results.get('nix')!.verdict!.method).toMatch(/network namespace/);
    expect(results.get('docker')!.verdict!.method).toMatch(/--network none/);
    expect(results.get('dind')!.verdict!.method).toMatch(/--network none/);
    expect(run.comparisons.filter((c) => c.scenario === 'offline-readiness')).toEqual([]);
    expect(stdout).toMatch(/Offline readiness/);
    expect(stdout).toMatch(/^native\s+ready\s/m);

    // `doctor --json` shows the verdict it measured, with where and when.
    const health = JSON.parse(envbench(['doctor', '--json'], dataDir).stdout) as RuntimeHealth[];
    for (const runtime of RUNTIMES.split(',')) {
      expect(health.find((h) => h.id === runtime)?.offlineReadiness).toMatchObject({ value: 'ready', runId: run.id, workspacePath: run.workspace.path });
    }
    expect(health.find((h) => h.id === 'devbox')?.offlineReadiness).toBeNull();
  }, 30 * 60_000);

  it('a module whose dependency is in no cache is not ready, and the verdict quotes the host that could not be reached', () => {
    dataDir = tempDataDir();
    const { run, stdout, results } = offlineReadiness(writeModuleNeedingNetwork(path.join(dataDir, 'needs-network')), dataDir);
    // Not ready is an answer, not a failure of the run.
    expect(run.status).toBe('completed');
    for (const runtime of RUNTIMES.split(',')) {
      const result = results.get(runtime)!;
      expect(result.status, result.reason).toBe('completed');
      expect(result.verdict?.value, `${runtime}: ${JSON.stringify(result.verdict)}`).toBe('not-ready');
      expect(result.verdict?.detail).toMatch(/example\.com\/envbench-never-published/);
      expect(result.verdict?.detail).not.toMatch(/GOPROXY=off|^go: downloading|error \(ignored\)|nixpkgs/);
    }
    // --offline sets GOPROXY=off for measurements; the check resets it so the environment's own
    // settings decide, and on the host side the download fails on the missing network itself.
    for (const runtime of ['native', 'nix']) {
      expect(results.get(runtime)!.verdict?.detail).toMatch(/Get "https:\/\/proxy\.golang\.org\/.*(lookup proxy\.golang\.org|network is unreachable)/);
    }
    // Containers mount the host's module cache read-only, so Go cannot even start the download there.
    for (const runtime of ['docker', 'dind']) {
      expect(results.get(runtime)!.verdict?.detail).toMatch(/read-only file system|proxy\.golang\.org/);
    }
    expect(stdout).toMatch(/^nix\s+not ready\s.*proxy\.golang\.org/m);
  }, 30 * 60_000);
});
