import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathInfoClosure } from '../nix-cli';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVersions, nixVersion } from '../nix-cli';
import { offlineShellNix, onlineFlake } from '../nix/generated-definitions';
import { goShellDerivation, nixSystem, offlineFlake } from '../offline-flake';
import { previewDefinitions } from '../../workbench/definition-previews';
import { inspectWorkspace } from '../../workspace/inspect-workspace';
import { DEVBOX_BINARY_ENV } from '../../machine/devbox-binary';
import { DEVBOX_SCHEMA_URL, DEVBOX_STDENV_KEY, flakeLockPinsEveryInput, generateDevboxConfig, goPackage, localFlakeRef, lockPins, lockStorePaths, nixpkgsStandinFlake, offlineDevboxLock, offlinePackagesFlake, offlineWorkspaceProblems, pathFlakeDir, pathInfoUnion } from './devbox-definitions';
import { DevboxRuntime, devboxDataPaths } from './devbox';
import { devboxError, devboxFailure } from './devbox-errors';
import { devboxJsonProblem, devboxPackages, lineAndColumn } from './devbox-json';
import { offlineNixConfig, runInDirectoryEnv, runInDirectoryScript, shellUnsafeCharacters } from './devbox-entry';
import { devboxProbeFlake } from './devbox-health';

const RESOURCES = path.resolve(__dirname, '..', '..', '..', '..', 'resources');
const temps: string[] = [];
function tempDir(prefix = 'envbench-devbox-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const onPath = (program: string, args: string[]): boolean => {
  const result = spawnSync(program, args, { stdio: 'ignore', timeout: 20_000 });
  return !result.error && result.status === 0;
};
const haveDevbox = onPath('devbox', ['version']);

interface GeneratedConfig {
  $schema: string;
  packages: string[];
  shell: { init_hook: string[]; scripts: Record<string, string> };
}
const parsed = (text: string): GeneratedConfig => parseJsonc(text, [], { allowTrailingComma: true }) as GeneratedConfig;

describe('generated devbox.json', () => {
  it.each([
    ['1.22', 'go@1.22'],
    ['1.22.3', 'go@1.22.3'],
    ['go1.23', 'go@1.23'],
    [null, 'go@latest'],
  ])('go.mod %s -> %s', (goVersion, expected) => {
    expect(goPackage(goVersion)).toBe(expected);
  });

  it('online: Go from go.mod, gopls and delve from nixpkgs, build and test scripts, the schema', () => {
    for (const [goVersion, go] of [
      ['1.22', 'go@1.22'],
      ['1.22.3', 'go@1.22.3'],
    ] as const) {
      const text = generateDevboxConfig({ goVersion, offlineFlakeDir: null });
      expect(devboxJsonProblem(text)).toBeNull();
      const config = parsed(text);
      expect(config.$schema).toBe(DEVBOX_SCHEMA_URL);
      expect(config.packages).toEqual([go, 'gopls@latest', 'delve@latest']);
      expect(config.shell.scripts).toEqual({ build: 'go build ./...', test: 'go test ./...' });
      // Harmless: runs before every devbox run, so it prints nothing and starts no program.
      expect(config.shell.init_hook).toEqual(["echo 'EnvBench Go environment' > /dev/null"]);
      expect(devboxPackages(text)).toEqual(config.packages);
    }
  });

  it('offline: every package is a path: reference into the local flake, never the search service', () => {
    const dir = '/data/envbench/workspaces/abc/devbox-flake';
    const config = parsed(generateDevboxConfig({ goVersion: '1.22', offlineFlakeDir: dir, offlineTools: ['gopls', 'dlv'] }));
    expect(config.packages).toEqual([`path:${dir}#go`, `path:${dir}#gopls`, `path:${dir}#dlv`]);
    const withoutTools = parsed(generateDevboxConfig({ goVersion: '1.22', offlineFlakeDir: dir }));
    expect(withoutTools.packages).toEqual([`path:${dir}#go`]);
  });

  it('percent-encodes what a flake URL cannot hold', () => {
    expect(localFlakeRef('/tmp/my dir/ünï"$x', 'go')).toBe('path:/tmp/my%20dir/%C3%BCn%C3%AF%22%24x#go');
  });

  it('the offline flake has no nixpkgs: bash-built links to the toolchain copied in as path: inputs', () => {
    const text = offlinePackagesFlake({ goroot: '/usr/local/go', toolsDir: '/data/tools', tools: ['gopls', 'dlv'], system: 'x86_64-linux', goVersion: 'go1.26.8' });
    expect(text).toContain('inputs.go = { url = "path:/usr/local/go"; flake = false; };');
    expect(text).toContain('inputs.tools = { url = "path:/data/tools"; flake = false; };');
    expect(text).toContain('packages.x86_64-linux = {');
    expect(text).toMatch(/go = linked "envbench-go-1\.26\.8" "\$\{go\}\/bin\/\*";/);
    expect(text).toMatch(/gopls = linked "envbench-gopls" "\$\{tools\}\/gopls";/);
    expect(text).toContain('builder = "/bin/bash";');
    expect(text).not.toMatch(/nixpkgs\s*[.=]/);
  });

  it('with the trees added to the store once, the inputs are those store paths, not the folders', () => {
    const text = offlinePackagesFlake({
      goroot: '/usr/local/go',
      toolsDir: '/data/tools',
      tools: ['gopls'],
      system: 'x86_64-linux',
      goVersion: 'go1.26.8',
      goSource: '/nix/store/04dwywdb8c6cixzb56079ixmr7kx0s84-source',
      toolsSource: '/nix/store/11111111111111111111111111111111-source',
    });
    expect(text).toContain('inputs.go = { url = "path:/nix/store/04dwywdb8c6cixzb56079ixmr7kx0s84-source"; flake = false; };');
    expect(text).toContain('inputs.tools = { url = "path:/nix/store/11111111111111111111111111111111-source"; flake = false; };');
    expect(text).toContain('# Go go1.26.8 from /usr/local/go; gopls from /data/tools.');
    expect(text).not.toContain('url = "path:/usr/local/go"');
  });
});

