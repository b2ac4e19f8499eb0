import type { ComparisonJson, ConsistencyJson, ResultJson, RunDurations, RunJson, Sample } from '../../shared/run';
import type { StepTime, StoredRun } from '../history/run-store';
import { findScenario } from '../scenarios/catalog';
import { buildConsistency } from './environment-report';
import { firstRunOf } from './first-run';
import { runLoad } from './machine-load';
import { scenarioTargetsOf } from './scenario-targets';
import { userCommandsOf } from '../scenarios/user-command';

/** RunOptionsJson.commands, present only when the run measured commands of the user's own. */
function userCommandsOption(runFacts: Parameters<typeof userCommandsOf>[0]): { commands?: Record<string, string> } {
  const commands = userCommandsOf(runFacts);
  return Object.keys(commands).length > 0 ? { commands } : {};
}
import type { ScoreWeights } from './ranking';
import { DEFAULT_WEIGHTS, scoreRun } from './ranking';
import { buildRunTable } from './run-table';
import { compareFamilyToBaseline, descriptiveStats, summarize } from '../stats';

export const BASELINE_RUNTIME = 'native' as const;

/**
 * A failed command that passed on native, in an environment that runs it as another user, says so
 * next to its reason: a suite that checks file permissions (or skips as root) fails as root and
 * passes as you, and nothing else would hint at it. From the inputs both results recorded.
 */
function userDifference(result: StoredRun['results'][number], all: StoredRun['results']): string {
  if (result.status !== 'failed' || result.runtime === BASELINE_RUNTIME || !result.inputs?.uid) return '';
  const native = all.find((r) => r.runtime === BASELINE_RUNTIME && r.scenario === result.scenario);
  if (native?.status !== 'completed' || !native.inputs?.uid) return '';
  const id = (uid: string): string => uid.split(' ')[0]!;
  if (id(result.inputs.uid) === id(native.inputs.uid)) return '';
  return ` (it passed on native: ${result.runtime} runs it as user ${result.inputs.uid}, native as ${native.inputs.uid}; see User id in the consistency table)`;
}

/**
 * Turns a stored run into the run JSON: statistics over measured (non-warmup) samples of
 * wall time, outliers flagged (never removed), every runtime compared with native, the scores,
 * and the table every output renders (run-table.ts).
 */
export function buildRunJson(run: StoredRun, weights: ScoreWeights = DEFAULT_WEIGHTS): RunJson {
  const results: ResultJson[] = run.results.map((result) => {
    const measured = result.samples.filter((s) => !s.warmup);
    // A check's one measurement is shown as it is, not summarised.
    const stats = measured.length > 0 && findScenario(result.scenario)?.kind !== 'check' ? summarize(measured.map((s) => s.wallMs)) : null;
    // Kept only under --ignore-failure: said with the figures, which time a command that failed.
    const nonZero = measured.filter((s) => s.exitCode !== 0);
    if (stats && nonZero.length > 0) {
      stats.warnings.push(`${nonZero.length} of ${measured.length} samples exited non-zero (exit ${[...new Set(nonZero.map((s) => s.exitCode))].join(', ')}): kept, as --ignore-failure asked`);
    }
    const outliers = new Set(stats?.outliers ?? []);
    let measuredIndex = 0;
    const samples = result.samples.map((sample) => ({
      ...sample,
      outlier: sample.warmup ? false : outliers.has(measuredIndex++),
    }));
    const reason = result.reason ? result.reason + userDifference(result, run.results) : null;
    return {
      runtime: result.runtime,
      scenario: result.scenario,
      status: result.status,
      ...(reason ? { reason } : {}),
      ...(result.verdict ? { verdict: result.verdict } : {}),
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(result.inputs ? { inputs: result.inputs } : {}),
      ...phaseStatsOf(measured),
      ...readCallsPerSecondOf(measured),
      samples,
      stats,
    };
  });

  const firstRun = firstRunOf(run.runFacts);
  const json: Omit<RunJson, 'table'> = {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(run.error ? { error: run.error } : {}),
    workspace: run.workspace,
    machine: run.machine,
    // Which command ended each start is a run-level fact, stored once a start is timed; --main and --test-args are run-level facts too.
    options: { ...run.options, ...(firstRun ? { firstRun } : {}), ...scenarioTargetsOf(run.runFacts), ...userCommandsOption(run.runFacts) },
    results,
    comparisons: compareWithBaseline(results),
    maintenance: run.maintenance,
    ...withConsistency(run),
  };
  const load = runLoad(run.runFacts, run.machine.cpuCount);
  if (load) json.load = load;
  if (run.plan) json.plan = run.plan;
  if (run.steps && run.steps.length > 0) json.durations = durationsOf(run.steps);
  const scoring = scoreRun(json, weights);
  const scored = scoring ? { ...json, scoring } : json;
  return { ...scored, table: buildRunTable(scored) };
}

