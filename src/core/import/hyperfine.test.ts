import { describe, expect, it } from 'vitest';
import { checkImportTarget, commandMismatch, hyperfineSamples, parseHyperfineJson, pickResult, placeholderWorkspace } from './hyperfine';

const result = (command: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  command,
  mean: 0.2,
  stddev: 0.01,
  median: 0.2,
  user: 0.1,
  system: 0.05,
  min: 0.19,
  max: 0.21,
  times: [0.19, 0.2, 0.21],
  exit_codes: [0, 0, 0],
  ...extra,
});

const text = (results: unknown[]): string => JSON.stringify({ results });

describe('reading hyperfine --export-json', () => {
  it('accepts 1.15 (no memory) and later versions (memory, parameters, null stddev and exit codes)', () => {
    expect(parseHyperfineJson(text([result('go vet ./...')]), 'f.json').results).toHaveLength(1);
    const newer = parseHyperfineJson(
      text([result('sleep {t}', { stddev: null, exit_codes: [0, null, 2], memory_usage_byte: [1024, 2048, 4096], parameters: { t: '0.1' }, extra_field: 1 })]),
      'f.json',
    );
    const samples = hyperfineSamples(newer.results[0]!);
    expect(samples.map((s) => s.wallMs)).toEqual([0.19 * 1000, 0.2 * 1000, 0.21 * 1000]);
    expect(samples.map((s) => s.innerWallMs)).toEqual(samples.map((s) => s.wallMs));
    expect(samples.map((s) => s.exitCode)).toEqual([0, -1, 2]);
    expect(samples.map((s) => s.maxRssKb)).toEqual([1, 2, 4]);
    expect(samples.every((s) => s.userMs === 0 && s.sysMs === 0 && s.readBytes === 0 && !s.warmup)).toBe(true);
  });

  it.each([
    ['not JSON', 'Command,Mean\n', /f\.json is not hyperfine JSON: it does not parse as JSON \(.*\)\. Pass the file hyperfine writes with --export-json FILE/],
    ['another JSON', '{"id": "run", "results": [{"runtime": "native"}]}', /is not hyperfine JSON: results\[0\]\.command: .*expected string/],
    ['no results key', '[]', /is not hyperfine JSON: .*expected object/],
    ['empty results', text([]), /is not hyperfine JSON: results: it has no results/],
    ['no times', text([result('x', { times: [], exit_codes: [] })]), /results\[0\]\.times: hyperfine wrote no run times/],
    ['lengths differ', text([result('x', { exit_codes: [0] })]), /results\[0\]\.exit_codes: has 1 entries for 3 run times/],
    ['negative time', text([result('x', { times: [0.1, -1, 0.2] })]), /results\[0\]\.times\[1\]/],
  ])('refuses %s with what, why and what to do', (_name, content, message) => {
    expect(() => parseHyperfineJson(content, 'f.json')).toThrow(message);
  });
});

describe('what an import is filed under', () => {
  const two = parseHyperfineJson(text([result('go version'), result('go env GOVERSION')]), 'two.json');

  it('takes the only benchmark, or the one --command-index names, 1-based', () => {
    expect(pickResult(parseHyperfineJson(text([result('a')]), 'f'), 'f').index).toBe(1);
    expect(pickResult(two, 'two.json', 2).result.command).toBe('go env GOVERSION');
    expect(() => pickResult(two, 'two.json')).toThrow(
      'two.json holds 2 benchmarks: one import is one runtime × scenario, and it cannot tell which to take (1: "go version", 2: "go env GOVERSION"). Pick one with --command-index N',
    );
    expect(() => pickResult(two, 'two.json', 3)).toThrow(/Invalid --command-index 3: two\.json holds 2 benchmarks .*Pass a number from 1 to 2/);
    expect(() => pickResult(two, 'two.json', 0)).toThrow(/Invalid --command-index 0/);
  });

  it('needs a known runtime and a timed scenario of the catalogue', () => {
    expect(checkImportTarget('native', 'vet')).toEqual({ runtime: 'native', scenario: 'vet' });
    expect(() => checkImportTarget('podman', 'vet')).toThrow(/Unknown runtime "podman": EnvBench knows native, docker, dind, nix, devbox/);
    expect(() => checkImportTarget('native', 'my-bench')).toThrow(/Unknown scenario "my-bench": an import is filed under one of EnvBench's timed scenarios.*build-clean/);
    expect(() => checkImportTarget('native', 'offline-readiness')).toThrow(/Cannot import timings as "offline-readiness": offline-readiness is a check/);
  });

  it('says when the command is not the scenario\'s own', () => {
    expect(commandMismatch('vet', 'go vet ./...')).toBeNull();
    expect(commandMismatch('vet', '  go  vet ./... ')).toBeNull();
    expect(commandMismatch('vet', 'go version')).toMatch(/hyperfine ran "go version"; EnvBench's vet runs "go vet \.\/\.\.\."/);
    expect(commandMismatch('startup-warm', 'anything')).toBeNull();
  });

  it('a placeholder workspace is not a folder path', () => {
    const ws = placeholderWorkspace('/tmp/x.json');
    expect(ws.path).toBe('hyperfine:/tmp/x.json');
    expect(ws.module).toBe('(imported from hyperfine)');
  });
});
