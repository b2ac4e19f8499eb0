import type { Dimension, DimensionScore, FactValue, MissingScoreInput, ResultJson, RunJson, RuntimeId, ScoreInput, ScoringJson } from '../../shared/run';
import { compareVersions } from '../environments/nix-cli';
import { findScenario } from '../scenarios/catalog';
import { scenarioIn } from '../scenarios/user-command';
import { compareToBaseline, hasEnoughSamplesForVerdict, MIN_SAMPLES_FOR_VERDICT } from '../stats';

export interface ScoreWeights {
  startup: number;
  performance: number;
  maintenance: number;
}

export const DEFAULT_WEIGHTS: ScoreWeights = { startup: 1, performance: 1, maintenance: 1 };
/** Extra disk of this many bytes costs half the footprint points. */
const FOOTPRINT_HALF_POINTS_BYTES = 1024 ** 3;
/** Differences of medians below this are too small to matter to anyone waiting: they count as none. */
export const NEGLIGIBLE_MS = 1;
/** This many lines of environment definition cost half the configuration points. */
const CONFIG_HALF_POINTS_LINES = 50;
/** A tie between medians this far apart (either way) is named in the score's basis. */
const NOTABLE_TIE_RATIO = 1.1;

/** What a score is computed from: the run JSON before its table (which renders the scores). */
type ScoredRun = Omit<RunJson, 'table'>;