describe('offline: the nixpkgs stand-in and devbox.lock', () => {
  it('the stand-in provides legacyPackages.<system>.mkShell and nothing else', () => {
    const text = nixpkgsStandinFlake('aarch64-linux');
    expect(text).toContain('outputs = { self }: {');
    expect(text).toContain('legacyPackages."aarch64-linux".mkShell = { buildInputs ? [ ], ... }@args:');
    expect(text).toContain('system = "aarch64-linux";');
    expect(text).toContain('(map (p: "${p}/bin") buildInputs)');
    expect(text).not.toMatch(/inputs\s*[.=]/);
    expect(text.match(/^\s*(legacyPackages|packages|devShells)\b/gm)).toHaveLength(1);
  });

  it('a new lock holds only the stand-in entry, as a percent-encoded path: reference', () => {
    const lock = JSON.parse(offlineDevboxLock(null, '/data/my dir/standin')) as unknown;
    expect(lock).toEqual({ lockfile_version: '1', packages: { [DEVBOX_STDENV_KEY]: { resolved: 'path:/data/my%20dir/standin' } } });
    expect(DEVBOX_STDENV_KEY).toBe('github:NixOS/nixpkgs/nixpkgs-unstable');
  });

  it("keeps Devbox's entries and puts the stand-in back when it is gone or points elsewhere", () => {
    const devboxWrote = JSON.stringify({
      lockfile_version: '1',
      packages: { 'path:/x#go': {}, [DEVBOX_STDENV_KEY]: { last_modified: '2026-01-01T00:00:00Z', resolved: 'github:NixOS/nixpkgs/abc' } },
    });
    const lock = JSON.parse(offlineDevboxLock(devboxWrote, '/s')) as { packages: Record<string, unknown> };
    expect(lock.packages['path:/x#go']).toEqual({});
    expect(lock.packages[DEVBOX_STDENV_KEY]).toEqual({ last_modified: '2026-01-01T00:00:00Z', resolved: 'path:/s' });
    const fromGarbage = JSON.parse(offlineDevboxLock('{ not json', '/s')) as unknown;
    expect(fromGarbage).toEqual({ lockfile_version: '1', packages: { [DEVBOX_STDENV_KEY]: { resolved: 'path:/s' } } });
    expect(JSON.parse(offlineDevboxLock('[1]', '/s'))).toEqual(fromGarbage);
  });

  it('NIX_CONFIG names the flake features before flake-registry, after what the user set', () => {
    expect(offlineNixConfig('/r.json', undefined)).toBe('extra-experimental-features = nix-command flakes\nsubstituters =\nflake-registry = /r.json');
    const lines = offlineNixConfig('/r.json', 'max-jobs = 2').split('\n');
    expect(lines[0]).toBe('max-jobs = 2');
    expect(lines.findIndex((l) => l.startsWith('extra-experimental-features'))).toBeLessThan(lines.findIndex((l) => l.startsWith('flake-registry')));
  });
});

