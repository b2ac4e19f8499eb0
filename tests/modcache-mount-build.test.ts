import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FactValue, RunJson } from '../src/shared/run';
import { haveDockerEngine } from './support/docker';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveRuntimes = haveDockerEngine() && hasTool('nix', ['--version']);

/** A module whose main package imports a real third-party module, fetched once into the host's module cache. */
function writeModuleWithDependency(dir: string): string {
  fs.mkdirSync(path.join(dir, 'cmd', 'id'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/withdep\n\ngo 1.22\n');
  fs.writeFileSync(
    path.join(dir, 'cmd', 'id', 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"github.com/google/uuid"\n)\n\nfunc main() { fmt.Println(uuid.NewSHA1(uuid.NameSpaceURL, []byte("envbench"))) }\n',
  );
  const got = spawnSync('go', ['get', 'github.com/google/uuid@v1.6.0'], { cwd: dir, encoding: 'utf8' });
  if (got.status !== 0) throw new Error(`go get github.com/google/uuid@v1.6.0 failed (the Go module proxy must be reachable): ${got.stderr}`);
  return dir;
}

function factsOf(run: RunJson, runtime: string): Record<string, FactValue> {
  return run.maintenance.find((m) => m.runtime === runtime)?.facts ?? {};
}

describe.skipIf(!haveRuntimes)('modcache-isolation and mount-build in native, docker and nix', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = tempDataDir();
  });

  it('times two builds at once per module-cache mode and finds that vendoring changes the binary, and why', () => {
    const module = writeModuleWithDependency(path.join(dataDir, 'withdep'));
    const before = fs.readdirSync(module).sort();
    const jsonFile = path.join(dataDir, 'withdep.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native,docker,nix', '--scenarios', 'modcache-isolation,mount-build', '--runs', '2', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const r of run.results) {
      expect(r.status, `${r.runtime} ${r.scenario}: ${r.reason}`).toBe('completed');
      const expected = r.scenario === 'modcache-isolation' ? ['shared-cache', 'own-cache', 'vendored'] : ['mounted', 'copy'];
      expect(r.phaseStats?.map((p) => p.name)).toEqual(expected);
      for (const sample of r.samples) expect(Object.keys(sample.phases ?? {})).toEqual(expected);
    }
    for (const runtime of ['native', 'docker', 'nix']) {
      const facts = factsOf(run, runtime);
      // A module cache of one's own, filled from the shared one, gives the same bytes...
      expect(facts['modcache-isolation.sha256.own-cache']).toBe(facts['modcache-isolation.sha256.shared-cache']);
      // ...but vendor mode records the dependency without its go.sum hash, so the binary differs.
      expect(facts['modcache-isolation.identical']).toBe(false);
      expect(facts['modcache-isolation.difference']).toMatch(/vendored records "dep github\.com\/google\/uuid v1\.6\.0" without its go\.sum hash/);
    }
    expect(result.stdout).toMatch(/Module cache isolation \(two builds at once; P50\):[\s\S]*native .*DIFFER/);
    // Vendoring happened on a copy inside each environment: the workspace is as it was.
    expect(fs.readdirSync(module).sort()).toEqual(before);
  }, 15 * 60_000);

  it('finds all six binaries identical when the module has no dependency', () => {
    const module = writeGoModule(path.join(dataDir, 'stdlib-only'));
    const jsonFile = path.join(dataDir, 'stdlib.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native,docker', '--scenarios', 'modcache-isolation', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const runtime of ['native', 'docker']) {
      expect(factsOf(run, runtime)['modcache-isolation.identical']).toBe(true);
      expect(factsOf(run, runtime)['modcache-isolation.difference']).toBeNull();
    }
  }, 10 * 60_000);
});
