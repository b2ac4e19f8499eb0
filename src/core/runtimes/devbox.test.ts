import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVersions, nixVersion } from '../nix/nix-cli';
import { nixSystem } from '../nix/offline-flake';
import { inspectWorkspace } from '../workspace/inspect-workspace';
import {
  DEVBOX_BINARY_ENV,
  DEVBOX_SCHEMA_URL,
  DevboxRuntime,
  devboxError,
  devboxFailure,
  devboxJsonProblem,
  devboxPackages,
  generateDevboxConfig,
  goPackage,
  lineAndColumn,
  localFlakeRef,
  lockPins,
  offlinePackagesFlake,
  pathInfoClosure,
  runInDirectoryEnv,
  runInDirectoryScript,
  shellUnsafeCharacters,
} from './devbox';

const RESOURCES = path.resolve(__dirname, '..', '..', '..', 'resources');
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
const haveNix = onPath('nix', ['--version']);
const haveGo = onPath('go', ['version']);

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
});

describe.skipIf(!haveNix || !haveGo)('the offline flake, built by the real Nix', () => {
  it("builds packages.<system>.go whose go runs with the host toolchain's GOROOT in the store", () => {
    const dir = tempDir();
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
      'path:/x#go': { resolved: 'path:/x?lastModified=1&narHash=sha256-AAAA#go' },
      'path:/x#dlv': {},
    },
  });

  it.each([
    [['go@1.22', 'gopls@latest'], true, []],
    [['go@1.22', 'path:/x#go'], true, []],
    [['go@1.22', 'delve@latest'], false, ['delve@latest']],
    [['path:/x#dlv'], false, ['path:/x#dlv']],
  ])('%j pinned: %s', (packages, every, unpinned) => {
    expect(lockPins(lock, packages)).toEqual({ pinsEveryPackage: every, unpinned });
  });

  it('an unreadable lock pins nothing', () => {
    expect(lockPins('{ not json', ['go@1.22'])).toEqual({ pinsEveryPackage: false, unpinned: ['go@1.22'] });
  });

  it('reads closure sizes from both path-info JSON shapes (list before Nix 2.19, object since)', () => {
    const p = '/nix/store/aaaa-profile';
    expect(pathInfoClosure(JSON.stringify([{ path: p, closureSize: 10 }, { path: '/nix/store/b', closureSize: 4 }]), p)).toEqual({ closureBytes: 10, paths: 2 });
    expect(pathInfoClosure(JSON.stringify({ [p]: { closureSize: 12 }, '/nix/store/b': { closureSize: 4 } }), p)).toEqual({ closureBytes: 12, paths: 2 });
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
    expect(devboxFailure(stderr, true)).toMatch(/nixpkgs .* must already be in the Nix store/);
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
