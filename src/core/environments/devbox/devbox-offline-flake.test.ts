import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../../tests/support/envbench-cli';
import { hasTool } from '../../../../tests/support/require-runtime';
import { nixSystem } from '../offline-flake';
import { localFlakeRef, offlinePackagesFlake } from './devbox-definitions';

// The one Devbox definition test that builds with the real Nix (a minute when the store is empty):
// in the integration project (tests/vitest.config.mts), the rest of devbox.test.ts in the unit one.

describe.skipIf(!hasTool('nix') || !hasTool('go', ['version']))('the offline flake, built by the real Nix', () => {
  it("builds packages.<system>.go whose go runs with the host toolchain's GOROOT in the store", () => {
    const dir = tempDataDir('envbench-devbox-');
    const goroot = fs.realpathSync(spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim());
    fs.writeFileSync(path.join(dir, 'flake.nix'), offlinePackagesFlake({ goroot, toolsDir: null, tools: [], system: nixSystem(), goVersion: 'go-host' }));
    const offline = ['--extra-experimental-features', 'nix-command flakes', '--offline', '--option', 'substituters', '', '--option', 'flake-registry', path.join(dir, 'none.json')];
    fs.writeFileSync(path.join(dir, 'none.json'), '{"flakes":[],"version":2}\n');
    const built = spawnSync('nix', [...offline, 'build', '--no-link', '--json', `${localFlakeRef(dir, 'go')}`], { encoding: 'utf8', timeout: 300_000 });
    expect(built.status, built.stderr).toBe(0);
    const out = (JSON.parse(built.stdout) as { outputs: { out: string } }[])[0]!.outputs.out;
    const go = spawnSync(path.join(out, 'bin', 'go'), ['env', 'GOROOT', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOROOT: '' } });
    expect(go.status, go.stderr).toBe(0);
    const [storeGoroot, version] = go.stdout.trim().split('\n');
    expect(storeGoroot).toMatch(/^\/nix\/store\/[a-z0-9]{32}-source$/);
    expect(version).toBe(spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim());
  }, 300_000);
});
