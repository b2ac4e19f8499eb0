import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nixSystem } from '../src/core/environments/offline-flake';
import { NixRuntime } from '../src/core/environments/nix/nix';
import { inspectWorkspace } from '../src/core/workspace/inspect-workspace';
import type { RunJson } from '../src/shared/run';
import { RESOURCES, envbench, envbenchAsync, tempDataDir, writeGoModule } from './support/envbench-cli';
import { waitFor } from './support/docker';
import { hasTool } from './support/require-runtime';

const haveNix = hasTool('nix', ['--version']);

/** The cache directory this file's envbench processes use (per-file-setup.ts), so a session here sees and drops their GC roots too. */
function cacheDir(): string {
  return process.env.ENVBENCH_CACHE_DIR!;
}

/**
 * After a cold start: none of the environment's own store paths, and every content-addressed
 * input (the host's Go toolchain and tools) still there: added once, as docker keeps its Go image.
 */
async function expectCold(session: { presentPaths(paths: readonly string[]): Promise<string[]> }, paths: { own: string[]; shared: string[] }): Promise<void> {
  expect(await session.presentPaths(paths.own)).toEqual([]);
  expect(paths.shared.length).toBeGreaterThan(0);
  expect(await session.presentPaths(paths.shared)).toEqual(paths.shared);
}

