import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompareRow } from '../src/cli/commands/compare';
import type { RunJson, RunSummary } from '../src/shared/run';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

/** benchstat on PATH or where `go install` puts it (CI installs it: tests/stats-benchstat.test.ts). */
function findBenchstat(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), path.join(homedir(), 'go', 'bin')];
  return dirs.map((d) => path.join(d, 'benchstat')).find((p) => fs.existsSync(p));
}

describe.runIf(hasTool('go', ['version']))('envbench compare, history filters and delete, as benchstat and hyperfine users expect', () => {
  const dataDir = tempDataDir();
  const module = writeGoModule(path.join(tempDataDir(), 'compared'));
  const ids: string[] = [];

  const measure = (): string => {
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'test,vet', '-r', '6', '-w', '1', '--json', '-'], dataDir);
    expect(result.status, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { id: string }).id;
  };

  beforeAll(() => {
    ids.push(measure());
    // Run B's test is 150 ms slower: one row with a real difference, one (vet) without.
    fs.writeFileSync(
      path.join(module, 'greet', 'slow_test.go'),
      'package greet\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) { time.Sleep(150 * time.Millisecond) }\n',
    );
    ids.push(measure());
  }, 5 * 60_000);

  it("gives benchstat's verdicts, medians and CIs on the two runs' benchfmt exports", (ctx) => {
    const [a, b] = ids as [string, string];
    const compared = envbench(['compare', a, b, '--format', 'json'], dataDir);
    expect(compared.status, compared.stderr).toBe(0);
    const rows = (JSON.parse(compared.stdout) as { rows: CompareRow[] }).rows;
    expect(rows.map((r) => `${r.scenario}/${r.runtime}`).sort()).toEqual(['test/native', 'vet/native']);
    const test = rows.find((r) => r.scenario === 'test')!;
    expect(test.significant).toBe(true);
    expect(test.deltaPercent).toBeGreaterThan(0);

    const text = envbench(['compare', a, b], dataDir).stdout;
    expect(text).toMatch(/^test\/native\s+\S+ m?s ± \d+%\s+\S+ m?s ± \d+%\s+\+\d+\.\d\d% \(p=0\.\d{3} n=6\)/m);
    expect(text).toMatch(/^geomean\s/m);
    expect(envbench(['compare', a, b, '--filter', 'scenario=vet', '--format', 'csv'], dataDir).stdout.trim().split('\n')).toHaveLength(2);

    const benchstat = findBenchstat();
    if (!benchstat) {
      if (process.env.CI === 'true') throw new Error('CI=true but benchstat is not installed');
      ctx.skip();
      return;
    }
    const dir = tempDataDir();
    for (const [name, id] of [['a.bench', a], ['b.bench', b]]) {
      expect(envbench(['export', id!, '--format', 'benchfmt', '--out', path.join(dir, name!)], dataDir).status).toBe(0);
    }
    // The runs' ids differ in the files' configuration; benchstat compares them once told to ignore it.
    const stat = spawnSync(benchstat, ['-ignore', 'envbench-run', '-format', 'csv', 'a.bench', 'b.bench'], { cwd: dir, encoding: 'utf8' });
    expect(stat.status, stat.stderr).toBe(0);
    // The first table is sec/op: name, A center, A ±, B center, B ±, vs base, p and n.
    const lines = stat.stdout.split('\n');
    const first = lines.findIndex((l) => l.startsWith(',a.bench'));
    const secOp = lines.slice(first + 2, lines.findIndex((l, i) => i > first && (l === '' || l.startsWith('geomean'))));
    const byName = new Map(secOp.map((l) => l.split(',')).map((f) => [f[0]!, f]));
    for (const row of rows) {
      const f = byName.get(`${row.scenario === 'test' ? 'Test' : 'Vet'}/runtime=${row.runtime}`)!;
      expect(f, `${row.scenario}: ${stat.stdout}`).toBeDefined();
      expect(Number(f[1]) / (row.a.medianMs / 1000)).toBeCloseTo(1, 6);
      expect(Number(f[3]) / (row.b.medianMs / 1000)).toBeCloseTo(1, 6);
      expect(f[2]).toBe(row.a.ciPercent === null ? '∞' : `${Math.round(row.a.ciPercent)}%`);
      expect(f[4]).toBe(row.b.ciPercent === null ? '∞' : `${Math.round(row.b.ciPercent)}%`);
      expect(f[5] === '~', `${row.scenario}: benchstat says ${f[5]}, EnvBench ${row.significant ? row.deltaPercent : '~'}`).toBe(!row.significant);
      if (row.significant) expect(Number(f[5]!.replace('%', ''))).toBeCloseTo(row.deltaPercent, 1);
      expect(f[6]).toContain(`p=${row.pValue.toFixed(3)}`);
    }
  });

  it('show takes the same filters: the newest matching run without an id, only the named results', () => {
    const [a, b] = ids as [string, string];
    const show = (...args: string[]): RunJson => {
      const result = envbench(['show', ...args, '--json', '-'], dataDir);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as RunJson;
    };
    expect(show().id).toBe(b);
    expect(show('--workspace', module, '--since', '1h').id).toBe(b);
    const vet = show(a, '--scenario', 'vet');
    expect(vet.id).toBe(a);
    expect(vet.results.map((r) => r.scenario)).toEqual(['vet']);
    expect(vet.table.rows.map((r) => r.scenario)).toEqual(['vet']);
    // The results table keeps vet alone; where the run's time went stays the whole run's.
    const table = envbench(['show', a, '--scenario', 'vet'], dataDir).stdout;
    expect(table).toMatch(/^vet\s+native\s+completed/m);
    expect(table).not.toMatch(/^test\s+native\s+completed/m);
    const none = envbench(['show', '--runtime', 'docker'], dataDir);
    expect(none.status).toBe(2);
    expect(none.stderr.trim()).toMatch(/^envbench: No run in .* matches: no run has those runtimes, scenarios, workspace or start time\. List the runs with `envbench history` and the same options/);
  });

  it('history takes --runtime, --scenario, --workspace, --since and --limit; delete removes a run', () => {
    const [a, b] = ids as [string, string];
    const list = (...args: string[]): string[] => {
      const result = envbench(['history', '--json', ...args], dataDir);
      expect(result.status, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as RunSummary[]).map((r) => r.id);
    };
    expect(list()).toEqual([b, a]);
    expect(list('--limit', '1')).toEqual([b]);
    expect(list('--runtime', 'native', '--scenario', 'test')).toEqual([b, a]);
    expect(list('--runtime', 'docker')).toEqual([]);
    expect(list('--scenario', 'build-clean')).toEqual([]);
    expect(list('--workspace', module)).toEqual([b, a]);
    expect(list('--workspace', path.join(module, '..', 'elsewhere'))).toEqual([]);
    expect(list('--since', '1h')).toEqual([b, a]);
    expect(list('--since', '2999-01-01')).toEqual([]);
    const bad = envbench(['history', '--since', 'yesterday'], dataDir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^envbench: Invalid --since "yesterday": it must be a time ago \(30m, 12h, 7d, 2w\) or a date/);

    const deleted = envbench(['delete', a], dataDir);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`^Deleted run ${a} \\(example\\.com/other, started .* UTC\\)`));
    expect(list()).toEqual([b]);
    const again = envbench(['delete', a], dataDir);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`No run "${a}"`));
  });
});
