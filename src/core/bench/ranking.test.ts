import { describe, expect, it } from 'vitest';
import type { DimensionScore, RunJson, RuntimeId } from '../../shared/run';
import type { StoredResult, StoredRun } from '../history/run-store';
import { parseWeights, scoreRun } from './ranking';
import { buildRunJson } from './run-report';
import { testMachine } from '../../../tests/support/run-fixtures';

const walls = (center: number, n = 10): number[] => Array.from({ length: n }, (_, i) => center + i * 0.5);
let nextId = 1;
function result(runtime: RuntimeId, scenario: string, samples: number[], verdict: StoredResult['verdict'] = null): StoredResult {
  return {
    id: nextId++,
    runtime,
    scenario,
    status: 'completed',
    reason: null,
    verdict,
    samples: samples.map((wallMs) => ({ wallMs, innerWallMs: wallMs, userMs: 1, sysMs: 1, maxRssKb: 1, readBytes: 0, writeBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, exitCode: 0, warmup: false })),
  };
}

function fixture(): StoredRun {
  return {
    id: 'r',
    status: 'completed',
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: null,
    error: null,
    workspace: { path: '/m', module: 'example.com/m', goVersion: '1.22' },
    machine: testMachine({ cpuCount: 2, cgroupVersion: 'v1' }),
    options: { runtimes: ['native', 'docker', 'nix'], scenarios: [], runs: 10, warmup: 0, offline: true, timeoutMs: 1 },
    results: [
      result('native', 'startup-warm', walls(50)),
      result('docker', 'startup-warm', walls(400)),
      // Not significantly different from native: a tie, never a win.
      result('nix', 'startup-warm', walls(50.2)),
      result('native', 'build-clean', walls(7000)),
      result('docker', 'build-clean', walls(14000)),
      result('nix', 'build-clean', walls(7000.1)),
      result('native', 'offline-readiness', walls(100, 1), { value: 'ready', detail: null, method: 'netns' }),
      result('docker', 'offline-readiness', walls(100, 1), { value: 'not-ready', detail: 'read-only file system', method: '--network none' }),
      result('nix', 'offline-readiness', walls(100, 1), { value: 'ready', detail: null, method: 'netns' }),
    ],
    maintenance: [
      { runtime: 'native', facts: { privileges: 'none', configLines: 0, 'consistency.env.GOVERSION': 'go1.26.8' } },
      { runtime: 'docker', facts: { privileges: 'none (unprivileged container)', configLines: 8, imageSizeBytes: 1024 ** 3, baseImage: 'envbench/base:bookworm (local, offline-built)', 'consistency.env.GOVERSION': 'go1.21.5' } },
      { runtime: 'nix', facts: { privileges: 'none (single-user Nix store)', configLines: 20, closureBytes: 512 * 1024 ** 2, lockPinsEveryInput: true, 'consistency.env.GOVERSION': 'go1.26.8' } },
    ],
  };
}

/** What a reader does with the JSON alone: the method of each dimension applied to its inputs. */
function recompute(dimension: DimensionScore, best: number | null): number {
  const points = dimension.inputs.map((i) => i.points);
  const geo = Math.exp(points.reduce((s, p) => s + Math.log(p), 0) / points.length);
  if (dimension.method.startsWith('geometric mean of ratios to the fastest')) return 100 * geo;
  if (dimension.method.startsWith('geometric mean G of ratios to native')) return (100 * best!) / geo;
  return (100 * points.reduce((s, p) => s + p, 0)) / points.length;
}