describe('the definition preview', () => {
  it('with the data directory, shows the offline stand-in and devbox.lock where EnvBench keeps them, never to be written into the workspace', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/x\n\ngo 1.22\n');
    const workspace = await inspectWorkspace(dir);
    const dataDir = '/data/envbench';
    const { configDir, standinDir } = devboxDataPaths(dataDir, workspace.path);
    const previews = previewDefinitions(workspace, [new DevboxRuntime(RESOURCES)], { dataDir });
    expect(previews.map((p) => [p.file, p.exists, p.offlineOnlyAt])).toEqual([
      ['devbox.json', false, undefined],
      ['nixpkgs stand-in flake.nix (offline)', false, path.join(standinDir, 'flake.nix')],
      ['devbox.lock (offline)', false, path.join(configDir, 'devbox.lock')],
    ]);
    expect(previews[1]!.content).toBe(nixpkgsStandinFlake(nixSystem()));
    expect(JSON.parse(previews[2]!.content)).toEqual({ lockfile_version: '1', packages: { [DEVBOX_STDENV_KEY]: { resolved: `path:${standinDir}` } } });
    expect(previewDefinitions(workspace, [new DevboxRuntime(RESOURCES)]).map((p) => p.file)).toEqual(['devbox.json']);
    fs.writeFileSync(path.join(dir, 'devbox.json'), '{ "packages": ["go@1.22"] }\n');
    expect(previewDefinitions(await inspectWorkspace(dir), [new DevboxRuntime(RESOURCES)], { dataDir }).map((p) => [p.file, p.exists])).toEqual([['devbox.json', true]]);
  });
});

describe('every generated builder (NixOS/nix#2176)', () => {
  // With the sandbox off, Nix ends a build whose builder closed stdout and stderr; bash execs the
  // last simple command of `-c`, and GNU ln closes both. `&& :` keeps bash, not the command, last.
  const generated: [string, string][] = [
    ['devbox packages flake', offlinePackagesFlake({ goroot: '/g', toolsDir: '/t', tools: ['gopls', 'dlv'], system: 'x86_64-linux', goVersion: 'go1.26' })],
    ['devbox nixpkgs stand-in', nixpkgsStandinFlake('x86_64-linux')],
    ["doctor's devbox probe flake", devboxProbeFlake('x86_64-linux')],
    ['nix offline flake', offlineFlake({ goroot: '/g', toolsDir: '/t', system: 'x86_64-linux', goVersion: 'go1.26', instance: 'abc' })],
    ['nix offline shell.nix', offlineShellNix({ goroot: '/g', goHash: 'sha256-x', toolsDir: '/t', toolsHash: 'sha256-y', system: 'x86_64-linux', goVersion: 'go1.26', instance: 'abc' })],
    ['nix health probe derivation', goShellDerivation('x86_64-linux', false, '', null)],
  ];
  it.each(generated)('%s: every bash -c script ends in `&& :`', (_name, text) => {
    const scripts = [...text.matchAll(/args = \[ "-c" "((?:[^"\\]|\\.)*)" \]/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(text.match(/builder = /g)?.length).toBe(scripts.length);
    for (const script of scripts) expect(script).toMatch(/ && :$/);
  });

  it('the online flake has no builder of its own (mkShell from nixpkgs)', () => {
    expect(onlineFlake({ goVersion: '1.22', system: 'x86_64-linux' })).not.toContain('builder');
  });
});

