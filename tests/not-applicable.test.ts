import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import type { RunJson } from '../src/shared/run';
import { RESOURCES, ROOT, envbench, tempDataDir, writeGoModule } from './support/envbench-cli';

// A real library module: one package, its tests, no package main.
const LIBRARY = path.join(ROOT, 'tests', 'fixtures', 'library-module');
const NOT_APPLICABLE = ['debug-breakpoint', 'reproducible-build', 'modcache-isolation'];

describe('a library module (no main package) on native', () => {
  it('exits 0 with debug-breakpoint, reproducible-build and modcache-isolation listed as not applicable, not failed, and unscored', () => {
    const dataDir = tempDataDir();
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--workspace', LIBRARY, '--runtimes', 'native', '--scenarios', [...NOT_APPLICABLE, 'vet'].join(','), '--runs', '2', '--json', jsonFile], dataDir);
    expect(result.stderr).not.toMatch(/did not complete/);
    expect(result.status).toBe(0);

    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.status).toBe('completed');
    const byScenario = Object.fromEntries(run.results.map((r) => [r.scenario, r]));
    for (const scenario of NOT_APPLICABLE) {
      expect(byScenario[scenario]).toMatchObject({ status: 'not-applicable', samples: [], stats: null });
      expect(byScenario[scenario]!.reason).toMatch(/^example\.com\/textstat has no main package \(package main with func main\) .*; name one with --main \.\/cmd\/x$/);
    }
    expect(byScenario.vet).toMatchObject({ status: 'completed', stats: { n: 2 } });
    // Scored on vet alone: the scenarios that do not apply are nobody's input.
    expect(run.scoring!.scores.native!.performance!.inputs.map((i) => i.name)).toEqual(['vet']);
    expect(run.scoring!.scores.native!.maintenance?.inputs.map((i) => i.name) ?? []).not.toContain('reproducible build');

    // The summary lists them once each under their own heading, with the way out.
    expect(result.stdout).toMatch(/Not applicable \(nothing to measure in this workspace or on this machine; not a failure, not scored\):\n {2}debug-breakpoint: example\.com\/textstat has no main package \(package main with func main\) to debug; name one with --main \.\/cmd\/x\n {2}modcache-isolation: .*\n {2}reproducible-build: .*to build a binary from; name one with --main \.\/cmd\/x/);
    expect(result.stdout).not.toMatch(/failed/);

    // The Markdown report and the summary CSV say the same.
    const md = path.join(dataDir, 'run.md');
    expect(envbench(['export', run.id, '--format', 'md', '--out', md], dataDir).status).toBe(0);
    const markdown = fs.readFileSync(md, 'utf8');
    expect(markdown).toMatch(/## Not applicable\n\nNothing to measure in this workspace: not a failure, and not part of any score\.\n\n- debug-breakpoint: example\.com\/textstat has no main package/);
    expect(markdown).not.toMatch(/## Failures/);
    const csv = path.join(dataDir, 'run.summary.csv');
    expect(envbench(['export', run.id, '--format', 'csv-summary', '--out', csv], dataDir).status).toBe(0);
    expect(fs.readFileSync(csv, 'utf8')).toMatch(/,native,debug-breakpoint,not-applicable,example\.com\/textstat has no main package/);
  });
});

describe('--main and --test-args', () => {
  it('are used by the scenarios, recorded with the run, and shown in its summary', () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    // A second main package: --main picks it over the first one (./cmd/hello) the scenarios would take.
    fs.mkdirSync(path.join(module, 'cmd', 'shout'), { recursive: true });
    fs.writeFileSync(path.join(module, 'cmd', 'shout', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("HELLO") }\n');
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(
      ['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'reproducible-build,test', '--runs', '1', '--warmup', '0', '--main', 'cmd/shout/', '--test-args', "-run 'TestHello$' -v", '--json', jsonFile],
      dataDir,
    );
    expect(result.stderr).not.toMatch(/did not complete|Invalid/);
    expect(result.status).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.options).toMatchObject({ main: './cmd/shout', testArgs: "-run 'TestHello$' -v" });
    expect(result.stdout).toMatch(/ · main: \.\/cmd\/shout · test-args: -run 'TestHello\$' -v/);
    // Only the named package was built, and the tests ran with the arguments (-v prints each test).
    const facts = run.maintenance.find((m) => m.runtime === 'native')!.facts;
    expect(Object.keys(facts).filter((k) => k.startsWith('reproducible-build.sha256.'))).toEqual(['reproducible-build.sha256../cmd/shout']);
    expect(run.results.find((r) => r.scenario === 'test')).toMatchObject({ status: 'completed' });
  });

  it('the app sends them through the IPC contract: refused with the CLI\'s message, or stored with the run', async () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    try {
      const request = { workspace: module, runtimes: ['native'], scenarios: ['vet'], runs: 1, warmup: 0, offline: true };
      expect(await service.handle('run:start', [{ ...request, main: './greet' }])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Invalid --main "\.\/greet": \.\/greet is package greet, not a main package/) } });
      expect(await service.handle('run:start', [{ ...request, testArgs: '-run X | tee log' }])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Invalid --test-args .*shell operator "\|"/) } });
      const started = await service.handle('run:start', [{ ...request, main: './cmd/hello', testArgs: '-short' }]);
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const runId = (started as { ok: true; value: { runId: string } }).value.runId;
      await expect.poll(() => core.getRun(runId)?.status, { timeout: 60_000 }).toBe('completed');
      // The status is written before the run's cleanup; the machine is free only once that has ended.
      await expect.poll(() => core.measuringNow(), { timeout: 60_000 }).toBeNull();
      expect(core.getRun(runId)?.options).toMatchObject({ main: './cmd/hello', testArgs: '-short' });
    } finally {
      core.dispose();
    }
  });

  it('a failing test is reported by its --- FAIL line, not the last lines of its output', () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    fs.writeFileSync(
      path.join(module, 'greet', 'greet_test.go'),
      'package greet\n\nimport "testing"\n\nfunc TestPanics(t *testing.T) { var m map[string]int; m["x"] = 1 }\n\nfunc TestPasses(t *testing.T) {}\n',
    );
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'test', '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status).toBe(1);
    const reason = (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson).results[0]!.reason!;
    expect(reason).toMatch(/^`go test -count=1 \.\/\.\.\.` exited with 1: --- FAIL: TestPanics \([0-9.]+s\): panic: assignment to entry in nil map.* \| FAIL example\.com\/other\/greet [0-9.]+s$/);
    expect(reason).not.toMatch(/goroutine|testing\.go/);
  });
});