describe('scoreRun', () => {
  it('can be recomputed from the run JSON alone: inputs, methods and weights', () => {
    const run: RunJson = buildRunJson(fixture(), parseWeights('startup=1,performance=2,maintenance=1'));
    const scoring = run.scoring!;
    expect(scoring.weights).toEqual({ startup: 1, performance: 2, maintenance: 1 });
    const perfGeo = (s: DimensionScore): number => Math.exp(s.inputs.reduce((a, i) => a + Math.log(i.points), 0) / s.inputs.length);
    const bestPerf = Math.min(...Object.values(scoring.scores).map((s) => perfGeo(s!.performance!)));
    for (const [runtime, scores] of Object.entries(scoring.scores)) {
      let weighted = 0;
      let total = 0;
      for (const dimension of ['startup', 'performance', 'maintenance'] as const) {
        const score = scores![dimension]!;
        expect(score.score, `${runtime} ${dimension}`).toBeCloseTo(recompute(score, bestPerf), 1);
        weighted += score.score * scoring.weights[dimension];
        total += scoring.weights[dimension];
      }
      expect(scores!.overall, `${runtime} overall`).toBeCloseTo(weighted / total, 1);
    }
  });

  it('scores what was measured: slower is lower, not significant is a tie, and maintenance criteria from facts', () => {
    const { scores } = buildRunJson(fixture()).scoring!;
    expect(scores.native!.startup!.score).toBe(100);
    // nix's 0.2 ms difference in warm start is not significant: it ties with the fastest.
    expect(scores.nix!.startup!.score).toBe(100);
    expect(scores.nix!.startup!.inputs[0]!.rule).toMatch(/^not significantly slower than native/);
    expect(scores.docker!.startup!.score).toBeLessThan(20);
    expect(scores.docker!.performance!.score).toBeCloseTo(50, 0);
    expect(scores.nix!.performance!.score).toBe(100);
    const docker = Object.fromEntries(scores.docker!.maintenance!.inputs.map((i) => [i.name, i.points]));
    expect(docker).toMatchObject({ 'offline readiness': 0, privileges: 1, 'Go satisfies go.mod': 0, 'lockfile pins every input': 0, 'disk footprint': 0.5 });
    const nix = Object.fromEntries(scores.nix!.maintenance!.inputs.map((i) => [i.name, i.points]));
    expect(nix).toMatchObject({ 'offline readiness': 1, 'lockfile pins every input': 1, 'Go satisfies go.mod': 1 });
    expect(scores.nix!.overall).toBeGreaterThan(scores.docker!.overall);
  });

  it('says which inputs a score rests on when a runtime lacks one another has (failed, not applicable is nobody\'s)', () => {
    const run = fixture();
    run.results.push(
      result('native', 'startup-cold', walls(900)),
      result('docker', 'startup-cold', walls(5000)),
      { ...result('nix', 'startup-cold', []), status: 'failed', reason: 'cold start failed: `nix develop` exited with 1: error: flake has no devShell\nmore' },
      ...(['native', 'docker', 'nix'] as const).map((runtime) => ({ ...result(runtime, 'debug-breakpoint', []), status: 'not-applicable' as const, reason: 'example.com/m has no main package (package main with func main) to debug; name one with --main ./cmd/x' })),
    );
    const { scores } = buildRunJson(run).scoring!;
    const nix = scores.nix!.startup!;
    expect(nix.inputs.map((i) => i.name)).toEqual(['startup-warm']);
    expect(nix.missing).toEqual([{ name: 'startup-cold', status: 'failed', reason: '`nix develop` exited with 1: error: flake has no devShell' }]);
    expect(nix.basis).toMatch(/^nix startup rests on warm start only: cold start failed \(`nix develop` exited with 1: error: flake has no devShell\)$/);
    expect(scores.native!.startup!.missing).toEqual([]);
    // A score over every input the others have needs no sentence.
    expect(scores.native!.startup!.basis).toBe('');
    // Not applicable everywhere: no runtime's score rests on it, none lacks it.
    for (const s of Object.values(scores)) expect(s!.performance!.missing).toEqual([]);
  });

  it('a runtime with no score in a dimension says its overall rests on the others', () => {
    const run = fixture();
    run.results = run.results.map((r) => (r.runtime === 'nix' && r.scenario === 'startup-warm' ? { ...r, status: 'failed', reason: 'shell did not start', samples: [] } : r));
    const { scores } = buildRunJson(run).scoring!;
    expect(scores.nix!.startup).toBeUndefined();
    expect(scores.nix!.basis).toBe('nix overall rests on the other dimensions: no startup score (warm start failed)');
    expect(scores.native!.basis).toBeUndefined();
  });

  it('a tie the statistics cannot decide is named as such, with its figures (too few samples never decide)', () => {
    const run = fixture();
    // Two samples a side: docker's cold start takes twice native's, yet no test can call it slower.
    run.results.push(result('native', 'startup-cold', [1000, 1010]), result('docker', 'startup-cold', [2000, 2020]), result('nix', 'startup-cold', [990, 1000]));
    const { scores } = buildRunJson(run).scoring!;
    const cold = scores.docker!.startup!.inputs.find((i) => i.name === 'startup-cold')!;
    expect(cold.points).toBe(1);
    expect(cold.tie).toBe('too-few-samples');
    expect(cold.medianRatio).toBeCloseTo(2.02, 2);
    expect(scores.docker!.startup!.notableTies).toEqual(['startup-cold']);
    expect(cold.rule).toMatch(/not significantly slower than nix \(p=0\.333, 2 and 2 samples: with fewer than 6 a side no difference can be significant; median 2\.02x\): counts as 1/);
    expect(scores.docker!.startup!.basis).toBe("docker startup: cold start 2.02× (median vs nix) counts as equal to nix's: with fewer than 6 samples a side no difference can be significant");
    // A not-significant difference of 0.4% is a tie nobody needs told of; the fixture's nix warm start is one.
    expect(scores.nix!.startup!.inputs.find((i) => i.name === 'startup-warm')).toMatchObject({ tie: 'not-significant', points: 1 });
    expect(scores.nix!.startup!.notableTies).toEqual([]);
    expect(scores.nix!.startup!.basis).not.toMatch(/as equal/);
    // Significant differences are scored as ratios, not ties.
    expect(scores.docker!.startup!.inputs.find((i) => i.name === 'startup-warm')!.tie).toBeUndefined();
  });

  it('a performance tie with medians 10% or more apart is named; one within noise is not', () => {
    const run = fixture();
    // Three samples a side: no test can decide, though docker's vet takes 1.5 times native's.
    run.results.push(result('native', 'vet', [100, 101, 102]), result('docker', 'vet', [150, 151, 152]), result('nix', 'vet', [100.5, 101.5, 102.5]));
    const { scores } = buildRunJson(run).scoring!;
    expect(scores.docker!.performance!.notableTies).toEqual(['vet']);
    expect(scores.docker!.performance!.basis).toBe("docker performance: vet 1.50× (median vs native) counts as equal to native's: with fewer than 6 samples a side no difference can be significant");
    expect(scores.nix!.performance!.notableTies).toEqual(['vet']);
  });

  it('rejects weights it cannot read, and all-zero weights', () => {
    expect(() => parseWeights('speed=2')).toThrow(/not dimension=number/);
    expect(() => parseWeights('startup=0,performance=0,maintenance=0')).toThrow(/above 0/);
    expect(parseWeights('performance=3')).toEqual({ startup: 1, performance: 3, maintenance: 1 });
  });

  it('is absent for a run with nothing to score', () => {
    const empty = { ...fixture(), results: [], maintenance: [] };
    expect(scoreRun(buildRunJson(empty))).toBeNull();
  });
});