describe('the workspace devbox.json', () => {
  it.each([
    ['a missing comma', '{\n  "packages": ["go@1.22"]\n  "shell": {}\n}\n', /^devbox\.json is not valid JSON: line 3, column 3: expected a comma\. Fix the file, or remove it to let EnvBench generate one$/],
    ['an unclosed list', '{\n  "packages": ["go@1.22",\n', /line 3, column 1: expected a value/],
    ['a stray character', '{\n  "packages": [go@1.22]\n}\n', /line 2, column 16: unexpected character/],
    ['not an object', '["go@1.22"]\n', /must hold one JSON object/],
    ['packages as a string', '{ "packages": "go@1.22" }', /"packages" must be a list of strings .* but it is a string \("go@1\.22"\)/],
    ['a number among packages', '{ "packages": ["go@1.22", 3] }', /packages\[1\] is a number \(3\)/],
    ['a version that is a number', '{ "packages": { "go": 1.22 } }', /packages\["go"\] is a number \(1\.22\)/],
    ['a package object with a numeric version', '{ "packages": { "go": { "version": 1 } } }', /packages\["go"\] is an object without a string "version"/],
  ])('reports %s with where and what', (_what, text, message) => {
    expect(devboxJsonProblem(text)).toMatch(message);
  });

  it.each([
    ['comments and trailing commas (HuJSON, as Devbox reads it)', '// mine\n{\n  /* tools */ "packages": ["go@1.22", "gopls@latest",],\n  "shell": { "scripts": { "b": "go build ./...", }, },\n}\n'],
    ['packages as an object of versions and package objects', '{ "packages": { "go": "1.22", "gopls": { "version": "latest", "platforms": ["x86_64-linux"] }, "delve": {} } }'],
    ['no packages at all', '{ "shell": {} }'],
  ])('accepts %s', (_what, text) => {
    expect(devboxJsonProblem(text)).toBeNull();
  });

  it('names packages as devbox.lock keys them', () => {
    expect(devboxPackages('{ "packages": { "go": "1.22", "gopls": { "version": "latest" }, "hello": {} } }')).toEqual(['go@1.22', 'gopls@latest', 'hello']);
  });

  it('converts offsets to 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('checkWorkspace reads the real file and names it; fine or absent gives null', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/devboxcheck\n\ngo 1.22\n');
    fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    const runtime = new DevboxRuntime(RESOURCES);
    expect(runtime.checkWorkspace(await inspectWorkspace(dir))).toBeNull();

    fs.writeFileSync(path.join(dir, 'devbox.json'), '{\n  "packages": [\n    "go@1.22"\n    "gopls@latest"\n  ]\n}\n');
    const broken = await inspectWorkspace(dir);
    expect(broken.definitions).toContain('devbox.json');
    expect(runtime.checkWorkspace(broken)).toBe(
      `${path.join(broken.path, 'devbox.json')} is not valid JSON: line 4, column 5: expected a comma. Fix the file, or remove it to let EnvBench generate one`,
    );

    fs.writeFileSync(path.join(dir, 'devbox.json'), '{\n  // pinned\n  "packages": ["go@1.22",],\n}\n');
    expect(runtime.checkWorkspace(await inspectWorkspace(dir))).toBeNull();

    fs.writeFileSync(path.join(dir, 'devbox.json'), '{ "packages": true }\n');
    expect(runtime.checkWorkspace(await inspectWorkspace(dir))).toMatch(/devbox\.json: "packages" must be a list of strings .* but it is a boolean \(true\)/);
  });
});