/** Where the run's time went: each runtime's preparation and each scenario's steps, per runtime. */
export function durationsOf(steps: readonly StepTime[]): RunDurations {
  const durations: RunDurations = { totalMs: 0, preparationMs: {}, scenarios: [] };
  for (const step of steps) {
    durations.totalMs += step.ms;
    if (step.scenario === null) {
      durations.preparationMs[step.runtime] = (durations.preparationMs[step.runtime] ?? 0) + step.ms;
      continue;
    }
    let entry = durations.scenarios.find((s) => s.scenario === step.scenario);
    if (!entry) durations.scenarios.push((entry = { scenario: step.scenario, byRuntime: {} }));
    entry.byRuntime[step.runtime] = (entry.byRuntime[step.runtime] ?? 0) + step.ms;
  }
  return durations;
}

/**
 * Every completed runtime against native, scenario by scenario. The comparisons of one
 * scenario are one family: their p-values are Holm-corrected together (see compareFamilyToBaseline).
 */
function compareWithBaseline(results: ResultJson[]): ComparisonJson[] {
  const walls = (r: ResultJson): number[] => r.samples.filter((s) => !s.warmup).map((s) => s.wallMs);
  // Only figures with statistics compare: a check's verdict or facts are findings, not times.
  const candidates = results.filter((r) => r.runtime !== BASELINE_RUNTIME && r.status === 'completed' && r.stats !== null);
  const byResult = new Map<ResultJson, ComparisonJson>();
  for (const scenario of new Set(candidates.map((r) => r.scenario))) {
    const baseline = results.find((r) => r.runtime === BASELINE_RUNTIME && r.scenario === scenario && r.status === 'completed' && r.stats !== null);
    if (!baseline) continue;
    const family = candidates.filter((r) => r.scenario === scenario);
    compareFamilyToBaseline(family.map(walls), walls(baseline)).forEach((comparison, i) => {
      const result = family[i] as ResultJson;
      byResult.set(result, {
        scenario,
        runtime: result.runtime,
        baseline: BASELINE_RUNTIME,
        ratio: comparison.ratio,
        pValue: comparison.pValue,
        pValueAdjusted: comparison.pValueAdjusted,
        correction: comparison.correction,
        significant: comparison.significant,
        ...(comparison.warning ? { warning: comparison.warning } : {}),
      });
    });
  }
  // In the order of the results, as before the correction existed.
  return candidates.flatMap((r) => byResult.get(r) ?? []);
}

/** The consistency matrix and cross-environment builds, when the run had those checks. */
function withConsistency(run: StoredRun): { consistency?: ConsistencyJson } {
  const runtimes = [...new Set(run.results.map((r) => r.runtime))];
  const consistency = buildConsistency(run.maintenance, run.workspace.goVersion, runtimes);
  return consistency ? { consistency } : {};
}

/** Median read(2)-like calls per second of the command alone, over the samples that counted them. */
function readCallsPerSecondOf(measured: readonly Pick<Sample, 'readCalls' | 'innerWallMs'>[]): { readCallsPerSecond?: number } {
  const rates = measured.filter((s) => s.readCalls !== undefined && s.innerWallMs > 0).map((s) => s.readCalls! / (s.innerWallMs / 1000));
  return rates.length > 0 ? { readCallsPerSecond: descriptiveStats(rates).median } : {};
}

/** P50 and P95 of each startup phase (the article's startup table), for samples that have phases. */
function phaseStatsOf(measured: readonly { phases?: Record<string, number> }[]): { phaseStats?: ResultJson['phaseStats'] } {
  const withPhases = measured.filter((s) => s.phases && Object.keys(s.phases).length > 0);
  if (withPhases.length === 0) return {};
  const names = [...new Set(withPhases.flatMap((s) => Object.keys(s.phases!)))];
  return {
    phaseStats: names.map((name) => {
      const values = withPhases.map((s) => s.phases![name]).filter((v): v is number => v !== undefined);
      const d = descriptiveStats(values);
      return { name, p50Ms: d.median, p95Ms: d.p95 };
    }),
  };
}