describe.skipIf(!haveNix)('nix runtime, offline, with the real Nix', () => {
  // Each test's GC roots go with its data directory, and those its envbench processes made in the
  // file's cache directory (the nix runtime's state there) with them, so the next test can start cold.
  let dataDir = '';
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(path.join(cacheDir(), 'runtimes', 'nix'), { recursive: true, force: true });
  });
  it('measures cold and warm nix develop entry phase by phase, and build and test', () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'nix', '--scenarios', 'startup-cold,startup-warm,build-clean,test', '--runs', '2', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const result of run.results.filter((r) => r.runtime === 'nix')) {
      expect(result.status).toBe('completed');
      if (result.scenario.startsWith('startup-')) {
        // The article's startup table: P50 and P95 per phase, P50 <= P95.
        expect(result.phaseStats?.map((p) => p.name)).toEqual(['evaluate', 'realise', 'shell-ready', 'first-run']);
        for (const phase of result.phaseStats!) expect(phase.p50Ms).toBeLessThanOrEqual(phase.p95Ms);
      }
      for (const sample of result.samples) {
        if (result.scenario.startsWith('startup-')) expect(Object.keys(sample.phases ?? {})).toEqual(['evaluate', 'realise', 'shell-ready', 'first-run']);
        expect(sample.innerWallMs).toBeLessThanOrEqual(sample.wallMs);
      }
    }
    const facts = run.maintenance.find((m) => m.runtime === 'nix')?.facts;
    expect(facts).toMatchObject({ definitionSource: 'generated offline flake (no nixpkgs)', lockPinsEveryInput: true });
    expect(Number(facts?.closureBytes)).toBeGreaterThan(100 * 1024 * 1024);
    // The generated flake lives in EnvBench's data directory, never in the workspace.
    expect(fs.readdirSync(module).sort()).toEqual(['cmd', 'go.mod', 'greet']);
  }, 15 * 60_000);

  it('a cold start really starts from a store without the environment', async () => {
    dataDir = tempDataDir();
    const workspace = await inspectWorkspace(writeGoModule(path.join(dataDir, 'module')));
    const runtime = new NixRuntime(RESOURCES);
    const session = (await runtime.prepare({ workspace, dataDir, cacheDir: cacheDir(), resourcesDir: RESOURCES, offline: true, runId: 't', scratchPath: null })) as unknown as {
      facts(): Promise<unknown>;
      storePaths(): Promise<string[]>;
      storePathsByOwner(): Promise<{ own: string[]; shared: string[] }>;
      presentPaths(paths: readonly string[]): Promise<string[]>;
      evictCaches(): Promise<void>;
      startup(t: 'cold', o: object): Promise<{ phases: { name: string }[] }>;
    };
    await session.facts(); // realises the shell
    const paths = await session.storePaths();
    const byOwner = await session.storePathsByOwner();
    expect((await session.presentPaths(paths)).length).toBeGreaterThanOrEqual(4);
    await session.evictCaches();
    await expectCold(session, byOwner);
    const cold = await session.startup('cold', { timeoutMs: 120_000, firstRun: ['go', 'run', './cmd/hello'] });
    expect(cold.phases.map((p) => p.name)).toEqual(['evaluate', 'realise', 'shell-ready', 'first-run']);
    expect(await session.presentPaths(paths)).not.toEqual([]);
  }, 5 * 60_000);

  it("reports a workspace flake that does not evaluate with Nix's own message", () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'broken-flake'));
    fs.writeFileSync(path.join(module, 'flake.nix'), '{ outputs = { self }: { devShells = undefined-variable; }; }\n');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'nix', '--scenarios', 'vet', '--runs', '1', '--warmup', '0'], dataDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/nix vet failed: could not prepare nix: .*flake\.nix cannot be used: Nix says: .*undefined variable/);
  });

  it('enters with nix-shell on a generated, hash-pinned shell.nix: cold and warm phases, and a cold start really is cold', async () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--nix-entry', 'shell', '--workspace', module, '--runtimes', 'nix', '--scenarios', 'startup-cold,startup-warm,build-clean', '--runs', '2', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const r of run.results) {
      expect(r.status, r.reason).toBe('completed');
      if (r.scenario.startsWith('startup-')) for (const sample of r.samples) expect(Object.keys(sample.phases ?? {})).toEqual(['evaluate', 'realise', 'shell-ready', 'first-run']);
    }
    const facts = run.maintenance.find((m) => m.runtime === 'nix')?.facts;
    expect(facts).toMatchObject({ entryMode: 'nix-shell (shell.nix)', definitionSource: 'generated shell.nix (no nixpkgs)', lockPinsEveryInput: true });
    expect(fs.readFileSync(String(facts?.definitionFile), 'utf8')).toMatch(/sha256 = "sha256-/);
    expect(fs.readdirSync(module).sort()).toEqual(['cmd', 'go.mod', 'greet']);

    // The same store-level proof as for flakes, through the session.
    const workspace = await inspectWorkspace(module);
    const session = (await new NixRuntime(RESOURCES).prepare({ workspace, dataDir, cacheDir: cacheDir(), resourcesDir: RESOURCES, offline: true, nixEntry: 'shell', runId: 't', scratchPath: null })) as unknown as {
      facts(): Promise<unknown>;
      storePaths(): Promise<string[]>;
      storePathsByOwner(): Promise<{ own: string[]; shared: string[] }>;
      presentPaths(paths: readonly string[]): Promise<string[]>;
      evictCaches(): Promise<void>;
    };
    await session.facts();
    const paths = await session.storePaths();
    const byOwner = await session.storePathsByOwner();
    // Output, derivation and the copied toolchain (plus gopls/dlv when installed).
    expect((await session.presentPaths(paths)).length).toBeGreaterThanOrEqual(3);
    await session.evictCaches();
    await expectCold(session, byOwner);
  }, 10 * 60_000);

  it("uses the workspace's own shell.nix with nix-shell, and says so", () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'with-shell-nix'));
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(
      path.join(module, 'shell.nix'),
      `derivation { name = "workspace-shell"; system = "${nixSystem()}"; builder = "/bin/bash"; args = [ "-c" "echo > $out" ]; PATH = "${goroot}/bin:/usr/bin:/bin"; }\n`,
    );
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'nix', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const facts = (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson).maintenance.find((m) => m.runtime === 'nix')?.facts;
    expect(facts).toMatchObject({ entryMode: 'nix-shell (shell.nix)', definitionSource: 'workspace shell.nix', definitionFile: path.join(module, 'shell.nix') });
  }, 5 * 60_000);

  it('online, generates a nixpkgs flake pinned by flake.lock, or says why it fell back to the offline flake', () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--workspace', module, '--runtimes', 'nix', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const facts = (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson).maintenance.find((m) => m.runtime === 'nix')?.facts;
    const online = fs.readdirSync(path.join(dataDir, 'workspaces'), { recursive: true }).map(String).find((f) => f.endsWith(path.join('nix-online', 'flake.nix')));
    expect(online, 'the online flake is written first').toBeDefined();
    if (facts?.definitionSource === 'generated flake (nixpkgs pinned in flake.lock)') {
      expect(facts.lockPinsEveryInput).toBe(true);
    } else {
      // No network here: Nix's own reason is kept with the run.
      expect(facts).toMatchObject({ definitionSource: 'generated offline flake (no nixpkgs)' });
      expect(String(facts?.offlineReason)).toMatch(/^nixpkgs could not be fetched \(.*(download|resolve|github)/i);
    }
  }, 5 * 60_000);

  it('a cancel during a realise stops Nix and its builder at once and ends the results as cancelled', async () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'slow-flake'));
    // An input that takes a minute to build, unique per test run so the store never has it yet.
    const nonce = `${process.pid}-${Date.now()}`;
    fs.writeFileSync(
      path.join(module, 'flake.nix'),
      `{
  outputs = { self }: let
    slow = derivation { name = "envbench-slow-input"; system = "${nixSystem()}"; builder = "/bin/bash"; args = [ "-c" "/bin/sleep 60; echo ${nonce} > $out" ]; };
  in {
    devShells.${nixSystem()}.default = derivation { name = "slow-shell"; system = "${nixSystem()}"; builder = "/bin/bash"; args = [ "-c" "echo > $out" ]; outputs = [ "out" ]; SLOW = slow; };
  };
}
`,
    );
    const child = envbenchAsync(['run', '--offline', '--workspace', module, '--runtimes', 'nix,native', '--scenarios', 'vet', '--runs', '1', '--warmup', '0'], dataDir);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const builder = (): boolean => spawnSync('pgrep', ['-f', `echo ${nonce}`]).status === 0;
    await waitFor(builder, 120_000, 'the slow input to start building');
    const cancelledAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - cancelledAt).toBeLessThan(20_000);
    expect(builder()).toBe(false);
    expect(stdout).toMatch(/nix vet cancelled: cancelled by the user while nix was being prepared/);
    expect(stdout).toMatch(/native vet cancelled/);
  }, 5 * 60_000);

  it('a store path another GC root keeps alive fails the cold sample with that root, and the run goes on', async () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const workspace = await inspectWorkspace(module);
    const session = (await new NixRuntime(RESOURCES).prepare({ workspace, dataDir, cacheDir: cacheDir(), resourcesDir: RESOURCES, offline: true, runId: 't', scratchPath: null })) as unknown as {
      facts(): Promise<unknown>;
      storePaths(): Promise<string[]>;
    };
    await session.facts(); // realises the shell
    const [shell] = await session.storePaths();
    // Someone else's root (outside EnvBench's data directory) on the shell EnvBench realised.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-foreign-root-'));
    const root = path.join(outside, 'keep');
    try {
      expect(spawnSync('nix-store', ['--add-root', root, '--indirect', '--realise', shell!], { encoding: 'utf8' }).status).toBe(0);
      const jsonFile = path.join(dataDir, 'run.json');
      const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'nix,native', '--scenarios', 'startup-cold', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
      expect(result.status).toBe(1);
      const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
      const nix = run.results.find((r) => r.runtime === 'nix')!;
      expect(nix.status).toBe('failed');
      expect(nix.reason).toContain(`cannot make the Nix store cold: ${shell} (kept alive by the GC root ${root}`);
      expect(nix.reason).toMatch(/EnvBench does not force it/);
      expect(run.results.find((r) => r.runtime === 'native')).toMatchObject({ status: 'completed' });
      // Nothing forced: the path is still there.
      expect(spawnSync('nix-store', ['--check-validity', shell!]).status).toBe(0);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  }, 5 * 60_000);
});