describe('devbox.lock and Nix path-info', () => {
  const rev = 'b9c00c1d41ccd6385da243415299b39aa73357be';
  const lock = JSON.stringify({
    lockfile_version: '1',
    packages: {
      'go@1.22': { resolved: `github:NixOS/nixpkgs/${rev}#go_1_22`, version: '1.22.12' },
      'gopls@latest': { resolved: `github:NixOS/nixpkgs/${rev}#gopls` },
      'path:/x#go': {},
    },
  });
  // The local flake /x pins its inputs in its flake.lock; /y does not.
  const flakeLockPins = (ref: string): boolean => pathFlakeDir(ref) === '/x';

  it.each([
    [['go@1.22', 'gopls@latest'], true, []],
    [['go@1.22', 'path:/x#go'], true, []],
    [['go@1.22', 'delve@latest'], false, ['delve@latest']],
    [['path:/x#dlv', 'path:/y#go'], false, ['path:/y#go']],
  ])('%j pinned: %s', (packages, every, unpinned) => {
    expect(lockPins(lock, packages, flakeLockPins)).toEqual({ pinsEveryPackage: every, unpinned });
  });

  it('a path: package is pinned by its own flake.lock, not by devbox.lock', () => {
    expect(lockPins(lock, ['path:/x#go'])).toEqual({ pinsEveryPackage: false, unpinned: ['path:/x#go'] });
    expect(pathFlakeDir('path:/a%20b/c#go')).toBe('/a b/c');
  });

  it('a flake.lock pins when every input is locked by narHash or commit', () => {
    const node = (locked: object | undefined): object => ({ locked, original: {} });
    const flakeLock = (nodes: Record<string, object>): string => JSON.stringify({ nodes: { root: { inputs: {} }, ...nodes }, root: 'root', version: 7 });
    expect(flakeLockPinsEveryInput(flakeLock({ go: node({ type: 'path', path: '/nix/store/x-source', narHash: 'sha256-A' }) }))).toBe(true);
    expect(flakeLockPinsEveryInput(flakeLock({ nixpkgs: node({ type: 'github', rev: 'b9c00c1d41ccd6385da243415299b39aa73357be' }) }))).toBe(true);
    expect(flakeLockPinsEveryInput(flakeLock({ go: node({ type: 'path', path: '/g' }) }))).toBe(false);
    expect(flakeLockPinsEveryInput(flakeLock({}))).toBe(true);
    expect(flakeLockPinsEveryInput('{ not json')).toBe(false);
  });

  it('an unreadable lock pins nothing', () => {
    expect(lockPins('{ not json', ['go@1.22'])).toEqual({ pinsEveryPackage: false, unpinned: ['go@1.22'] });
  });

  it('reads closure sizes and paths from both path-info JSON shapes (list before Nix 2.19, object since)', () => {
    const p = '/nix/store/aaaa-profile';
    expect(pathInfoClosure(JSON.stringify([{ path: p, closureSize: 10 }, { path: '/nix/store/b', closureSize: 4 }]), p)).toEqual({ closureBytes: 10, paths: 2, storePaths: [p, '/nix/store/b'] });
    expect(pathInfoClosure(JSON.stringify({ [p]: { closureSize: 12 }, '/nix/store/b': { closureSize: 4 } }), p)).toEqual({ closureBytes: 12, paths: 2, storePaths: [p, '/nix/store/b'] });
  });
});

describe("the environment's store paths", () => {
  it('devbox.lock names outputs per system, or a legacy store_path', () => {
    const lock = JSON.stringify({
      packages: {
        'go@1.22': { systems: { 'x86_64-linux': { outputs: [{ path: '/nix/store/a-go' }, { path: '/nix/store/b-go-doc' }] }, 'aarch64-linux': { outputs: [{ path: '/nix/store/c' }] } } },
        'hello@2': { systems: { 'x86_64-linux': { store_path: '/nix/store/d-hello' } } },
        [DEVBOX_STDENV_KEY]: { resolved: 'path:/s' },
      },
    });
    expect(lockStorePaths(lock, 'x86_64-linux')).toEqual(['/nix/store/a-go', '/nix/store/b-go-doc', '/nix/store/d-hello']);
    expect(lockStorePaths('{ not json', 'x86_64-linux')).toEqual([]);
  });

  it('the union of closures adds each path once (both path-info JSON shapes)', () => {
    const union = { narBytes: 12, storePaths: ['/nix/store/a', '/nix/store/b'] };
    expect(pathInfoUnion(JSON.stringify({ '/nix/store/a': { narSize: 10 }, '/nix/store/b': { narSize: 2 } }))).toEqual(union);
    expect(pathInfoUnion(JSON.stringify([{ path: '/nix/store/a', narSize: 10 }, { path: '/nix/store/b', narSize: 2 }]))).toEqual(union);
  });
});

