import type { ScoreWeights } from '../../core/bench/ranking';
import { parseWeights } from '../../core/bench/ranking';
import { UserError } from '../../core/user-error';
import { rankingReasons } from '../../shared/format/ranking-reasons';
import type { DimensionScore, RunJson, RuntimeId } from '../../shared/run';
import { restsOnFewerInputs, scoreBasisNotes } from '../../shared/format/score-basis';
import { textTable } from './text-table';

/** `--weights`, or a clear error before anything is measured. */
export function weightsOption(text: string): ScoreWeights {
  try {
    return parseWeights(text);
  } catch (error) {
    throw new UserError(`Invalid --weights "${text}"`, (error as Error).message, 'Pass for example --weights startup=1,performance=2,maintenance=1');
  }
}

const cell = (score: number | undefined): string => (score === undefined ? '-' : score.toFixed(1));
/** A score over fewer inputs than another runtime's in its dimension is marked, and explained below the table. */
const scoreCell = (score: DimensionScore | undefined): string => `${cell(score?.score)}${restsOnFewerInputs(score) ? ' *' : ''}`;

/**
 * The ranking: dimension scores and the weighted overall, then why each dimension's winner wins
 * (one sentence each). Equal overall scores share a rank (shown "=2"): differences the
 * statistics cannot tell apart were already scored as equal.
 */
export function formatRanking(run: RunJson): string[] {
  const scoring = run.scoring;
  if (!scoring) return [];
  const entries = (Object.entries(scoring.scores) as [RuntimeId, NonNullable<(typeof scoring.scores)[RuntimeId]>][]).sort((a, b) => b[1].overall - a[1].overall);
  const rows = entries.map(([runtime, s]) => {
    const rank = entries.findIndex(([, other]) => other.overall === s.overall) + 1;
    const tied = entries.filter(([, other]) => other.overall === s.overall).length > 1;
    return [`${tied ? '=' : ''}${rank}`, runtime, scoreCell(s.startup), scoreCell(s.performance), scoreCell(s.maintenance), cell(s.overall)];
  });
  const w = scoring.weights;
  return [
    '',
    `Ranking (0-100, higher is better; weights startup ${w.startup}, performance ${w.performance}, maintenance ${w.maintenance}; inputs in the run JSON under scoring):`,
    textTable(['RANK', 'RUNTIME', 'STARTUP', 'PERFORMANCE', 'MAINTENANCE', 'OVERALL'], rows, new Set([2, 3, 4, 5])),
    ...scoreBasisNotes(scoring).map((note) => `  basis: ${note}`),
    ...rankingReasons(scoring).map((r) => `  ${r.sentence}`),
  ];
}
