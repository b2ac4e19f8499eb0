import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NixRuntime } from '../src/core/runtimes/nix';
import { inspectWorkspace } from '../src/core/workspace/inspect-workspace';
import type { RunJson } from '../src/shared/run';
import { RESOURCES, envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveNix = hasTool('nix', ['--version']);

describe.skipIf(!haveNix)('nix runtime, offline, with the real Nix', () => {
  // Each test's GC roots go with its data directory, so the next test can start cold.
  let dataDir = '';
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  it('measures cold and warm nix develop entry phase by phase, and build and test', () => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native,nix', '--scenarios', 'startup-cold,startup-warm,build-clean,test', '--runs', '2', '--warmup', '1', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const result of run.results.filter((r) => r.runtime === 'nix')) {
      expect(result.status).toBe('completed');
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
    const session = (await runtime.prepare({ workspace, dataDir, resourcesDir: RESOURCES, offline: true, runId: 't', scratchPath: null })) as unknown as {
      facts(): Promise<unknown>;
      storePaths(): Promise<string[]>;
      presentPaths(paths: readonly string[]): Promise<string[]>;
      evictCaches(): Promise<void>;
      startup(t: 'cold', o: object): Promise<{ phases: { name: string }[] }>;
    };
    await session.facts(); // realises the shell
    const paths = await session.storePaths();
    expect((await session.presentPaths(paths)).length).toBeGreaterThanOrEqual(4);
    await session.evictCaches();
    expect(await session.presentPaths(paths)).toEqual([]);
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
});
