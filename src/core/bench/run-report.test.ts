import { describe, it, expect } from 'vitest';
import type { RuntimeId } from '../../shared/run';
import type { StoredResult, StoredRun } from '../history/run-store';
import { compareToBaseline, holmAdjust } from '../stats';
import { buildRunJson } from './run-report';
import { testMachine } from '../../../tests/support/run-fixtures';

const BASE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => 100 + x * 1.01);
const shifted = (by: number): number[] => BASE.map((x) => x + by);

let nextId = 1;
function stored(runtime: RuntimeId, scenario: string, walls: number[], extra: Partial<StoredResult> = {}): StoredResult {
  const samples = walls.map((wallMs) => ({
    wallMs,
    innerWallMs: wallMs,
    userMs: 1,
    sysMs: 1,
    maxRssKb: 1,
    readBytes: 0,
    writeBytes: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    exitCode: 0,
    warmup: false,
  }));
  return { id: nextId++, runtime, scenario, status: 'completed', reason: null, verdict: null, samples, ...extra };
}

function run(results: StoredResult[]): StoredRun {
  return {
    id: 'r1',
    status: 'completed',
    startedAt: '2026-05-01T10:00:00.000Z',
    finishedAt: null,
    error: null,
    workspace: { path: '/m', module: 'example.com/m', goVersion: null },
    machine: testMachine(),
    options: { runtimes: ['native', 'docker', 'nix'], scenarios: ['vet', 'test'], runs: 10, warmup: 0, offline: false, timeoutMs: 1 },
    results,
    maintenance: [],
  };
}

describe('buildRunJson comparisons', () => {
  it('Holm-corrects per scenario: the family is the runtimes compared with native in that scenario', () => {
    const json = buildRunJson(
      run([
        stored('native', 'vet', BASE),
        stored('docker', 'vet', shifted(4)),
        stored('nix', 'vet', shifted(3)),
        stored('native', 'test', BASE),
        stored('docker', 'test', shifted(4)),
        // Failed: not compared, so not in the family either.
        stored('nix', 'test', shifted(3), { status: 'failed', reason: 'exit code 1' }),
      ]),
    );
    expect(json.comparisons.map((c) => `${c.runtime}/${c.scenario}`)).toEqual(['docker/vet', 'nix/vet', 'docker/test']);
    const raw = [compareToBaseline(shifted(4), BASE).pValue, compareToBaseline(shifted(3), BASE).pValue];
    const [dockerVet, nixVet, dockerTest] = json.comparisons;
    expect([dockerVet?.pValue, nixVet?.pValue]).toEqual(raw);
    expect([dockerVet?.pValueAdjusted, nixVet?.pValueAdjusted]).toEqual(holmAdjust(raw));
    expect(json.comparisons.every((c) => c.correction === 'holm' && c.baseline === 'native')).toBe(true);
    // Same data, p = 0.029: significant alone in `test`, not in `vet` where nix joins the family.
    expect(dockerTest).toMatchObject({ pValue: raw[0], pValueAdjusted: raw[0], significant: true });
    expect(dockerVet?.significant).toBe(false);
    expect(dockerVet?.warning).toMatch(/Holm-adjusted p=0\.058 over 2 comparisons is not/);
  });

  it('leaves out verdicts and scenarios without a completed native baseline', () => {
    const json = buildRunJson(
      run([
        stored('native', 'vet', BASE, { status: 'failed', reason: 'x' }),
        stored('docker', 'vet', shifted(4)),
        stored('native', 'offline-readiness', [5]),
        stored('docker', 'offline-readiness', [6], { verdict: { value: 'ready', detail: null, method: 'none' } }),
      ]),
    );
    expect(json.comparisons).toEqual([]);
  });
});

describe('buildRunJson read calls per second', () => {
  it('is the median over measured samples of read calls per inner second, and absent without counts', () => {
    const result = stored('native', 'vet', [100, 100, 100, 100]);
    // 10/0.1 s, 30/0.1 s, 50/0.2 s, warmup 1000/0.1 s: rates 100, 300, 250 -> median 250.
    result.samples = [
      { ...result.samples[0]!, readCalls: 10, innerWallMs: 100 },
      { ...result.samples[1]!, readCalls: 30, innerWallMs: 100 },
      { ...result.samples[2]!, readCalls: 50, innerWallMs: 200 },
      { ...result.samples[3]!, readCalls: 1000, innerWallMs: 100, warmup: true },
    ];
    const json = buildRunJson(run([result, stored('docker', 'vet', BASE)]));
    expect(json.results[0]?.readCallsPerSecond).toBe(250);
    expect(json.results[1]).not.toHaveProperty('readCallsPerSecond');
  });
});

describe('buildRunJson user difference', () => {
  it('a test that failed as root and passed natively as another user says so next to its reason', () => {
    const native = stored('native', 'test', BASE, { inputs: { uid: '1000 (ana)' } });
    const docker = stored('docker', 'test', [], { status: 'failed', reason: '--- FAIL: TestPermissions (0.00s)', inputs: { uid: '0 (root)' } });
    const nix = stored('nix', 'test', [], { status: 'failed', reason: '--- FAIL: TestOther (0.00s)', inputs: { uid: '1000 (ana)' } });
    const json = buildRunJson(run([native, docker, nix]));
    expect(json.results[1]?.reason).toBe('--- FAIL: TestPermissions (0.00s) (it passed on native: docker runs it as user 0 (root), native as 1000 (ana); see User id in the consistency table)');
    expect(json.results[2]?.reason).toBe('--- FAIL: TestOther (0.00s)');
  });
});
