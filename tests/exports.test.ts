// `envbench export` writes a real run in every text format, and the numbers survive the trip:
// the CSVs parse back to the run JSON's exact numbers, the Markdown tables to its medians at the
// printed precision, with every failure's reason; benchstat reads the benchmark format; bad
// input is refused with one line and leaves no file. `envbench import hyperfine` turns a real
// hyperfine --export-json file into a run in the history.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { cell } from '../src/core/export/markdown';
import { createIpcService } from '../src/core/ipc-service';
import { rankingReasons } from '../src/shared/format/ranking-reasons';
import type { ResultJson, RunJson, RunSummary, Sample } from '../src/shared/run';
import { findBenchstat } from './support/benchstat';
import { RESOURCES, envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';
import { parseCsvRecords } from './support/csv';

const haveGo = hasTool('go', ['version']);
const benchstat = findBenchstat();
const haveHyperfine = haveGo && hasTool('hyperfine', ['--version']);

const FAILING_TEST = 'deliberate failure | for the report `x`';

/** Bad input: exit 2, one line on stderr saying what (matching `message`), nothing on stdout. */
function expectOneLineRefusal(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^envbench: /);
  expect(lines[0]).toMatch(message);
  expect(result.stdout).toBe('');
}

/** The CSV as one object per record, keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  const rows = parseCsvRecords(text);
  const [header, ...body] = rows as [string[], ...string[][]];
  for (const r of body) expect(r).toHaveLength(header.length);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
}

/** A GFM table whose header row starts with `first`: cells split on unescaped pipes, escapes undone. */
function markdownTable(md: string, header: string[]): Record<string, string>[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`| ${header.join(' | ')} |`);
  expect(start, `no table | ${header.join(' | ')} | in:\n${md}`).toBeGreaterThanOrEqual(0);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('| ')) break;
    const cells = line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((c) => c.replace(/<br>/g, '\n').replace(/\\(.)/g, '$1'));
    expect(cells).toHaveLength(header.length);
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]!])));
  }
  return rows;
}

