// Which ranking scores need their basis said (ranking.ts fills DimensionScore.basis): shared by
// the CLI ranking table, the app and the printed report, so all three explain the same scores.

import type { DimensionScore, ScoringJson } from '../run';

/** True when the score rests on fewer inputs than another runtime's in its dimension (shown with a *). */
export function restsOnFewerInputs(score: DimensionScore | undefined): boolean {
  return (score?.missing?.length ?? 0) > 0;
}

/**
 * What scores rest on when that is not what the table suggests: a score over fewer inputs than
 * another runtime's, an overall without a dimension, and notable ties (undecidable, or medians 10% apart).
 */
export function scoreBasisNotes(scoring: ScoringJson): string[] {
  return Object.values(scoring.scores).flatMap((s) => [
    ...(['startup', 'performance', 'maintenance'] as const).flatMap((d) => {
      const score = s?.[d];
      return score?.basis && (restsOnFewerInputs(score) || (score.notableTies?.length ?? 0) > 0) ? [score.basis] : [];
    }),
    ...(s?.basis ? [s.basis] : []),
  ]);
}