describe("offline: what a workspace's own devbox.json needs from the network", () => {
  const rev = 'b9c00c1d41ccd6385da243415299b39aa73357be';
  const present = new Set(['/nix/store/aaaa-go-1.22.12']);
  const check = (configText: string, lock: object | null): Promise<string[]> =>
    offlineWorkspaceProblems({
      configText,
      lockText: lock ? JSON.stringify(lock) : null,
      system: 'x86_64-linux',
      isValid: (p) => Promise.resolve(present.has(p)),
      flakeAvailable: (ref) => Promise.resolve(ref.startsWith('path:')),
    });
  const config = '// mine\n{ "nixpkgs": { "commit": "' + rev + '" }, "packages": { "go": "1.22", "gopls": "latest", "hello": { "version": "2.12" } }, "shell": { "init_hook": ["echo hi"] }, "env": { "A": "1" } }';
  const stdenv = `github:NixOS/nixpkgs/${rev}`;

  it('names each package and the nixpkgs commit Devbox would fetch', async () => {
    const problems = await check(config, {
      lockfile_version: '1',
      packages: {
        [stdenv]: { resolved: `github:NixOS/nixpkgs/${rev}?lastModified=1` },
        'go@1.22': { resolved: `github:NixOS/nixpkgs/${rev}#go_1_22`, systems: { 'x86_64-linux': { outputs: [{ name: 'out', path: '/nix/store/aaaa-go-1.22.12', default: true }] } } },
        'gopls@latest': { resolved: `github:NixOS/nixpkgs/${rev}#gopls`, systems: { 'x86_64-linux': { store_path: '/nix/store/bbbb-gopls' } } },
      },
    });
    expect(problems).toEqual([
      `nixpkgs (github:NixOS/nixpkgs/${rev}?lastModified=1, for the shell's mkShell): not in Nix's local cache, so Nix would download it`,
      'gopls@latest: /nix/store/bbbb-gopls is not in the local Nix store, so Nix would download it (cache.nixos.org)',
      'hello@2.12: not in devbox.lock, so Devbox would look it up on search.devbox.sh',
    ]);
  });

  it('without a lock, everything but local flakes', async () => {
    expect(await check('{ "packages": ["go@1.22", "path:/x#go"] }', null)).toEqual([
      `nixpkgs (${DEVBOX_STDENV_KEY}, for the shell's mkShell): devbox.lock does not resolve it, so Devbox would ask GitHub`,
      'go@1.22: not in devbox.lock, so Devbox would look it up on search.devbox.sh',
    ]);
  });

  it('nothing when the lock resolves nixpkgs locally and every store path is here', async () => {
    const lock = {
      packages: {
        [DEVBOX_STDENV_KEY]: { resolved: 'path:/standin' },
        'go@1.22': { resolved: 'x', systems: { 'x86_64-linux': { outputs: [{ path: '/nix/store/aaaa-go-1.22.12' }] } } },
      },
    };
    expect(await check('{ "packages": ["go@1.22"] }', lock)).toEqual([]);
    expect(await check('{ "packages": ["go@1.22"] }', { ...lock, packages: { ...lock.packages, 'go@1.22': { resolved: 'x', systems: {} } } })).toEqual([
      'go@1.22: devbox.lock names no store path for x86_64-linux, so Nix would build or download x',
    ]);
  });
});