function exportOf(dataDir: string, id: string, format: string): string {
  const result = envbench(['export', id, '--format', format, '--out', '-'], dataDir);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe.skipIf(!haveGo)('envbench export', () => {
  let dataDir: string;
  let outDir: string;
  let run: RunJson;

  beforeAll(() => {
    dataDir = tempDataDir();
    outDir = path.join(dataDir, 'out');
    fs.mkdirSync(outDir);
    const module = writeGoModule(path.join(dataDir, 'module'));
    // A test that fails, so the report has a failure with a reason (and a pipe and backticks in it).
    fs.writeFileSync(path.join(module, 'greet', 'greet_test.go'), `package greet\n\nimport "testing"\n\nfunc TestHello(t *testing.T) {\n\tt.Fatal(${JSON.stringify(FAILING_TEST)})\n}\n`);
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(
      ['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'startup-warm,vet,test,offline-readiness,consistency', '--runs', '6', '--warmup', '1', '--json', jsonFile],
      dataDir,
    );
    expect(result.status, result.stderr).toBe(1); // the test scenario failed, on purpose
    run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    const failed = run.results.find((r) => r.scenario === 'test')!;
    expect(failed.status).toBe('failed');
    expect(failed.reason).toContain(FAILING_TEST);
  }, 900_000);

  it('json: the run JSON, byte for byte what `envbench show --format json` prints', () => {
    const shown = envbench(['show', run.id, '--format', 'json'], dataDir);
    expect(shown.status).toBe(0);
    const file = path.join(outDir, 'run.json');
    const written = envbench(['export', run.id, '--format', 'json', '--out', file], dataDir);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toMatch(new RegExp(`^Wrote ${file} \\(json, \\d+ bytes\\): run ${run.id}\\.\\n$`));
    expect(fs.readFileSync(file, 'utf8')).toBe(shown.stdout);
    expect(JSON.parse(shown.stdout)).toEqual(run);
  });

  it('csv: one row per sample, every number exactly the run JSON\'s', () => {
    const file = path.join(outDir, 'samples.csv');
    expect(envbench(['export', run.id, '--format', 'csv', '--out', file], dataDir).status).toBe(0);
    const rows = parseCsv(fs.readFileSync(file, 'utf8'));
    const samples: { result: ResultJson; sample: Sample; index: number }[] = run.results.flatMap((result) => result.samples.map((sample, index) => ({ result, sample, index })));
    expect(rows).toHaveLength(samples.length);
    expect(samples.some((s) => s.sample.warmup)).toBe(true);
    expect(samples.some((s) => s.sample.phases)).toBe(true);
    const number = (text: string): number | undefined => (text === '' ? undefined : Number(text));
    rows.forEach((row, i) => {
      const { result, sample, index } = samples[i]!;
      expect([row.runId, row.runtime, row.scenario, row.status, row.sample]).toEqual([run.id, result.runtime, result.scenario, result.status, String(index)]);
      expect(row.warmup).toBe(String(sample.warmup));
      expect(row.outlier).toBe(String(sample.outlier));
      for (const field of ['wallMs', 'innerWallMs', 'userMs', 'sysMs', 'maxRssKb', 'readBytes', 'writeBytes', 'blockReadBytes', 'blockWriteBytes', 'readCalls', 'writeCalls', 'exitCode'] as const) {
        expect(number(row[field]!), `${field} of sample ${i}`).toBe(sample[field]);
      }
      for (const [name, ms] of Object.entries(sample.phases ?? {})) expect(number(row[`phase:${name}`]!)).toBe(ms);
    });
  });

  it('csv-summary: one row per result, statistics exactly the run JSON\'s, the failure with its reason', () => {
    const rows = parseCsv(exportOf(dataDir, run.id, 'csv-summary'));
    expect(rows.map((r) => `${r.runtime}/${r.scenario}`)).toEqual(run.results.map((r) => `${r.runtime}/${r.scenario}`));
    rows.forEach((row, i) => {
      const result = run.results[i]!;
      expect(row.status).toBe(result.status);
      expect(row.reason).toBe(result.reason ?? '');
      expect(row.verdict).toBe(result.verdict?.value ?? '');
      const stats = result.stats;
      expect(row.n).toBe(String(stats?.n ?? 0));
      for (const field of ['medianMs', 'ciLowMs', 'ciHighMs', 'ciLevel', 'p95Ms', 'minMs', 'maxMs', 'meanMs', 'stddevMs'] as const) {
        expect(row[field] === '' ? undefined : Number(row[field]), `${field} of ${result.scenario}`).toBe(stats?.[field]);
      }
    });
    expect(rows.find((r) => r.scenario === 'test')!.reason).toContain(FAILING_TEST);
    expect(rows.find((r) => r.scenario === 'offline-readiness')!.verdict).toMatch(/^(ready|not-ready)$/);
  });

  it('md: every runtime and scenario, medians and CIs to the printed microsecond, failures with their reasons', () => {
    const file = path.join(outDir, 'report.md');
    expect(envbench(['export', run.id, '--format', 'md', '--out', file], dataDir).status).toBe(0);
    const md = fs.readFileSync(file, 'utf8');
    expect(exportOf(dataDir, run.id, 'md')).toBe(md);
    expect(md).toMatch(new RegExp(`^# EnvBench run ${run.id}\\n`));
    expect(md).toContain('`example.com/other`');
    expect(md).toContain(`**Date:** ${run.startedAt.replace('T', ' ').slice(0, 19)} UTC`);
    expect(md).toContain(run.machine.cpuModel.replace(/[|\\]/g, (c) => `\\${c}`));

    const table = markdownTable(md, ['Scenario', 'Runtime', 'Status', 'n', 'Median (ms)', '95% CI (ms)', 'P95 (ms)', 'vs native']);
    const timed = run.results.filter((r) => !['offline-readiness', 'consistency'].includes(r.scenario));
    expect(table.map((r) => `${r.Runtime}/${r.Scenario}/${r.Status}`)).toEqual(timed.map((r) => `${r.runtime}/${r.scenario}/${r.status}`));
    for (const row of table) {
      const stats = run.results.find((r) => r.scenario === row.Scenario && r.runtime === row.Runtime)!.stats;
      if (!stats) {
        expect(row['Median (ms)']).toBe('-');
        continue;
      }
      expect(Number(row['Median (ms)'])).toBeCloseTo(stats.medianMs, 3);
      expect(Math.abs(Number(row['Median (ms)']) - stats.medianMs)).toBeLessThanOrEqual(0.0005 + 1e-9);
      const [low, high] = row['95% CI (ms)']!.split(' – ').map(Number);
      expect(Math.abs(low! - stats.ciLowMs)).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs(high! - stats.ciHighMs)).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(row.n).toBe(String(stats.n));
      expect(row['vs native']).toBe('baseline');
    }
    for (const scenario of run.options.scenarios) expect(md).toContain(scenario);

    const phases = markdownTable(md, ['Scenario', 'Runtime', 'Phase', 'P50 (ms)', 'P95 (ms)']);
    const startup = run.results.find((r) => r.scenario === 'startup-warm')!;
    for (const phase of startup.phaseStats!) {
      const row = phases.find((r) => r.Phase === phase.name)!;
      expect(Math.abs(Number(row['P50 (ms)']) - phase.p50Ms)).toBeLessThanOrEqual(0.0005 + 1e-9);
    }

    const offline = markdownTable(md, ['Runtime', 'Verdict', 'Build (ms)', 'First error line, or how the network was cut']);
    expect(offline.map((r) => r.Runtime)).toEqual(['native']);
    expect(markdownTable(md, ['Setting', 'native']).find((r) => r.Setting === 'GOVERSION')!.native).toBe(run.machine.tools.go);
    expect(markdownTable(md, ['Rank', 'Runtime', 'Startup', 'Performance', 'Maintenance', 'Overall']).map((r) => r.Runtime)).toEqual(['native']);
    // Why each dimension is won, one sentence each, under the ranking table.
    const reasons = rankingReasons(run.scoring);
    expect(reasons.map((r) => r.dimension)).toEqual(['startup', 'performance', 'maintenance']);
    const ranking = md.slice(md.indexOf('## Ranking'), md.indexOf('## Results'));
    for (const r of reasons) expect(ranking).toContain(`- ${cell(r.sentence)}`);

    // The failure's reason, verbatim, under Failures.
    const failures = md.slice(md.indexOf('## Failures'));
    expect(failures).toContain('- **native** · test — failed:');
    const reason = run.results.find((r) => r.scenario === 'test')!.reason!;
    for (const line of reason.split('\n').filter((l) => l.trim() !== '')) expect(failures).toContain(`  ${line}`);
    expect(md).toContain('**Method:**');
  });

  it.skipIf(!hasTool(benchstat, ['-h']))('benchfmt: benchstat reads it and finds the medians', () => {
    const file = path.join(outDir, 'run.bench');
    expect(envbench(['export', run.id, '--format', 'benchfmt', '--out', file], dataDir).status).toBe(0);
    const read = spawnSync(benchstat, [file], { encoding: 'utf8', timeout: 60_000 });
    expect(read.status, read.stderr).toBe(0);
    expect(read.stderr).toBe('');
    expect(read.stdout).toContain(`envbench-run: ${run.id}`);
    for (const name of ['StartupWarm/runtime=native', 'Vet/runtime=native']) expect(read.stdout).toMatch(new RegExp(`^${name.replace('/', '\\/')}\\s+\\S+`, 'm'));
    // The failed result has no samples to export.
    expect(read.stdout).not.toMatch(/^Test\/runtime=native/m);
  });

  it("the app's Export (run:export) goes through the same exporters and refuses the same way", async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    try {
      for (const format of ['json', 'csv-summary', 'md'] as const) {
        const file = path.join(outDir, `app.${format}`);
        const reply = await service.handle('run:export', [{ id: run.id, format, path: file }]);
        expect(reply).toEqual({ ok: true, value: { path: file, bytes: fs.statSync(file).size } });
        if (format !== 'md') expect(fs.readFileSync(file, 'utf8')).toBe(exportOf(dataDir, run.id, format));
        else expect(fs.readFileSync(file, 'utf8')).toContain('Exported by EnvBench 0.0.0-test;');
      }
      const before = listing(outDir);
      const refusals = await Promise.all([
        service.handle('run:export', [{ id: 'no-such-run', format: 'md', path: path.join(outDir, 'x.md') }]),
        service.handle('run:export', [{ id: run.id, format: 'md', path: 'relative.md' }]),
        service.handle('run:export', [{ id: run.id, format: 'md', path: path.join(outDir, 'missing', 'x.md') }]),
        service.handle('run:export', [{ id: run.id, format: 'xml', path: path.join(outDir, 'x.xml') }]),
      ]);
      expect(refusals.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual([
        expect.stringMatching(/^No run "no-such-run": it is not in .*history\.sqlite\. List the runs with `envbench history`/),
        expect.stringMatching(/^Cannot write relative\.md: the path is relative/),
        expect.stringMatching(/^Cannot write .*x\.md: the folder .*missing does not exist/),
        expect.stringMatching(/^invalid arguments for run:export/),
      ]);
      expect(listing(outDir)).toEqual(before);
    } finally {
      await service.dispose();
      core.dispose();
    }
  });

  describe('bad input: exit 2, one line, no file left behind', () => {
    const cases: [string, () => string[], RegExp][] = [
      ['an unknown run id', () => ['export', 'no-such-run', '--format', 'md', '--out', path.join(outDir, 'x.md')], /No run "no-such-run": it is not in .*history\.sqlite\. List the runs with `envbench history`/],
      ['an unknown format', () => ['export', run.id, '--format', 'xml', '--out', path.join(outDir, 'x.xml')], /Unknown export format "xml": EnvBench exports pdf .*Pass one of pdf, md, csv, csv-summary, json, benchfmt with --format/],
      ['a folder that does not exist', () => ['export', run.id, '--format', 'md', '--out', path.join(outDir, 'missing', 'x.md')], /Cannot write .*x\.md: the folder .*missing does not exist\. Create it first/],
      ['a path under a file', () => ['export', run.id, '--format', 'csv', '--out', path.join(outDir, 'plain.txt', 'x.csv')], /Cannot write .*x\.csv: .*plain\.txt is a file, not a folder/],
      ['a folder as the file', () => ['export', run.id, '--format', 'md', '--out', outDir], /Cannot write .*: it is a folder\. Give a file name inside it/],
      ['a PDF to standard output', () => ['export', run.id, '--format', 'pdf', '--out', '-'], /Cannot write the pdf export to standard output: it is a binary file\. Pass a file name/],
    ];

    it.each(cases)('%s', (_name, args, message) => {
      fs.writeFileSync(path.join(outDir, 'plain.txt'), 'x');
      const before = listing(outDir);
      const result = envbench(args(), dataDir);
      expectOneLineRefusal(result, message);
      expect(listing(outDir)).toEqual(before);
    });

    it('a folder that is not writable', () => {
      // Root writes anywhere permissions allow nothing, so as root: /proc, which takes no new files.
      const asRoot = process.getuid?.() === 0;
      const locked = asRoot ? '/proc' : path.join(outDir, 'locked');
      if (!asRoot) fs.mkdirSync(locked, { mode: 0o500 });
      const before = listing(locked);
      const result = envbench(['export', run.id, '--format', 'md', '--out', path.join(locked, 'envbench-x.md')], dataDir);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(asRoot ? /^envbench: Cannot write \/proc\/envbench-x\.md: the write failed \(.*\); nothing was written\./ : /Cannot write .*x\.md: the folder .*locked is not writable/);
      expect(listing(locked).filter((name) => name.includes('envbench-x'))).toEqual([]);
      if (!asRoot) expect(listing(locked)).toEqual(before);
    });
  });
});

describe.skipIf(!haveHyperfine)('envbench import hyperfine', () => {
  let dataDir: string;
  let module: string;

  const history = (): RunSummary[] => JSON.parse(envbench(['history', '--json'], dataDir).stdout) as RunSummary[];
  const hyperfine = (args: string[], cwd: string): void => {
    const result = spawnSync('hyperfine', ['-N', '--style', 'none', ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
    expect(result.status, result.stderr).toBe(0);
  };
  const timesOf = (file: string, index = 0): number[] => (JSON.parse(fs.readFileSync(file, 'utf8')) as { results: { times: number[] }[] }).results[index]!.times;

  beforeAll(() => {
    dataDir = tempDataDir();
    module = writeGoModule(path.join(dataDir, 'module'));
  });

  it('a real hyperfine run of `go vet ./...` becomes a vet run in the module it ran in', () => {
    const file = path.join(dataDir, 'vet.json');
    hyperfine(['--runs', '5', '--export-json', file, 'go vet ./...'], module);
    const imported = envbench(['import', 'hyperfine', file, '--runtime', 'native', '--scenario', 'vet'], dataDir, { cwd: module });
    expect(imported.status, imported.stderr).toBe(0);
    const id = imported.stdout.trim();
    expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(imported.stderr).toContain(`envbench: imported 5 runs of "go vet ./..." as native vet (only wall times)`);
    expect(imported.stderr).not.toContain('note:');

    const listed = history().find((r) => r.id === id)!;
    expect(listed).toMatchObject({ status: 'completed', module: 'example.com/other', workspacePath: fs.realpathSync(module), runtimes: ['native'], scenarios: ['vet'] });

    const shown = envbench(['show', id, '--format', 'json'], dataDir);
    expect(shown.status).toBe(0);
    const run = JSON.parse(shown.stdout) as RunJson;
    expect(run.options).toMatchObject({ runtimes: ['native'], scenarios: ['vet'], runs: 5, warmup: 0 });
    const [result] = run.results;
    expect(result!.status).toBe('completed');
    expect(result!.samples.map((s) => s.wallMs)).toEqual(timesOf(file).map((t) => t * 1000));
    expect(result!.samples.every((s) => s.exitCode === 0 && !s.warmup && s.innerWallMs === s.wallMs)).toBe(true);
    expect(result!.stats!.n).toBe(5);
    const facts = run.maintenance.find((m) => m.runtime === 'native')!.facts;
    expect(facts['import.source']).toBe('hyperfine');
    expect(facts['import.command']).toBe('go vet ./...');
    expect(facts['import.note']).toMatch(/^only wall times were imported/);

    // It reads like any other run: the table, and the exports.
    expect(envbench(['show', id], dataDir).stdout).toContain('MEDIAN');
    const md = exportOf(dataDir, id, 'md');
    expect(md).toContain('**Imported from hyperfine**');
    expect(md).toMatch(/native: imported from hyperfine .*only wall times were imported/);
  });

  it('a file with several commands needs --command-index; without a Go module it gets a placeholder workspace', () => {
    const file = path.join(dataDir, 'two.json');
    hyperfine(['--runs', '5', '--export-json', file, 'go version', 'go env GOVERSION'], dataDir);
    const before = history();
    const refused = envbench(['import', 'hyperfine', file, '--runtime', 'native', '--scenario', 'startup-warm'], dataDir);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `envbench: ${file} holds 2 benchmarks: one import is one runtime × scenario, and it cannot tell which to take (1: "go version", 2: "go env GOVERSION"). Pick one with --command-index N, and import the others with their own --runtime or --scenario`,
    );
    expect(history()).toEqual(before);

    const imported = envbench(['import', 'hyperfine', file, '--runtime', 'docker', '--scenario', 'vet', '--command-index', '2'], dataDir);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('note: hyperfine ran "go env GOVERSION"; EnvBench\'s vet runs "go vet ./..."');
    expect(imported.stderr).toContain('note: filed under the workspace "(imported from hyperfine)"');
    const run = JSON.parse(envbench(['show', imported.stdout.trim(), '--json'], dataDir).stdout) as RunJson;
    expect(run.workspace).toEqual({ path: `hyperfine:${file}`, module: '(imported from hyperfine)', goVersion: null });
    expect(run.results.map((r) => `${r.runtime}/${r.scenario}`)).toEqual(['docker/vet']);
    expect(run.results[0]!.samples.map((s) => s.wallMs)).toEqual(timesOf(file, 1).map((t) => t * 1000));
    expect(history()).toHaveLength(before.length + 1);
  });

  describe('what is not hyperfine JSON, or not a place to file it: exit 2, one line, history unchanged', () => {
    const cases: [string, (dir: string) => string[], RegExp][] = [
      ['a file that does not exist', (dir) => [path.join(dir, 'nope.json')], /Cannot read .*nope\.json: it does not exist\. Pass the file hyperfine writes with --export-json FILE/],
      ['text that is not JSON', (dir) => [write(dir, 'x.csv', 'command,mean\ngo vet,0.2\n')], /x\.csv is not hyperfine JSON: it does not parse as JSON/],
      ['JSON of another shape', (dir) => [write(dir, 'other.json', JSON.stringify({ id: 'r', results: [{ runtime: 'native', samples: [] }] }))], /other\.json is not hyperfine JSON: results\[0\]\.command: /],
      ['hyperfine JSON with no results', (dir) => [write(dir, 'empty.json', '{"results": []}')], /empty\.json is not hyperfine JSON: results: it has no results/],
      ['an unknown runtime', (dir) => [write(dir, 'one.json', ONE), '--runtime', 'podman'], /Unknown runtime "podman"/],
      ['a check scenario', (dir) => [write(dir, 'one.json', ONE), '--scenario', 'offline-readiness'], /Cannot import timings as "offline-readiness"/],
      ['a scenario outside the catalogue', (dir) => [write(dir, 'one.json', ONE), '--scenario', 'my-bench'], /Unknown scenario "my-bench": an import is filed under one of EnvBench's timed scenarios/],
      ['a bad --command-index', (dir) => [write(dir, 'one.json', ONE), '--command-index', 'two'], /Invalid --command-index "two"/],
    ];
    const ONE = JSON.stringify({ results: [{ command: 'go vet ./...', mean: 0.2, stddev: null, median: 0.2, user: 0.1, system: 0, min: 0.2, max: 0.2, times: [0.2], exit_codes: [0] }] });
    const write = (dir: string, name: string, content: string): string => {
      fs.writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };

    it.each(cases)('%s', (_name, args, message) => {
      const before = history();
      const given = args(dataDir);
      const [file, ...rest] = given;
      const options = ['--runtime', 'native', '--scenario', 'vet'];
      for (let i = 0; i < rest.length; i += 2) {
        const at = options.indexOf(rest[i]!);
        if (at >= 0) options[at + 1] = rest[i + 1]!;
        else options.push(rest[i]!, rest[i + 1]!);
      }
      const result = envbench(['import', 'hyperfine', file!, ...options], dataDir);
      expectOneLineRefusal(result, message);
      expect(history()).toEqual(before);
    });
  });
});
