// Why each dimension's winner wins, in one sentence built only from the ranking's own inputs
// (ScoringJson: scores and the ScoreInput list each rests on), so a reader can check the claim
// against the tables. Pure, with no Node or DOM: the CLI, the app and the printed report share it.

import type { Dimension, DimensionScore, FactValue, RuntimeId, ScoringJson, ScoreInput } from '../run';
import { formatBytes, formatMs } from './units';

export interface DimensionReason {
  dimension: Dimension;
  /** The runtimes with the best score in this dimension (more than one: a tie). */
  winners: RuntimeId[];
  sentence: string;
}

const DIMENSIONS: Dimension[] = ['startup', 'performance', 'maintenance'];
/** The most inputs a sentence names; the rest are in the score tables. */
const MOST_NAMED = 2;

const score = (n: number): string => n.toFixed(1);

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function factWords(name: string, value: FactValue): string {
  if (typeof value === 'number' && /footprint|bytes/i.test(name)) return formatBytes(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === null ? '(none)' : String(value);
}

/** How much better the leader did than the other on one input (> 0: the leader was better). */
function advantage(dimension: Dimension, leader: ScoreInput, other: ScoreInput): number {
  // Performance points are ratios to native (lower is better); startup points are the fastest's median over this one (higher is better).
  if (dimension === 'performance') return Math.log(other.points / leader.points);
  if (dimension === 'startup') return Math.log(leader.points / other.points);
  return leader.points - other.points;
}

/** One input of both runtimes in words: "gopls-load (0.45× native vs 1.00×)". */
function inputWords(dimension: Dimension, leader: ScoreInput, other: ScoreInput): string {
  if (dimension === 'performance') return `${leader.name} (${leader.points.toFixed(2)}× native vs ${other.points.toFixed(2)}×)`;
  if (dimension === 'startup') return `${leader.name} (${formatMs(Number(leader.value))} vs ${formatMs(Number(other.value))})`;
  return `${leader.name} (${factWords(leader.name, leader.value)} vs ${factWords(other.name, other.value)})`;
}

function reasonFor(dimension: Dimension, entries: [RuntimeId, DimensionScore][]): DimensionReason | null {
  if (entries.length === 0) return null;
  const sorted = [...entries].sort((a, b) => b[1].score - a[1].score);
  const top = sorted[0]![1].score;
  const winners = sorted.filter(([, s]) => s.score === top).map(([r]) => r);
  const runnerUp = sorted.find(([, s]) => s.score < top);
  const lead = winners.length > 1 ? `${list(winners)} tie for ${dimension} (${score(top)})` : `${winners[0]} wins ${dimension}`;
  if (sorted.length === 1) return { dimension, winners, sentence: `${winners[0]} is the only runtime with a ${dimension} score (${score(top)}).` };
  if (!runnerUp) return { dimension, winners, sentence: `${lead}: no input tells them apart.` };

  const [leaderId, leader] = sorted[0]!;
  const [otherId, other] = runnerUp;
  const theirs = new Map(other.inputs.map((i) => [i.name, i]));
  const decisive = leader.inputs
    .filter((i) => theirs.has(i.name))
    .map((i) => ({ words: inputWords(dimension, i, theirs.get(i.name)!), by: advantage(dimension, i, theirs.get(i.name)!) }))
    .filter((d) => d.by > 1e-9)
    .sort((a, b) => b.by - a.by);
  // With a tie, the figures are the first winner's against the next runtime's.
  const versus = winners.length > 1 ? `, ahead of ${otherId} (${score(other.score)}): ${leaderId} vs ${otherId}` : ` (${score(leader.score)} vs ${otherId} ${score(other.score)})`;
  const named = decisive.slice(0, MOST_NAMED).map((d) => d.words);
  const more = decisive.length > MOST_NAMED ? ` and ${decisive.length - MOST_NAMED} more` : '';
  let sentence = named.length > 0 ? `${lead}${versus} on ${list(named)}${more}` : `${lead}${versus} with no input both have in its favour`;

  // A score over fewer inputs is a different claim: say which inputs one of the two lacks.
  const mine = new Set(leader.inputs.map((i) => i.name));
  const onlyTheirs = other.inputs.filter((i) => !mine.has(i.name)).map((i) => i.name);
  const onlyMine = leader.inputs.filter((i) => !theirs.has(i.name)).map((i) => i.name);
  const gaps = [...(onlyTheirs.length > 0 ? [`${leaderId} has no ${list(onlyTheirs)}`] : []), ...(onlyMine.length > 0 ? [`${otherId} has no ${list(onlyMine)}`] : [])];
  if (gaps.length > 0) sentence += `; ${gaps.join(', ')}`;
  return { dimension, winners, sentence: `${sentence}.` };
}

/**
 * One sentence per scored dimension: who wins (or ties), by how much over the next runtime, and
 * on which inputs most (the performance ratio to native, the startup medians, the maintenance
 * facts), naming inputs one of the two was not scored on. Empty when the run has no ranking.
 */
export function rankingReasons(scoring: ScoringJson | null | undefined): DimensionReason[] {
  if (!scoring) return [];
  const all = Object.entries(scoring.scores) as [RuntimeId, NonNullable<ScoringJson['scores'][RuntimeId]>][];
  return DIMENSIONS.map((dimension) =>
    reasonFor(
      dimension,
      all.flatMap(([runtime, s]) => (s[dimension] ? [[runtime, s[dimension]] as [RuntimeId, DimensionScore]] : [])),
    ),
  ).filter((r): r is DimensionReason => r !== null);
}
