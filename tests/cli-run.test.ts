import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunJson, RunSummary } from '../src/shared/run';
import { SAMPLE_WORKSPACE, envbench, envbenchAsync, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

function expectRealFigures(run: RunJson, scenarios: string[]): void {
  expect(run.status).toBe('completed');
  expect(run.results.map((r) => r.scenario).sort()).toEqual([...scenarios].sort());
  for (const result of run.results) {
    expect(result.runtime).toBe('native');
    expect(result.status).toBe('completed');
    expect(result.stats?.n).toBe(3);
    const measured = result.samples.filter((s) => !s.warmup);
    expect(measured).toHaveLength(3);
    for (const sample of measured) {
      expect(sample.exitCode).toBe(0);
      expect(sample.wallMs).toBeGreaterThan(0);
      expect(sample.innerWallMs).toBeGreaterThan(0);
      expect(sample.userMs + sample.sysMs).toBeGreaterThan(0);
      expect(sample.maxRssKb).toBeGreaterThan(1024);
      expect(sample.readBytes).toBeGreaterThan(0);
    }
    const stats = result.stats!;
    expect(stats.minMs).toBeLessThanOrEqual(stats.medianMs);
    expect(stats.medianMs).toBeLessThanOrEqual(stats.maxMs);
    expect(stats.ciLowMs).toBeLessThanOrEqual(stats.medianMs);
    expect(stats.ciHighMs).toBeGreaterThanOrEqual(stats.medianMs);
  }
}

describe.skipIf(!haveGo)('envbench run --runtimes native', () => {
  let dataDir: string;
  let run: RunJson;
  const scenarios = ['build-incremental', 'test', 'vet'];

  beforeAll(() => {
    dataDir = tempDataDir();
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--runtimes', 'native', '--scenarios', scenarios.join(','), '--runs', '3', '--warmup', '1', '--json', jsonFile], dataDir);
    // Nothing but the start and the progress lines (`envbench: 0:12 ...`, piped): no warning, no error.
    expect(result.stderr).not.toMatch(/envbench: (?!run .* started|\d+:\d\d )/);
    expect(result.status).toBe(0);
    run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  });

  it('measures the sample workspace with real CPU, memory and I/O figures', () => {
    expectRealFigures(run, scenarios);
    expect(run.workspace).toEqual({ path: fs.realpathSync(SAMPLE_WORKSPACE), module: 'example.com/envbench/sample', goVersion: '1.22' });
    expect(run.machine.cpuCount).toBeGreaterThan(0);
    expect(run.machine.tools.go).toMatch(/^go1\./);
    expect(run.comparisons).toEqual([]);
    expect(new Date(run.finishedAt!).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());
  });

  it('stores the run where a second process finds it', () => {
    const history = envbench(['history', '--json'], dataDir);
    expect(history.status).toBe(0);
    const runs = JSON.parse(history.stdout) as RunSummary[];
    expect(runs.map((r) => r.id)).toContain(run.id);
    const shown = envbench(['show', run.id, '--json'], dataDir);
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(run);
    const table = envbench(['show', run.id], dataDir);
    expect(table.stdout).toContain('build-incremental');
    expect(table.stdout).toContain('MEDIAN');
  });

  it('measures another stdlib-only module at an awkward path, never through a shell', () => {
    const awkward = path.join(tempDataDir(), `my "mod" $(touch pwned) ünï`);
    writeGoModule(awkward);
    const jsonFile = path.join(dataDir, 'other.json');
    const result = envbench(['run', '--workspace', awkward, '--runtimes', 'native', '--scenarios', 'build-clean,test-race', '--runs', '3', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status).toBe(0);
    const other = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(other.workspace.module).toBe('example.com/other');
    expect(other.results.every((r) => r.samples.every((s) => !s.warmup))).toBe(true);
    expectRealFigures(other, ['build-clean', 'test-race']);
    expect(fs.existsSync(path.join(path.dirname(awkward), 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(awkward, 'hello'))).toBe(false);
  });

  it('--json with no file (or -) writes the run JSON alone to standard output, the summary to standard error; history and show take a file', () => {
    const module = writeGoModule(path.join(tempDataDir(), 'json-out'));
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'vet', '-r', '1', '-w', '0', '--json'], dataDir);
    expect(result.status, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expect(run.results.map((r) => [r.scenario, r.samples.length])).toEqual([['vet', 1]]);
    expect(result.stderr).toMatch(/^vet\s+native\s+completed/m);
    expect(result.stderr).toMatch(new RegExp(`Saved as run ${run.id} in .*history\\.sqlite and standard output\\.`));
    const file = path.join(tempDataDir(), 'history.json');
    const listed = envbench(['history', '--json', file], dataDir);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toBe('');
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string }[]).map((r) => r.id)).toContain(run.id);
    expect(JSON.parse(envbench(['show', run.id, '--json', '-'], dataDir).stdout)).toEqual(run);

    // hyperfine's --style none: nothing but the output asked for; basic: plain progress lines.
    const quiet = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'vet', '-r', '1', '-w', '0', '--style', 'none', '--export-json', file], dataDir);
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe('');
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as RunJson).results[0]!.scenario).toBe('vet');
    const basic = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'vet', '-r', '1', '-w', '0', '--style', 'basic'], dataDir);
    expect(basic.stderr).toMatch(/^envbench: \d+:\d\d .*vet on native: measure 1\/1/m);
  });

  it("--command NAME=CMD measures the user's own command as a scenario, on a scratch copy: the workspace is not written", () => {
    const module = writeGoModule(path.join(tempDataDir(), 'own-command'));
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--command', 'list=go list ./...', '--command', "mark=touch 'written by the command'", '-r', '2', '-w', '0', '--json', '-'], dataDir);
    expect(result.status, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunJson;
    expect(run.results.map((r) => [r.scenario, r.status, r.samples.length])).toEqual([
      ['list', 'completed', 2],
      ['mark', 'completed', 2],
    ]);
    expect(run.options.commands).toEqual({ list: 'go list ./...', mark: "touch 'written by the command'" });
    expect(run.table.rows.map((r) => [r.scenario, r.kind, r.dimension])).toEqual([
      ['list', 'command', 'performance'],
      ['mark', 'command', 'performance'],
    ]);
    expect(fs.existsSync(path.join(module, 'written by the command'))).toBe(false);
    const refused = envbench(['run', '--workspace', module, '--command', 'vet=go vet ./...'], dataDir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Invalid --command "vet=go vet \.\/\.\.\.": "vet" is the name of EnvBench's own scenario/);
  });

  it('fails with the reason when a measured command fails, and exits non-zero', () => {
    const broken = writeGoModule(path.join(tempDataDir(), 'broken'));
    fs.writeFileSync(path.join(broken, 'greet', 'greet_test.go'), 'package greet\n\nimport "testing"\n\nfunc TestFails(t *testing.T) { t.Fatal("deliberate failure") }\n');
    const result = envbench(['run', '--workspace', broken, '--runtimes', 'native', '--scenarios', 'test,vet', '--runs', '2', '--warmup', '0'], dataDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/native test failed: `go test -count=1 \.\/\.\.\.` exited with 1: .*deliberate failure/);
    expect(result.stderr).toMatch(/run failed: 1 of 2 measurements did not complete \(native\/test\)/);
  });

  it('-i / --ignore-failure keeps a command that exits non-zero as a sample, with its exit code, and says so', () => {
    const broken = writeGoModule(path.join(tempDataDir(), 'broken-kept'));
    fs.writeFileSync(path.join(broken, 'greet', 'greet_test.go'), 'package greet\n\nimport "testing"\n\nfunc TestFails(t *testing.T) { t.Fatal("deliberate failure") }\n');
    const jsonFile = path.join(tempDataDir(), 'run.json');
    const result = envbench(['run', '--offline', '--workspace', broken, '--runtimes', 'native', '--scenarios', 'test', '-r', '2', '-w', '0', '-i', '--json', jsonFile], dataDir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/native test: 2 of 2 samples exited non-zero \(exit 1\): kept, as --ignore-failure asked/);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.options.ignoreFailure).toBe(true);
    expect(run.results[0]!.status).toBe('completed');
    expect(run.results[0]!.samples.map((s) => s.exitCode)).toEqual([1, 1]);
  });

  it('offline, a dependency missing from the module cache fails with a message naming the module', () => {
    const module = writeGoModule(path.join(tempDataDir(), 'needs-dep'));
    fs.appendFileSync(path.join(module, 'go.mod'), '\nrequire example.com/envbench-nowhere v1.0.0\n');
    fs.writeFileSync(path.join(module, 'greet', 'dep.go'), 'package greet\n\nimport _ "example.com/envbench-nowhere"\n');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'vet', '--runs', '1', '--warmup', '0'], dataDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/native vet failed: .*example\.com\/envbench-nowhere/);
  });

  it('kills a sample that exceeds --timeout together with its process tree', () => {
    const slow = writeGoModule(path.join(tempDataDir(), 'slow'));
    fs.writeFileSync(path.join(slow, 'greet', 'slow_test.go'), 'package greet\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) { time.Sleep(time.Hour) }\n');
    const started = Date.now();
    const result = envbench(['run', '--workspace', slow, '--runtimes', 'native', '--scenarios', 'test', '--runs', '1', '--warmup', '0', '--timeout', '8'], dataDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/timed out after 8 s and was killed with its process tree/);
    expect(Date.now() - started).toBeLessThan(60_000);
    // The test binary (greet.test, a grandchild of go) died with its process group.
    expect(spawnSync('pgrep', ['-x', 'greet.test']).status).not.toBe(0);
  });

  it('piped, a run is never silent for more than 10 s: a line at every step and a heartbeat during a long sample', async () => {
    const slow = writeGoModule(path.join(tempDataDir(), 'slow-but-ends'));
    fs.writeFileSync(path.join(slow, 'greet', 'slow_test.go'), 'package greet\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) { time.Sleep(25 * time.Second) }\n');
    const child = envbenchAsync(['run', '--workspace', slow, '--runtimes', 'native', '--scenarios', 'test', '--runs', '1', '--warmup', '0'], tempDataDir());
    const started = Date.now();
    const arrivals: number[] = [];
    let stderr = '';
    child.stdout!.on('data', () => arrivals.push(Date.now()));
    child.stderr!.on('data', (chunk: Buffer) => {
      arrivals.push(Date.now());
      stderr += chunk.toString();
    });
    const status = await new Promise((resolve) => child.on('exit', resolve));
    expect(status, stderr).toBe(0);
    const gaps = [started, ...arrivals].slice(1).map((at, i) => at - [started, ...arrivals][i]!);
    // HEARTBEAT_MS, checked every second, plus a second of slack for a busy machine.
    expect(Math.max(...gaps), stderr).toBeLessThanOrEqual(11_000);
    expect(stderr).toMatch(/^envbench: 0:0\d preparing native$/m);
    expect(stderr).toMatch(/^envbench: 0:\d\d test on native: measure 1\/1$/m);
    expect(stderr).toMatch(/^envbench: 0:\d\d still test on native: measure 1\/1 \(0:\d\d on this step\)$/m);
  }, 120_000);

  it("--show-output prints the measured commands' output as they run, control characters escaped; without it, none", () => {
    const module = writeGoModule(path.join(tempDataDir(), 'chatty'));
    fs.writeFileSync(path.join(module, 'greet', 'chatty_test.go'), 'package greet\n\nimport "testing"\n\nfunc TestChatty(t *testing.T) { t.Log("said \\x1b]0;pwned\\x07 aloud") }\n');
    const args = ['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'test', '--runs', '2', '--warmup', '0', '--test-args', '-v -run TestChatty'];
    const shown = envbench([...args, '--show-output'], tempDataDir());
    expect(shown.status, shown.stderr).toBe(0);
    // Once per sample, before the summary.
    expect(shown.stdout.split('=== RUN   TestChatty')).toHaveLength(3);
    expect(shown.stdout.indexOf('=== RUN')).toBeLessThan(shown.stdout.indexOf('SCENARIO'));
    expect(shown.stdout).toContain('said \\x1b]0;pwned\\x07 aloud');
    expect(shown.stdout).not.toContain('\x1b]0;pwned');
    const quiet = envbench(args, tempDataDir());
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout).not.toContain('=== RUN');
  });

  it('a planned run (--runs auto, the default) stops each result once its median is known, or at its plan, or at the run\'s budget, and says which', () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    const args = ['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'build-incremental,vet', '--runs', 'auto', '--max-runs', '8', '--budget', '1s', '--warmup', '0'];
    // The plan, before anything is measured: the fewest samples a verdict needs do not fit in 1 s.
    const plan = envbench([...args, '--plan'], dataDir);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: about .* in all \(budget 1\.00 s\)\./);
    expect(plan.stdout).toMatch(/^build-incremental +6 +[\d.]+ s\* +[\d.]+ s$/m);
    expect(plan.stdout).toMatch(/more than the budget of 1\.00 s: the run will take that long/);
    expect(envbench(['history'], dataDir).stdout).not.toMatch(/\d{8}-\d{6}-/);

    // Six builds take seconds, so once they are in, the 1 s budget is long gone; vet's
    // tenth-of-a-second samples converge, or stop at the budget after their six.
    const result = envbench([...args, '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.options.adaptive).toEqual({ targetHalfWidth: 0.02, maxRuns: 8, budgetMs: 1000 });
    expect(run.plan?.scenarios.map((s) => [s.scenario, s.samples, s.minSamples])).toEqual([
      ['build-incremental', 6, 6],
      ['vet', 6, 6],
    ]);
    const build = run.results.find((r) => r.scenario === 'build-incremental')!;
    expect(build.samples).toHaveLength(6);
    expect(build.stopReason).toMatch(/^(converged: .* after 6 samples|stopped at the run's time budget of 1\.00 s after 6 samples)/);
    const vet = run.results.find((r) => r.scenario === 'vet')!;
    expect(vet.samples).toHaveLength(6);
    expect(vet.stopReason).toMatch(/^(converged: .* after 6 samples|stopped at the run's time budget of 1\.00 s after 6 samples)/);
    // Every step's time is kept: the next plan estimates from it.
    expect(Object.keys(run.durations!.preparationMs)).toEqual(['native']);
    expect(run.durations!.scenarios.map((s) => s.scenario)).toEqual(['build-incremental', 'vet']);
    expect(result.stdout).toMatch(/runs auto \(95% CI within 2% of the median, at most 8, budget 1\.00 s\)/);
    expect(result.stdout).toMatch(/^Where the time went \(planned .*\):$/m);
    const again = envbench([...args, '--plan'], dataDir);
    expect(again.stdout).not.toContain('*');
    expect(again.stdout).not.toContain('First guesses');
  });

  it('refuses --budget that is not a time, and --budget with a fixed --runs, before measuring anything', () => {
    const bad = envbench(['run', '--runtimes', 'native', '--budget', 'soon'], tempDataDir());
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Invalid --budget "soon".*15m, 1h30m or 90s.*--budget 30m/s);
    const fixed = envbench(['run', '--runtimes', 'native', '--runs', '3', '--budget', '10m'], tempDataDir());
    expect(fixed.status).toBe(2);
    expect(fixed.stderr).toMatch(/--runs 3 fixes every scenario's samples.*--budget only shapes a planned run/s);
  });

  it('refuses --runs that is neither a number nor auto, before measuring anything', () => {
    const result = envbench(['run', '--runtimes', 'native', '--runs', 'many'], tempDataDir());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid --runs "many".*whole number or 'auto'/);
  });
});

