import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nixSystem } from '../src/core/environments/offline-flake';
import type { RunJson } from '../src/shared/run';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import { hasTool } from './support/require-runtime';

const haveDocker = haveDockerEngine();
const haveNix = hasTool('nix', ['--version']);

function checkRun(workspace: string, dataDir: string, runtimes: string): RunJson {
  const jsonFile = path.join(dataDir, 'run.json');
  const result = envbench(['run', '--offline', '--workspace', workspace, '--runtimes', runtimes, '--scenarios', 'consistency,reproducible-build', '--json', jsonFile], dataDir);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(/Environment consistency/);
  expect(result.stdout).toMatch(/Reproducible builds/);
  return JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
}

describe.skipIf(!haveDocker || !haveNix)('consistency and reproducible builds in real environments', () => {
  let dataDir = '';
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('reports the same toolchain everywhere and builds identical, stable binaries when nothing differs', () => {
    dataDir = tempDataDir();
    const run = checkRun(writeGoModule(path.join(dataDir, 'module')), dataDir, 'native,docker,nix');
    const matrix = run.consistency!;
    const goVersion = matrix.rows.find((r) => r.key === 'env.GOVERSION')!;
    // Every environment answered with a real Go version, and the generated ones carry the host's.
    for (const runtime of ['native', 'docker', 'nix'] as const) expect(goVersion.values[runtime]).toMatch(/^go1\.\d+/);
    expect(goVersion.differs).toEqual([]);
    for (const result of run.results.filter((r) => r.scenario === 'reproducible-build')) {
      expect(result.status, result.reason).toBe('completed');
      expect(result.verdict).toMatchObject({ value: 'reproducible', detail: null });
    }
    // The same Go with -trimpath in the offline flake: byte-identical to native.
    const nix = matrix.builds.find((b) => b.runtime === 'nix')!;
    expect(nix).toMatchObject({ package: './cmd/hello', identicalToNative: true, why: null });
    expect(nix.sha256).toMatch(/^[0-9a-f]{64}$/);
    const docker = matrix.builds.find((b) => b.runtime === 'docker')!;
    // Whatever the container gives, the answer is a real comparison with a reason when it differs.
    expect(typeof docker.identicalToNative).toBe('boolean');
    if (!docker.identicalToNative) expect(docker.why).toBeTruthy();
  }, 20 * 60_000);

  it('finds and explains a difference introduced on purpose (a flake that strips binaries through GOFLAGS)', () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'stripped'));
    const goroot = fs.realpathSync(path.dirname(path.dirname(fs.realpathSync(spawnGo()))));
    fs.writeFileSync(
      path.join(module, 'flake.nix'),
      `{
  outputs = { self }: {
    devShells.${nixSystem()}.default = derivation {
      name = "stripped-go-shell"; system = "${nixSystem()}"; builder = "/bin/bash"; args = [ "-c" "echo > $out" ]; outputs = [ "out" ];
      PATH = "${goroot}/bin:/usr/local/bin:/usr/bin:/bin";
      GOFLAGS = "-ldflags=-s";
    };
  };
}
`,
    );
    const run = checkRun(module, dataDir, 'native,nix');
    const flags = run.consistency!.rows.find((r) => r.key === 'env.GOFLAGS')!;
    expect(flags.differs).toEqual(['nix']);
    expect(flags.explanations.join(' ')).toMatch(/nix builds with GOFLAGS="-ldflags=-s"/);
    const nix = run.consistency!.builds.find((b) => b.runtime === 'nix')!;
    expect(nix.identicalToNative).toBe(false);
    // (With -trimpath Go does not record -ldflags in the binary, so GOFLAGS is what tells.)
    expect(nix.why).toMatch(/GOFLAGS -ldflags=-s vs/);
    // Still reproducible within the environment: the difference is between environments.
    expect(run.results.find((r) => r.runtime === 'nix' && r.scenario === 'reproducible-build')?.verdict?.value).toBe('reproducible');
  }, 10 * 60_000);
});

/** The host's go binary, as PATH finds it. */
function spawnGo(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'go');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('go is not on PATH');
}
