import type { ScoreWeights } from '../../core/bench/ranking';
import { parseWeights } from '../../core/bench/ranking';
import { UserError } from '../../core/user-error';
import type { DimensionScore, RunJson } from '../../shared/run';
import { restsOnFewerInputs } from '../../shared/format/score-basis';
import { rankedScores, rankText } from '../../shared/format/run-table';
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
 * (one sentence each), from the run table. Equal overall scores share a rank (shown "=2"):
 * differences the statistics cannot tell apart were already scored as equal.
 */
export function formatRanking(run: RunJson): string[] {
  const scoring = run.scoring;
  if (!scoring) return [];
  const rows = rankedScores(run).map((entry) => {
    const s = entry.scores;
    return [rankText(entry), entry.runtime, scoreCell(s.startup), scoreCell(s.performance), scoreCell(s.maintenance), cell(s.overall)];
  });
  const w = scoring.weights;
  return [
    '',
    `Ranking (0-100, higher is better; weights startup ${w.startup}, performance ${w.performance}, maintenance ${w.maintenance}; inputs in the run JSON under scoring):`,
    textTable(['RANK', 'RUNTIME', 'STARTUP', 'PERFORMANCE', 'MAINTENANCE', 'OVERALL'], rows, new Set([2, 3, 4, 5])),
    ...run.table.basisNotes.map((note) => `  basis: ${note}`),
    ...run.table.rankingReasons.map((sentence) => `  ${sentence}`),
  ];
}
