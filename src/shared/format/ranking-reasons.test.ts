import { describe, expect, it } from 'vitest';
import type { DimensionScore, ScoreInput, ScoringJson } from '../run';
import { rankingReasons } from './ranking-reasons';

const input = (name: string, value: ScoreInput['value'], points: number): ScoreInput => ({ name, value, unit: '', points, rule: '' });
// Built as the ranking builds it; `missing` and `basis` are left out on purpose: the sentence rests on the inputs alone.
const dim = (s: number, inputs: ScoreInput[]): DimensionScore => ({ score: s, method: '', inputs }) as unknown as DimensionScore;
const scoring = (scores: ScoringJson['scores']): ScoringJson => ({ weights: { startup: 1, performance: 1, maintenance: 1 }, scores });

describe('rankingReasons', () => {
  it('says who wins each dimension and on which inputs, with the figures a reader can check', () => {
    const reasons = rankingReasons(
      scoring({
        native: {
          startup: dim(100, [input('startup-cold', 1200, 1), input('startup-warm', 80, 1)]),
          performance: dim(86.2, [input('build-clean', 900, 1), input('gopls-load', 700, 1), input('vet', 300, 1)]),
          maintenance: dim(71.4, [input('offline readiness', 'ready', 1), input('disk footprint', 0, 1), input('lockfile pins every input', 'nothing pins the host', 0)]),
          overall: 85.9,
        },
        nix: {
          startup: dim(40, [input('startup-cold', 4800, 0.25), input('startup-warm', 120, 0.667)]),
          performance: dim(100, [input('build-clean', 910, 1), input('gopls-load', 315, 0.45), input('vet', 290, 0.96)]),
          maintenance: dim(60, [input('offline readiness', 'not-ready', 0), input('disk footprint', 1024 ** 3, 0.5), input('lockfile pins every input', true, 1)]),
          overall: 66.7,
        },
      }),
    );
    expect(reasons.map((r) => [r.dimension, r.winners, r.sentence])).toEqual([
      ['startup', ['native'], 'native wins startup (100.0 vs nix 40.0) on startup-cold (1.20 s vs 4.80 s) and startup-warm (80.0 ms vs 120.0 ms).'],
      ['performance', ['nix'], 'nix wins performance (100.0 vs native 86.2) on gopls-load (0.45× native vs 1.00×) and vet (0.96× native vs 1.00×).'],
      ['maintenance', ['native'], 'native wins maintenance (71.4 vs nix 60.0) on offline readiness (ready vs not-ready) and disk footprint (0 B vs 1.0 GiB).'],
    ]);
  });

  it.each([
    [
      'a tie at the top, ahead of a third',
      { native: { startup: dim(100, [input('startup-warm', 80, 1)]), overall: 100 }, docker: { startup: dim(100, [input('startup-warm', 81, 1)]), overall: 100 }, dind: { startup: dim(20, [input('startup-warm', 400, 0.2)]), overall: 20 } },
      'native and docker tie for startup (100.0), ahead of dind (20.0): native vs dind on startup-warm (80.0 ms vs 400.0 ms).',
    ],
    ['everyone tied', { native: { startup: dim(100, [input('startup-warm', 80, 1)]), overall: 100 }, nix: { startup: dim(100, [input('startup-warm', 82, 1)]), overall: 100 } }, 'native and nix tie for startup (100.0): no input tells them apart.'],
    ['one runtime', { native: { startup: dim(100, [input('startup-warm', 80, 1)]), overall: 100 } }, 'native is the only runtime with a startup score (100.0).'],
    [
      'a score over fewer inputs says so',
      { docker: { startup: dim(100, [input('startup-cold', 3000, 1), input('startup-warm', 500, 1)]), overall: 100 }, nix: { startup: dim(50, [input('startup-warm', 1000, 0.5)]), overall: 50 } },
      'docker wins startup (100.0 vs nix 50.0) on startup-warm (500.0 ms vs 1.00 s); nix has no startup-cold.',
    ],
    [
      'a win with no shared input in its favour',
      { docker: { startup: dim(100, [input('startup-warm', 500, 1)]), overall: 100 }, nix: { startup: dim(70.7, [input('startup-cold', 9000, 0.5), input('startup-warm', 500, 1)]), overall: 70.7 } },
      'docker wins startup (100.0 vs nix 70.7) with no input both have in its favour; docker has no startup-cold.',
    ],
    ['three inputs or more: the two largest and a count', { native: { performance: dim(50, [input('a', 1, 1), input('b', 1, 1), input('c', 1, 1)]), overall: 50 }, nix: { performance: dim(100, [input('a', 1, 0.5), input('b', 1, 0.9), input('c', 1, 0.8)]), overall: 100 } }, 'nix wins performance (100.0 vs native 50.0) on a (0.50× native vs 1.00×) and c (0.80× native vs 1.00×) and 1 more.'],
  ] as [string, ScoringJson['scores'], string][])('%s', (_name, scores, sentence) => {
    expect(rankingReasons(scoring(scores))[0]!.sentence).toBe(sentence);
  });

  it('is empty without a ranking', () => {
    expect(rankingReasons(undefined)).toEqual([]);
  });
});
