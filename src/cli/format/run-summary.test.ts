import { describe, it, expect } from 'vitest';
import type { ComparisonJson, RunJson } from '../../shared/run';
import { correctionNote, withRunTable } from '../../core/bench/run-table';
import { formatRunSummary as formatTable } from './run-summary';
import { testRun } from '../../../tests/support/run-fixtures';

/** The summary of a run built by hand: its table derived as the core derives it. */
const formatRunSummary = (run: Omit<RunJson, 'table'>): string => formatTable(withRunTable(run));

const comparison = (scenario: string, runtime: ComparisonJson['runtime']): ComparisonJson => ({
  scenario,
  runtime,
  baseline: 'native',
  ratio: 1.5,
  pValue: 0.03,
  pValueAdjusted: 0.06,
  correction: 'holm',
  significant: false,
});

const run = (comparisons: ComparisonJson[]): Omit<RunJson, 'table'> => testRun({ comparisons });

describe('correctionNote', () => {
  it.each([
    { name: 'no comparisons', comparisons: [], note: null },
    { name: 'one runtime per scenario: nothing corrected', comparisons: [comparison('vet', 'docker'), comparison('test', 'docker')], note: null },
    {
      name: 'three runtimes in every scenario',
      comparisons: ['vet', 'test'].flatMap((s) => [comparison(s, 'docker'), comparison(s, 'dind'), comparison(s, 'nix')]),
      note: 'p-values Holm-corrected across 3 comparisons per scenario',
    },
    {
      name: 'families of different sizes',
      comparisons: [comparison('vet', 'docker'), comparison('test', 'docker'), comparison('test', 'nix')],
      note: 'p-values Holm-corrected across 1 to 2 comparisons per scenario',
    },
  ])('$name', ({ comparisons, note }) => {
    expect(correctionNote(comparisons)).toBe(note);
  });

  it('is printed once in the summary when a correction applied', () => {
    const text = formatRunSummary(run([comparison('vet', 'docker'), comparison('vet', 'nix')]));
    expect(text.split('\n').filter((l) => l.includes('Holm-corrected'))).toEqual(['- p-values Holm-corrected across 2 comparisons per scenario']);
    expect(formatRunSummary(run([comparison('vet', 'docker')]))).not.toContain('Holm');
  });
});

describe('formatRunSummary resource columns', () => {
  const sample = { wallMs: 100, innerWallMs: 100, userMs: 1, sysMs: 1, maxRssKb: 1024, readBytes: 2048, writeBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, exitCode: 0, warmup: false, outlier: false };
  const stats = { n: 1, medianMs: 100, p95Ms: 100, minMs: 100, maxMs: 100, meanMs: 100, stddevMs: 0, ciLowMs: 100, ciHighMs: 100, ciLevel: 0, outliers: [], warnings: [] };

  it('shows the median read calls per second compactly, and "-" where they were not counted', () => {
    const text = formatRunSummary({
      ...run([]),
      results: [
        { runtime: 'native', scenario: 'vet', status: 'completed', samples: [sample], stats, readCallsPerSecond: 12_345 },
        { runtime: 'docker', scenario: 'vet', status: 'completed', samples: [sample], stats },
      ],
    });
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('SCENARIO'))!;
    expect(header).toMatch(/PEAK RSS \(LARGEST PROCESS\)\s+READ\s+WRITTEN\s+READ CALLS\/S\s+VS NATIVE$/);
    expect(lines.find((l) => l.includes('native'))).toMatch(/\s12\.3k\s+baseline$/);
    expect(lines.find((l) => l.includes('docker'))).toMatch(/\s-\s+-$/);
  });
});

describe('formatRunSummary lifecycle commands', () => {
  it("says once that devcontainer.json's lifecycle commands were not run, though docker and dind both recorded it", () => {
    const fact = 'postCreateCommand in /w/.devcontainer/devcontainer.json: not run (EnvBench never runs a workspace\'s lifecycle commands)';
    const text = formatRunSummary({
      ...run([]),
      maintenance: [
        { runtime: 'docker', facts: { lifecycleCommands: fact } },
        { runtime: 'dind', facts: { lifecycleCommands: fact } },
      ],
    } as Omit<RunJson, 'table'>);
    expect(text.split('\n').filter((l) => l.includes('postCreateCommand'))).toEqual([`- ${fact}`]);
  });
});

describe('formatRunSummary ranking', () => {
  it('says under the ranking why each dimension is won, with the inputs a reader can check', () => {
    const input = (name: string, value: number, points: number) => ({ name, value, unit: 'ms (median)', points, rule: '' });
    const text = formatRunSummary({
      ...run([]),
      scoring: {
        weights: { startup: 1, performance: 1, maintenance: 1 },
        scores: {
          native: { performance: { score: 45, method: '', inputs: [input('gopls-load', 700, 1)] }, overall: 45 },
          nix: { performance: { score: 100, method: '', inputs: [input('gopls-load', 315, 0.45)] }, overall: 100 },
        },
      },
    } as unknown as RunJson);
    const lines = text.split('\n');
    const ranking = lines.findIndex((l) => l.startsWith('Ranking'));
    expect(ranking).toBeGreaterThan(0);
    expect(lines.slice(ranking)).toContain('  nix wins performance (100.0 vs native 45.0) on gopls-load (0.45× native vs 1.00×).');
  });
});
