// `envbench run --bench FILE` and `envbench show --format bench` write Go benchmark format;
// the real benchstat must read it and find the medians EnvBench reports.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../src/shared/run';
import { findBenchstat } from './support/benchstat';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const benchstat = findBenchstat();
const haveTools = hasTool('go', ['version']) && hasTool(benchstat, ['-h']);

/** benchstat's SI prefixes (benchunit): values are printed as value/factor with the prefix. */
const SI: Record<string, number> = { T: 1e12, G: 1e9, M: 1e6, k: 1e3, '': 1, m: 1e-3, µ: 1e-6, n: 1e-9 };

interface PrintedMedian {
  seconds: number;
  /** Half a unit of the last printed digit: how far the printed median may be from the real one. */
  rounding: number;
}

/** The rows of benchstat's sec/op table in text output: name -> printed median. */
function secPerOpMedians(output: string): Map<string, PrintedMedian> {
  const table = output.split(/\n\s*\n/).find((block) => /│\s*sec\/op\s*│/.test(block));
  expect(table, `no sec/op table in:\n${output}`).toBeDefined();
  const medians = new Map<string, PrintedMedian>();
  for (const line of table!.split('\n')) {
    const m = /^(\S+)\s+(\d+(?:\.(\d+))?)([TGMkmµn]?)\s+±/.exec(line);
    if (!m) continue;
    const [, name, value, decimals, prefix] = m as unknown as [string, string, string, string | undefined, string];
    const factor = SI[prefix] as number;
    medians.set(name, { seconds: Number(value) * factor, rounding: 0.5 * 10 ** -(decimals?.length ?? 0) * factor });
  }
  return medians;
}

function runBenchstat(args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(benchstat, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!haveTools)('Go benchmark format export read by benchstat', () => {
  let dataDir: string;
  let run: RunJson;
  let benchFile: string;

  beforeAll(() => {
    dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const jsonFile = path.join(dataDir, 'run.json');
    benchFile = path.join(dataDir, 'run.bench');
    const result = envbench(
      ['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'build-incremental,vet', '--runs', '6', '--warmup', '0', '--json', jsonFile, '--bench', benchFile],
      dataDir,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`and ${benchFile}.`);
    run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
  }, 600_000);

  it('benchstat parses every sample and its sec/op medians are EnvBench\'s', () => {
    const { stdout, stderr } = runBenchstat([benchFile]);
    expect(stderr).toBe(''); // benchstat reports unparsable lines on stderr
    expect(stdout).toContain('goos: linux');
    expect(stdout).toContain('pkg: example.com/other');
    expect(stdout).toContain(`envbench-run: ${run.id}`);
    const medians = secPerOpMedians(stdout);
    expect([...medians.keys()]).toEqual(['BuildIncremental/runtime=native', 'Vet/runtime=native']);
    for (const [scenario, name] of [['build-incremental', 'BuildIncremental/runtime=native'], ['vet', 'Vet/runtime=native']] as const) {
      const ours = run.results.find((r) => r.scenario === scenario)!.stats!;
      expect(ours.n).toBe(6);
      const printed = medians.get(name)!;
      // The file holds whole nanoseconds: at most 0.5 ns from EnvBench's own value.
      expect(Math.abs(printed.seconds - ours.medianMs / 1000), `${name}: ${printed.seconds} s vs ${ours.medianMs} ms`).toBeLessThanOrEqual(printed.rounding + 1e-9);
    }
    // The other measurements come through with their units (ns tidied to sec, bytes binary).
    for (const unit of ['B/peak-rss', 'B/read', 'cpu-sec/op', 'read-calls/op']) expect(stdout).toMatch(new RegExp(`│\\s*${unit}\\s*│`));
    // Every native sample counted its read calls, so every result has their rate.
    for (const result of run.results) expect(result.readCallsPerSecond).toBeGreaterThan(0);
  });

  it('benchstat pivots on the runtime key with -col /runtime', () => {
    const { stdout } = runBenchstat(['-col', '/runtime', benchFile]);
    expect(stdout).toMatch(/│\s*native\s*│/);
    expect([...secPerOpMedians(stdout).keys()]).toEqual(['BuildIncremental', 'Vet']);
  });

  it('`envbench show --format bench` prints the same text, and --json still prints the run JSON', () => {
    const shown = envbench(['show', run.id, '--format', 'bench'], dataDir);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(fs.readFileSync(benchFile, 'utf8'));
    expect(JSON.parse(envbench(['show', run.id, '--json'], dataDir).stdout)).toEqual(run);
    expect(JSON.parse(envbench(['show', run.id, '--format', 'json'], dataDir).stdout)).toEqual(run);
    expect(envbench(['show', run.id, '--format', 'table'], dataDir).stdout).toContain('MEDIAN');
  });

  it('a bad --format value, or --format with --json, is refused with a clear error', () => {
    const bad = envbench(['show', run.id, '--format', 'xml'], dataDir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("argument 'xml' is invalid. Allowed choices are table, json, bench.");
    const both = envbench(['show', run.id, '--json', '--format', 'bench'], dataDir);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--format <format>' cannot be used with option '--json \[file\]'/);
  });

  it('--bench is checked before measuring, like --json', () => {
    const missing = envbench(['run', '--runtimes', 'native', '--runs', '1', '--bench', path.join(dataDir, 'missing', 'run.bench')], dataDir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^envbench: Cannot write .*: the folder .*missing does not exist/);
    const same = path.join(dataDir, 'same.txt');
    const clash = envbench(['run', '--runtimes', 'native', '--runs', '1', '--json', same, '--bench', same], dataDir);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/--json and --bench both name .*same\.txt: one would overwrite the other/);
  });
});
