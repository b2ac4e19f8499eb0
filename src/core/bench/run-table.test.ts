import { describe, expect, it } from 'vitest';
import type { ComparisonJson, ResultJson, RunJson, RuntimeId, Sample } from '../../shared/run';
import { buildRunTable, correctionNote } from './run-table';
import { testRun } from '../../../tests/support/run-fixtures';

const sample = (i: number, warmup = false): Sample => ({
  wallMs: 100 + i,
  innerWallMs: 99 + i,
  userMs: 10 + i,
  sysMs: 5,
  maxRssKb: 1000 + i,
  readBytes: 10 * i,
  writeBytes: 0,
  blockReadBytes: 0,
  blockWriteBytes: 0,
  exitCode: 0,
  warmup,
  outlier: false,
});

const stats = { n: 4, medianMs: 101.5, p95Ms: 103, minMs: 100, maxMs: 103, meanMs: 101.5, stddevMs: 1, ciLowMs: 100, ciHighMs: 103, ciLevel: 0.875, outliers: [], warnings: [] };

const result = (runtime: RuntimeId, scenario: string, extra: Partial<ResultJson> = {}): ResultJson => ({
  runtime,
  scenario,
  status: 'completed',
  samples: [sample(500, true), sample(0), sample(1), sample(2), sample(3)],
  stats,
  ...extra,
});

const comparison = (runtime: RuntimeId, extra: Partial<ComparisonJson> = {}): ComparisonJson => ({
  scenario: 'vet',
  runtime,
  baseline: 'native',
  ratio: 1.25,
  pValue: 0.01,
  pValueAdjusted: 0.02,
  correction: 'holm',
  significant: true,
  ...extra,
});

const run = (extra: Partial<Omit<RunJson, 'table'>> = {}): Omit<RunJson, 'table'> =>
  testRun({ options: { runtimes: ['native'], scenarios: ['vet'], runs: 4, warmup: 1, offline: false, timeoutMs: 1 }, ...extra });

describe('buildRunTable', () => {
  it('ranks equal overall scores together and skips the ranks they take (1, =2, =2, 4)', () => {
    const overall = (o: number) => ({ overall: o });
    const table = buildRunTable(run({ scoring: { weights: { startup: 1, performance: 1, maintenance: 1 }, scores: { dind: overall(40), docker: overall(70), native: overall(90), nix: overall(70) } } }));
    expect(table.ranking).toEqual([
      { runtime: 'native', rank: 1, tied: false, overall: 90 },
      { runtime: 'docker', rank: 2, tied: true, overall: 70 },
      { runtime: 'nix', rank: 2, tied: true, overall: 70 },
      { runtime: 'dind', rank: 4, tied: false, overall: 40 },
    ]);
  });

  it('takes the medians of every figure over the measured samples, never the warmups', () => {
    const [row] = buildRunTable(run({ results: [result('native', 'vet')] })).rows;
    expect(row!.medians).toEqual({ cpuMs: 16.5, peakRssBytes: 1001.5 * 1024, readBytes: 15, writeBytes: 0 });
    expect(buildRunTable(run({ results: [result('native', 'vet', { status: 'failed', samples: [], stats: null, reason: 'boom' })] })).rows[0]!.medians).toBeNull();
  });

  it('says each comparison with native once: baseline, significant, not significant, or no verdict', () => {
    const results = [result('native', 'vet'), result('docker', 'vet'), result('nix', 'vet'), result('dind', 'vet'), result('native', 'test', { status: 'failed', stats: null, samples: [] })];
    const comparisons = [comparison('docker'), comparison('nix', { significant: false }), comparison('dind', { significant: false, warning: 'too few samples for a verdict (3 and 3 < 6)' })];
    const rows = buildRunTable(run({ results, comparisons })).rows;
    expect(rows.map((r) => r.versusNative && (r.versusNative.baseline ? 'baseline' : r.versusNative.verdict))).toEqual(['baseline', 'significant', 'not-significant', 'no-verdict', null]);
  });

  it("puts a check's verdict in words, and a result's reason in its detail", () => {
    const rows = buildRunTable(
      run({
        results: [
          result('docker', 'offline-readiness', { verdict: { value: 'not-ready', detail: null, method: '--network none' }, stats: null }),
          result('nix', 'offline-readiness', { status: 'failed', stats: null, samples: [] }),
        ],
      }),
    ).rows;
    expect(rows.map((r) => [r.kind, r.dimension, r.verdict, r.detail])).toEqual([
      ['check', 'maintenance', 'not ready', '--network none'],
      ['check', 'maintenance', 'failed', '(no reason recorded)'],
    ]);
  });

  it('orders the notes: load warning, correction, failures, stop reasons and warnings, comparison warnings, devcontainer keys not applied, lifecycle commands', () => {
    const table = buildRunTable(
      run({
        load: { cpuCount: 1, start: [3, 1, 1], end: null, warning: 'load 3.00 on 1 core' },
        results: [result('native', 'vet', { stopReason: 'converged' }), result('docker', 'vet', { status: 'failed', reason: 'boom', stats: null, samples: [] })],
        comparisons: [comparison('docker', { warning: 'few' }), comparison('nix')],
        maintenance: [
          { runtime: 'docker', facts: { lifecycleCommands: 'postCreateCommand: not run', devcontainerNotApplied: 'runArgs: docker run flags from a workspace file are not passed' } },
          { runtime: 'dind', facts: { devcontainerNotApplied: 'runArgs: docker run flags from a workspace file are not passed' } },
        ],
      }),
    );
    expect(table.notes).toEqual([
      { kind: 'load', text: 'Warning: load 3.00 on 1 core' },
      { kind: 'correction', text: 'p-values Holm-corrected across 2 comparisons per scenario' },
      { kind: 'failure', text: 'docker vet failed: boom' },
      { kind: 'stop', text: 'native vet: converged' },
      { kind: 'comparison', text: 'docker vs native vet: few' },
      { kind: 'devcontainer', text: 'Not applied from devcontainer.json: runArgs: docker run flags from a workspace file are not passed' },
      { kind: 'lifecycle', text: 'postCreateCommand: not run' },
    ]);
    expect(correctionNote([comparison('docker')])).toBeNull();
  });
});
