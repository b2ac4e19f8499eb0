import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunJson, RuntimeHealth } from '../src/shared/run';
import { nixBuildFailureReason } from '../src/core/environments/nix-health';
import { goShellDerivation } from '../src/core/environments/offline-flake';
import { devboxJsonProblem } from '../src/core/environments/devbox/devbox-json';
import { offlinePackagesFlake } from '../src/core/environments/devbox/devbox-definitions';
import { envbench, SAMPLE_WORKSPACE, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

/**
 * Issue 12, 1 and 4: health means "Nix can build", not "`nix --version` answers"; a runtime that
 * cannot prepare fails once, with one reason; a broken devbox.json fails Devbox only.
 */
const haveNix = hasTool('nix', ['--version']);
const haveGo = hasTool('go', ['version']);

/** NIX_CONF_DIR folders: Nix's defaults (a fresh machine), the sandbox still on, and what README says to write. */
function confDir(lines: string | null): string {
  const dir = tempDataDir('envbench-nix-conf-');
  if (lines !== null) fs.writeFileSync(path.join(dir, 'nix.conf'), lines);
  return dir;
}

function doctorNix(dataDir: string, nixConfDir: string): { nix: RuntimeHealth; ms: number } {
  const started = performance.now();
  const result = envbench(['doctor', '--json'], dataDir, { env: { NIX_CONF_DIR: nixConfDir } });
  const ms = performance.now() - started;
  expect(result.status, result.stderr).toBe(0);
  return { nix: (JSON.parse(result.stdout) as RuntimeHealth[]).find((h) => h.id === 'nix')!, ms };
}

describe.skipIf(!haveNix)('nix health: a real build, offline, with the options runs use', () => {
  const dataDir = tempDataDir();

  it('a fresh machine (no nix.conf, no nixbld group): unavailable, naming the two nix.conf lines or nix-setup-systemd; warm doctor under 2 s', () => {
    const empty = confDir(null);
    const { nix } = doctorNix(dataDir, empty);
    expect(nix.available).toBe(false);
    expect(nix.version).toMatch(/^\d+\.\d+/);
    expect(nix.reason).toContain(`build-users-group`);
    expect(nix.reason).toContain('put the lines `build-users-group =` and `sandbox = false` in ' + path.join(empty, 'nix.conf'));
    expect(nix.reason).toContain('nix-setup-systemd');
    // Warm: the probe's answer is kept (keyed by the configuration), so doctor stays fast.
    const warm = doctorNix(dataDir, empty);
    expect(warm.nix.reason).toBe(nix.reason);
    expect(warm.ms).toBeLessThan(2000);
  });

  it('build-users-group emptied but the sandbox on: unavailable, naming `sandbox = false`', () => {
    const dir = confDir('build-users-group =\n');
    const { nix } = doctorNix(dataDir, dir);
    expect(nix.available).toBe(false);
    expect(nix.reason).toContain("executing '/bin/bash'");
    expect(nix.reason).toContain('put the line `sandbox = false` in ' + path.join(dir, 'nix.conf'));
  });

  it('the two lines README gives: available (the probe really built)', () => {
    const { nix } = doctorNix(dataDir, confDir('build-users-group =\nsandbox = false\n'));
    expect(nix).toMatchObject({ available: true, reason: null });
  });

  it('a run on a machine whose Nix cannot build fails nix once, with the fix, and nothing else', () => {
    const result = envbench(['run', '--runtimes', 'nix', '--offline', '--scenarios', 'build-clean,vet,test', '--runs', '1', '--warmup', '0', '--wait'], dataDir, {
      env: { NIX_CONF_DIR: confDir(null) },
    });
    expect(result.status).toBe(1);
    expect(result.stdout.split('Nix cannot build here')).toHaveLength(2);
    expect(result.stdout).toMatch(/nix: 3 scenarios failed \(build-clean, test, vet\): nix is unavailable: Nix cannot build here/);
  });
});

describe.skipIf(!haveNix || !haveGo)('a runtime that cannot prepare fails once, and the run goes on', () => {
  it('a workspace flake whose shell cannot be realised: one reason for nix, no scenario tried in it', () => {
    const dataDir = tempDataDir();
    const workspace = path.join(dataDir, 'broken-flake');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    const system = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux`;
    fs.writeFileSync(
      path.join(workspace, 'flake.nix'),
      // A shell whose dependency fails to build: Nix evaluates it, then cannot realise it.
      `{ outputs = { self }: let system = "${system}"; dep = derivation { name = "broken-dependency"; inherit system; builder = "/bin/bash"; args = [ "-c" "exit 3" ]; }; in {
  devShells.\${system}.default = derivation { name = "shell"; inherit system; builder = "/bin/bash"; args = [ "-c" "echo > $out" ]; outputs = [ "out" ]; DEP = dep; };
}; }\n`,
    );
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--workspace', workspace, '--runtimes', 'nix', '--offline', '--scenarios', 'build-clean,vet,test', '--runs', '1', '--warmup', '0', '--wait', '--json', jsonFile], dataDir);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/nix: 3 scenarios failed \(build-clean, test, vet\): could not prepare nix: realising the shell failed: .*exit code 3/);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(new Set(run.results.map((r) => r.reason)).size).toBe(1);
    expect(run.results.every((r) => r.samples.length === 0)).toBe(true);
  });

  it('a devbox.json nested 100000 deep fails devbox with file, line and column; native is measured', () => {
    const dataDir = tempDataDir();
    const workspace = path.join(dataDir, 'deep-devbox');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'devbox.json'), `{"packages": ${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`);
    const result = envbench(['run', '--workspace', workspace, '--runtimes', 'native,devbox', '--offline', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--wait'], dataDir);
    expect(result.stderr + result.stdout).not.toMatch(/Maximum call stack/);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain(`devbox vet failed: ${path.join(workspace, 'devbox.json')} nests arrays and objects more than 1000 deep: line 1, column 1013`);
    expect(result.stdout).toMatch(/vet +native +completed/);
  });
});

describe('what health and definitions say, table-driven', () => {
  it.each([
    ["warning: x\nerror: the group 'nixbld' specified in 'build-users-group' does not exist", /`build-users-group =` and `sandbox = false` in \/etc\/nix\/nix\.conf; or .*nix-setup-systemd/],
    ["building '/nix/store/x.drv'...\nerror: builder for '/nix/store/x.drv' failed with exit code 1;\n> executing '/bin/bash': No such file or directory", /a builder says: executing '\/bin\/bash': No such file or directory\): .*`sandbox = false` in \/etc\/nix\/nix\.conf/],
    ["error: opening lock file '/nix/var/nix/db/big-lock': Permission denied", /Nix says: error: opening lock file .*Permission denied\): .*fix the Nix installation or \/etc\/nix\/nix\.conf/],
  ])('%s', (stderr, expected) => {
    expect(nixBuildFailureReason(stderr, '/etc/nix/nix.conf')).toMatch(expected);
  });

  it('devbox.json nesting: where it first goes too deep, on any line', () => {
    expect(devboxJsonProblem(`{\n  "packages":\n${'['.repeat(1001)}`, 'devbox.json')).toMatch(/^devbox\.json nests arrays and objects more than 1000 deep: line 3, column 1000\./);
    expect(devboxJsonProblem(`{"packages": ${'['.repeat(999)}${']'.repeat(999)}}`)).toMatch(/packages\[0\] is a list/);
  });

  it('no generated builder ends in a command bash would exec (Nix kills such builders with the sandbox off, NixOS/nix#2176)', () => {
    const builders = [goShellDerivation('x86_64-linux', true, '', null), offlinePackagesFlake({ goroot: '/go', toolsDir: '/tools', tools: ['gopls'], system: 'x86_64-linux', goVersion: '1.22' })];
    for (const text of builders) {
      for (const [, script] of text.matchAll(/args = \[ "-c" "(.*)" \];/g)) expect(script).toMatch(/(&& :|^echo > \$out)$/);
    }
  });
});