describe("Devbox's messages", () => {
  it("keeps Devbox's own first lines, without colours or progress lines", () => {
    const stderr = 'Info: Ensuring packages are installed.\n\u001b[31mError:\u001b[0m Package "go@1.99" was not found\nTo search, run `devbox search go`\n';
    expect(devboxError(stderr)).toBe('Error: Package "go@1.99" was not found | To search, run `devbox search go`');
    expect(devboxError('')).toBe('nothing on stderr');
  });

  it.each([
    'Error: Get "https://search.devbox.sh/v2/resolve?name=go": dial tcp: lookup search.devbox.sh: no such host',
    "error: unable to download 'https://cache.nixos.org/nix-cache-info': Could not resolve host: cache.nixos.org (6)",
  ])('a network failure says Devbox needs the network and what --offline does: %s', (stderr) => {
    const online = devboxFailure(stderr, false);
    expect(online).toMatch(/^Devbox says: /);
    expect(online).toMatch(/Devbox needs the network to resolve packages/);
    expect(online).toMatch(/--offline` makes EnvBench give Devbox a local flake/);
    expect(devboxFailure(stderr, true)).toMatch(/Offline, Devbox still reached for the network: something in the definition .* is neither in devbox.lock with a store path this machine has nor a local flake$/);
  });

  it('other failures are Devbox’s words alone', () => {
    expect(devboxFailure('Error: no devbox.json found in "/x"', false)).toBe('Devbox says: Error: no devbox.json found in "/x"');
  });
});

describe('the command devbox run evaluates', () => {
  // Devbox joins the words after `--` into DEVBOX_RUN_CMD and its generated script runs
  // `eval $DEVBOX_RUN_CMD` in the project directory; newer versions first quote each argument
  // after the first with Go's strconv.Quote. This replays exactly that step in a real sh.
  const awkward = ['a  b', '$(touch pwned)', '*', `it's "quoted"`, 'line\nbreak', '', '--flag=x y'];

  it.each([
    ['older Devbox (words joined as they are)', (words: string[]) => words.join(' ')],
    ['newer Devbox (strconv.Quote on arguments after the first)', (words: string[]) => [words[0], ...words.slice(1).map((w) => JSON.stringify(w))].join(' ')],
  ])('%s: the command runs in its own directory with exactly its arguments', (_what, join) => {
    const cwd = path.join(tempDir(), 'dir with "spaces" & $(x)');
    const projectDir = tempDir();
    fs.mkdirSync(cwd);
    const argv = [process.execPath, '-e', 'process.stdout.write(JSON.stringify({ cwd: process.cwd(), argv: process.argv.slice(1) }))', ...awkward];
    const words = [runInDirectoryScript(argv.length)]; // what Devbox receives after its own `--`
    const result = spawnSync('sh', ['-c', 'eval $DEVBOX_RUN_CMD'], {
      cwd: projectDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DEVBOX_RUN_CMD: join(words), ...runInDirectoryEnv(cwd, argv) },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ cwd, argv: awkward });
    expect(fs.existsSync(path.join(projectDir, 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
  });
});

describe("directories Devbox's own sh -c would interpret", () => {
  it.each([
    ['/home/me/data/envbench/workspaces/0a1b/devbox', null],
    ['/tmp/my dir/ünï', null],
    ['/tmp/my "mod" $(touch pwned)', '" $'],
    ['/tmp/back`tick`\\slash', '` \\'],
  ])('%s -> %s', (dir, unsafe) => {
    expect(shellUnsafeCharacters(dir)).toBe(unsafe);
  });
});

describe('detect() on this machine', () => {
  const withEnv = async <T>(value: string | undefined, body: () => Promise<T>): Promise<T> => {
    const before = process.env[DEVBOX_BINARY_ENV];
    if (value === undefined) delete process.env[DEVBOX_BINARY_ENV];
    else process.env[DEVBOX_BINARY_ENV] = value;
    try {
      return await body();
    } finally {
      if (before === undefined) delete process.env[DEVBOX_BINARY_ENV];
      else process.env[DEVBOX_BINARY_ENV] = before;
    }
  };

  it.skipIf(haveDevbox)('without devbox on PATH: unavailable, saying how to install it and that the installer needs the network', async () => {
    const health = await withEnv(undefined, () => new DevboxRuntime(RESOURCES).detect());
    expect(health).toMatchObject({ id: 'devbox', available: false, version: null });
    expect(health.reason).toMatch(/^Devbox is not installed \(no `devbox` on PATH; ENVBENCH_DEVBOX can name the binary instead\)/);
    expect(health.reason).toContain('go install go.jetify.com/devbox/cmd/devbox@<version>');
    expect(health.reason).toMatch(/https:\/\/www\.jetify\.com\/devbox, which needs the network/);
    const nix = await nixVersion();
    if (nix.version && compareVersions(nix.version, '2.18') < 0) {
      expect(health.reason).toContain(`and Nix ${nix.version} is older than the 2.18 Devbox needs: install a newer Nix (Debian trixie ships 2.26)`);
    }
  });

  it('ENVBENCH_DEVBOX naming a file that does not exist: says so, with the path', async () => {
    const missing = path.join(tempDir(), 'no-such-devbox');
    const health = await withEnv(missing, () => new DevboxRuntime(RESOURCES).detect());
    expect(health.available).toBe(false);
    expect(health.reason).toMatch(new RegExp(`^ENVBENCH_DEVBOX is set to ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which does not exist: point ENVBENCH_DEVBOX at the devbox binary, or unset it to use devbox from PATH`));
  });

  it('ENVBENCH_DEVBOX naming a directory: not an executable file', async () => {
    const dir = tempDir();
    const health = await withEnv(dir, () => new DevboxRuntime(RESOURCES).detect());
    expect(health.reason).toContain(`ENVBENCH_DEVBOX is set to ${dir}, which is not an executable file`);
  });
});