const round = (x: number): number => Math.round(x * 10) / 10;
const geometricMean = (values: readonly number[]): number => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
const measuredWalls = (run: ScoredRun, runtime: RuntimeId, scenario: string): number[] | null => {
  const result = run.results.find((r) => r.runtime === runtime && r.scenario === scenario && r.status === 'completed' && r.stats);
  return result ? result.samples.filter((s) => !s.warmup).map((s) => s.wallMs) : null;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Startup: for each startup scenario, the fastest runtime's median over this runtime's (1 for
 * the fastest); a difference from the fastest that is not statistically significant counts as
 * none. Score = 100 x geometric mean of those ratios.
 */
function startupScores(run: ScoredRun, runtimes: readonly RuntimeId[]): Map<RuntimeId, DimensionScore> {
  const scores = new Map<RuntimeId, DimensionScore>();
  const scenarios = [...new Set(run.results.map((r) => r.scenario))].filter((id) => scenarioIn(run.options, id)?.dimension === 'startup');
  const inputs = new Map<RuntimeId, ScoreInput[]>(runtimes.map((r) => [r, []]));
  for (const scenario of scenarios) {
    const walls = runtimes.map((r) => [r, measuredWalls(run, r, scenario)] as const).filter((e): e is readonly [RuntimeId, number[]] => e[1] !== null);
    if (walls.length === 0) continue;
    const [best, bestWalls] = walls.reduce((a, b) => (median(b[1]) < median(a[1]) ? b : a));
    for (const [runtime, values] of walls) {
      const comparison = runtime === best ? null : compareToBaseline(values, bestWalls);
      const negligible = median(values) - median(bestWalls) < NEGLIGIBLE_MS;
      const ratio = comparison && comparison.significant && !negligible ? median(bestWalls) / median(values) : 1;
      const tie = !comparison ? undefined : tieOf(comparison.significant, negligible, values.length, bestWalls.length);
      inputs.get(runtime)!.push({
        name: scenario,
        value: round(median(values)),
        unit: 'ms (median)',
        points: ratio,
        rule:
          runtime === best
            ? 'fastest'
            : !comparison!.significant
              ? `not significantly slower than ${best} (${undecided(values.length, bestWalls.length, comparison!.pValue)}; median ${(median(values) / median(bestWalls)).toFixed(2)}x): counts as 1`
              : negligible
                ? `less than ${NEGLIGIBLE_MS} ms slower than ${best}: counts as 1`
                : `fastest (${best}) median / this median`,
        ...(tie ? { tie, medianRatio: median(values) / median(bestWalls) } : {}),
      });
    }
  }
  for (const [runtime, list] of inputs) {
    if (list.length > 0) scores.set(runtime, { score: round(100 * geometricMean(list.map((i) => i.points))), inputs: list, method: 'geometric mean of ratios to the fastest x 100', missing: [], basis: '' });
  }
  return scores;
}

/** Why an input counted as 1 though its median differs from its reference's, or undefined when it did not. */
function tieOf(significant: boolean, negligible: boolean, n: number, referenceN: number): ScoreInput['tie'] {
  if (!significant) return hasEnoughSamplesForVerdict(n, referenceN) ? 'not-significant' : 'too-few-samples';
  return negligible ? 'negligible' : undefined;
}

function tieFields(tie: ScoreInput['tie'], medianRatio: number): Pick<ScoreInput, 'tie' | 'medianRatio'> {
  return tie ? { tie, medianRatio } : {};
}

/** A tie worth saying: one no test could decide, or one whose medians are 10% or more apart. */
function notableTie(input: ScoreInput): boolean {
  if (input.tie === 'too-few-samples') return true;
  return input.tie === 'not-significant' && input.medianRatio !== undefined && Math.abs(Math.log(input.medianRatio)) >= Math.log(NOTABLE_TIE_RATIO);
}

/** Why a comparison could not tell two runtimes apart: the p-value, or too few samples to ever decide. */
function undecided(n: number, baselineN: number, pValue: number): string {
  return hasEnoughSamplesForVerdict(n, baselineN)
    ? `p=${pValue.toFixed(3)}`
    : `p=${pValue.toFixed(3)}, ${n} and ${baselineN} samples: with fewer than ${MIN_SAMPLES_FOR_VERDICT} a side no difference can be significant`;
}

/**
 * Performance: for each performance scenario, this runtime's median over native's; a comparison
 * that is not significant (Holm-corrected) counts as 1. The geometric mean of the ratios, G, is
 * turned into a score relative to the best: 100 x G(best) / G(this).
 */
function performanceScores(run: ScoredRun, runtimes: readonly RuntimeId[]): Map<RuntimeId, DimensionScore> {
  const scenarios = [...new Set(run.results.map((r) => r.scenario))].filter((id) => scenarioIn(run.options, id)?.dimension === 'performance');
  const inputs = new Map<RuntimeId, ScoreInput[]>();
  for (const runtime of runtimes) {
    const list: ScoreInput[] = [];
    for (const scenario of scenarios) {
      const mine = measuredWalls(run, runtime, scenario);
      if (!mine) continue;
      if (runtime === 'native') {
        list.push({ name: scenario, value: round(median(mine)), unit: 'ms (median)', points: 1, rule: 'baseline' });
        continue;
      }
      const comparison = run.comparisons.find((c) => c.scenario === scenario && c.runtime === runtime);
      const native = measuredWalls(run, 'native', scenario);
      if (!comparison || !native) continue;
      const negligible = Math.abs(median(mine) - median(native)) < NEGLIGIBLE_MS;
      list.push({
        name: scenario,
        value: round(median(mine)),
        unit: 'ms (median)',
        points: comparison.significant && !negligible ? comparison.ratio : 1,
        rule: !comparison.significant
          ? `not significantly different from native (${undecided(mine.length, native.length, comparison.pValueAdjusted)}; median ${comparison.ratio.toFixed(2)}x): counts as 1`
          : negligible
            ? `within ${NEGLIGIBLE_MS} ms of native: counts as 1`
            : 'median / native median',
        ...tieFields(tieOf(comparison.significant, negligible, mine.length, native.length), comparison.ratio),
      });
    }
    if (list.length > 0) inputs.set(runtime, list);
  }
  const means = new Map([...inputs].map(([runtime, list]) => [runtime, geometricMean(list.map((i) => i.points))]));
  const best = Math.min(...means.values());
  return new Map(
    [...inputs].map(([runtime, list]) => [runtime, { score: round((100 * best) / means.get(runtime)!), inputs: list, method: 'geometric mean G of ratios to native; 100 x G(best) / G(this)', missing: [], basis: '' }]),
  );
}

function factOf(run: ScoredRun, runtime: RuntimeId, key: string): FactValue | undefined {
  return run.maintenance.find((m) => m.runtime === runtime)?.facts[key];
}

function maintenanceInputs(run: ScoredRun, runtime: RuntimeId): ScoreInput[] {
  const list: ScoreInput[] = [];
  const add = (name: string, value: FactValue, points: number | null, rule: string): void => {
    if (points !== null) list.push({ name, value, unit: '', points, rule });
  };
  // 1. Everything the environment is built from is pinned.
  const pins = factOf(run, runtime, 'lockPinsEveryInput');
  if (typeof pins === 'boolean') add('lockfile pins every input', pins, pins ? 1 : 0, 'pinned 1, not 0');
  else if (runtime === 'native') add('lockfile pins every input', 'nothing pins the host', 0, 'the host itself is not pinned: 0');
  else if (factOf(run, runtime, 'baseImage') !== undefined || factOf(run, runtime, 'outerImageRef') !== undefined) {
    const base = String(factOf(run, runtime, 'baseImage') ?? '');
    add('lockfile pins every input', base || 'tag', base.includes('@sha256:') ? 1 : 0, 'base image pinned by digest 1, by tag or locally built 0');
  }
  // 2. Rebuilds give the same bytes.
  const repro = run.results.find((r) => r.runtime === runtime && r.scenario === 'reproducible-build')?.verdict;
  if (repro) add('reproducible build', repro.value, repro.value === 'reproducible' ? 1 : 0, 'reproducible 1, not 0');
  // 3. No privileges or capability fallbacks.
  const privileges = factOf(run, runtime, 'privileges');
  if (privileges !== undefined) add('privileges', privileges, /^none/.test(String(privileges)) ? 1 : 0, 'none needed 1, privileged or a capability fallback 0');
  // 4. Disk the environment adds.
  const bytes = [factOf(run, runtime, 'imageSizeBytes'), factOf(run, runtime, 'outerImageSizeBytes'), factOf(run, runtime, 'closureBytes')].find((v) => typeof v === 'number');
  if (typeof bytes === 'number') add('disk footprint', bytes, 1 / (1 + bytes / FOOTPRINT_HALF_POINTS_BYTES), `1 / (1 + bytes / ${FOOTPRINT_HALF_POINTS_BYTES})`);
  else if (runtime === 'native') add('disk footprint', 0, 1, 'adds nothing: 1');
  // 5. Works with no network.
  const offline = run.results.find((r) => r.runtime === runtime && r.scenario === 'offline-readiness')?.verdict;
  if (offline) add('offline readiness', offline.value, offline.value === 'ready' ? 1 : 0, 'ready 1, not ready 0');
  // 6. Lines of configuration to maintain.
  const lines = factOf(run, runtime, 'configLines');
  if (typeof lines === 'number') add('lines of configuration', lines, 1 / (1 + lines / CONFIG_HALF_POINTS_LINES), `1 / (1 + lines / ${CONFIG_HALF_POINTS_LINES})`);
  // 7. Go matches what go.mod asks for.
  const goVersion = factOf(run, runtime, 'consistency.env.GOVERSION');
  const wanted = run.workspace.goVersion;
  if (typeof goVersion === 'string' && wanted) {
    const ok = compareVersions(goVersion.replace(/^go/, ''), wanted) >= 0;
    add('Go satisfies go.mod', `${goVersion} (go.mod: ${wanted})`, ok ? 1 : 0, 'at least the go.mod version 1, older 0');
  }
  return list;
}

/**
 * Scores 0-100 per runtime in three dimensions and overall, with every input that went into each
 * score, so a reader can recompute them from the run JSON. See docs/methodology.md "Ranking".
 */
export function scoreRun(run: ScoredRun, weights: ScoreWeights = DEFAULT_WEIGHTS): ScoringJson | null {
  const runtimes = [...new Set(run.results.map((r) => r.runtime))];
  const startup = startupScores(run, runtimes);
  const performance = performanceScores(run, runtimes);
  const scores: ScoringJson['scores'] = {};
  for (const runtime of runtimes) {
    const maintenanceList = maintenanceInputs(run, runtime);
    const maintenance: DimensionScore | undefined =
      maintenanceList.length > 0
        ? { score: round((100 * maintenanceList.reduce((s, i) => s + i.points, 0)) / maintenanceList.length), inputs: maintenanceList, method: 'mean of the criteria measured x 100', missing: [], basis: '' }
        : undefined;
    const dims = { startup: startup.get(runtime), performance: performance.get(runtime), maintenance };
    const weighted = (Object.keys(dims) as (keyof ScoreWeights)[]).filter((d) => dims[d] && weights[d] > 0);
    const totalWeight = weighted.reduce((s, d) => s + weights[d], 0);
    if (weighted.length === 0) continue;
    scores[runtime] = {
      ...dims,
      overall: round(weighted.reduce((s, d) => s + dims[d]!.score * weights[d], 0) / totalWeight),
    };
  }
  explainBases(run, scores);
  return Object.keys(scores).length > 0 ? { weights, scores } : null;
}

/** Maintenance criteria that come from one scenario's result: a missing one is explained by that result. */
const CRITERION_SCENARIO: Record<string, string> = {
  'reproducible build': 'reproducible-build',
  'offline readiness': 'offline-readiness',
  'Go satisfies go.mod': 'consistency',
};

/** An input's name as the basis sentence says it: a scenario's title in lower case ("cold start"), or the criterion. */
function inputName(name: string): string {
  const title = findScenario(name)?.title;
  return title ? title[0]!.toLowerCase() + title.slice(1) : name;
}

/** The first line of a reason, short enough for a sentence (the whole reason is with the result). */
function shortReason(reason: string | undefined, name: string): string {
  // "cold start failed: `nix develop` ..." is said after "cold start failed" already.
  const line = (reason ?? '').split('\n')[0]!.trim().replace(new RegExp(`^${inputName(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed: `, 'i'), '');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** Why `runtime` has no input `name` that another runtime's score has. */
function whyMissing(run: ScoredRun, runtime: RuntimeId, dimension: Dimension, name: string): MissingScoreInput {
  const scenario = dimension === 'maintenance' ? CRITERION_SCENARIO[name] : name;
  const result: ResultJson | undefined = scenario ? run.results.find((r) => r.runtime === runtime && r.scenario === scenario) : undefined;
  if (!scenario) return { name, status: 'missing', reason: `${runtime} records no fact for it` };
  if (!result) return { name, status: 'missing', reason: `${scenario} was not run on ${runtime}` };
  if (result.status === 'failed') return { name, status: 'failed', reason: shortReason(result.reason, name) || 'no reason recorded' };
  if (result.status === 'not-applicable') return { name, status: 'not-applicable', reason: shortReason(result.reason, name) };
  if (result.status !== 'completed') return { name, status: 'missing', reason: `${result.status}${result.reason ? `: ${shortReason(result.reason, name)}` : ''}` };
  return { name, status: 'missing', reason: 'completed without a figure to score' };
}

const STATUS_WORDS: Record<MissingScoreInput['status'], string> = {
  failed: 'failed',
  missing: 'not measured',
  'not-applicable': 'not applicable',
};

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Fills each score's `missing` and `basis`: the inputs another runtime's score in the same
 * dimension rests on and this one's lacks (and why), and the inputs counted as a tie although the
 * medians differ. A score over fewer inputs, or over ties the statistics could not decide, says so.
 */
function explainBases(run: ScoredRun, scores: ScoringJson['scores']): void {
  const entries = Object.entries(scores) as [RuntimeId, NonNullable<ScoringJson['scores'][RuntimeId]>][];
  for (const dimension of ['startup', 'performance', 'maintenance'] as const) {
    const everyName = [...new Set(entries.flatMap(([, s]) => s[dimension]?.inputs.map((i) => i.name) ?? []))];
    for (const [runtime, runtimeScores] of entries) {
      const score = runtimeScores[dimension];
      if (!score) continue;
      const mine = new Set(score.inputs.map((i) => i.name));
      score.missing = everyName.filter((name) => !mine.has(name)).map((name) => whyMissing(run, runtime, dimension, name));
      const parts: string[] = [];
      if (score.missing.length > 0) {
        const why = score.missing.map((m) => `${inputName(m.name)} ${STATUS_WORDS[m.status]}${m.reason ? ` (${m.reason})` : ''}`);
        const count = score.inputs.length;
        parts.push(`${runtime} ${dimension} rests on ${count === 1 ? `${inputName(score.inputs[0]!.name)} only` : `${count} of ${count + score.missing.length} inputs`}: ${listed(why)}`);
      }
      const ties = score.inputs.filter(notableTie);
      score.notableTies = ties.map((t) => t.name);
      if (ties.length > 0) {
        // The rule holds the reference: "not significantly slower than native (...): counts as 1".
        const reference = /(?:than|from) (\S+) \(/.exec(ties[0]!.rule)?.[1] ?? 'the reference';
        const ratio = (t: ScoreInput): string => `${inputName(t.name)}${t.medianRatio !== undefined ? ` ${t.medianRatio.toFixed(2)}×` : ''}`;
        const fewSamples = ties.filter((t) => t.tie === 'too-few-samples');
        const undecided = ties.filter((t) => t.tie !== 'too-few-samples');
        if (fewSamples.length > 0) {
          parts.push(`${runtime} ${dimension}: ${listed(fewSamples.map(ratio))} (median vs ${reference}) ${fewSamples.length === 1 ? 'counts' : 'count'} as equal to ${reference}'s: with fewer than ${MIN_SAMPLES_FOR_VERDICT} samples a side no difference can be significant`);
        }
        if (undecided.length > 0) {
          parts.push(`${runtime} ${dimension}: ${listed(undecided.map(ratio))} (median vs ${reference}) ${undecided.length === 1 ? 'counts' : 'count'} as equal to ${reference}'s: the difference is not significant`);
        }
      }
      score.basis = parts.join('; ');
    }
  }
  // A runtime with no score in a dimension others have is ranked on the rest: said, with what it lacks.
  for (const dimension of ['startup', 'performance', 'maintenance'] as const) {
    if (!entries.some(([, s]) => s[dimension])) continue;
    const names = [...new Set(entries.flatMap(([, s]) => s[dimension]?.inputs.map((i) => i.name) ?? []))];
    for (const [runtime, runtimeScores] of entries) {
      if (runtimeScores[dimension]) continue;
      const why = names.map((name) => whyMissing(run, runtime, dimension, name)).map((m) => `${inputName(m.name)} ${STATUS_WORDS[m.status]}`);
      const lacks = `no ${dimension} score (${listed(why)})`;
      runtimeScores.basis = runtimeScores.basis ? `${runtimeScores.basis}; ${lacks}` : `${runtime} overall rests on the other dimensions: ${lacks}`;
    }
  }
}

/** `startup=1,performance=2,maintenance=1` -> weights; throws a readable message otherwise. */
export function parseWeights(text: string): ScoreWeights {
  const weights = { ...DEFAULT_WEIGHTS };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(startup|performance|maintenance)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!match) throw new Error(`"${part}" is not dimension=number (dimensions: startup, performance, maintenance)`);
    weights[match[1] as keyof ScoreWeights] = Number(match[2]);
  }
  if (weights.startup + weights.performance + weights.maintenance <= 0) throw new Error('at least one weight must be above 0');
  return weights;
}
