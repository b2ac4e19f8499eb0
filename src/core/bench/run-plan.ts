import { median } from 'simple-statistics';
import type { EstimateSource, PlannedRuntime, PlannedScenario, RunPlan, RuntimeId } from '../../shared/run';
import { formatMs } from '../../shared/format/units';
import type { StepTime } from '../history/run-store';
import type { Scenario } from '../scenarios/catalog';

/**
 * The run planner: before anything is measured, how many samples each scenario gets and how long
 * the run should take. Estimates come from this machine's history of the workspace (every step's
 * duration is stored, preparations included), else from a first guess. Without `--runs N`, the
 * samples fit the run's budget: every sampled scenario gets the fewest a verdict needs, then the
 * rest of the budget goes, one round at a time, where a round narrows a median's CI the most per
 * second it costs. The scheduler stops a result sooner once its CI is narrow enough, and stops
 * the extra rounds when the run's clock passes the budget.
 */

/** Fewer measured samples a side than this never make a significant difference (stats/compare.ts). */
export const VERDICT_SAMPLES = 6;
/** A start costs tens of seconds: when the budget cannot hold six, three still give a median. */
const STARTUP_FLOOR = 3;
export const DEFAULT_BUDGET_MS = 15 * 60_000;
/**
 * The plan fills the budget less this share: a repeated run's time differs from its plan by a few
 * percent either way (docs/harness-benchmark.md), and the budget is a limit, not a target.
 */
const BUDGET_MARGIN = 0.03;
/** EnvBench's own time per result before this machine has run it: detection, cleanup, reading inputs. */
const FIRST_GUESS_BOOKKEEPING_PER_RESULT_MS = 500;
/** A scenario without history is assumed this noisy (relative spread of its samples). */
const ASSUMED_SPREAD = 0.05;
/** The median's standard error is about 1.2533 σ/√n; its 95% CI half-width about 1.96 times that. */
const HALF_WIDTH_PER_SPREAD = 1.96 * 1.2533;
/** The newest this many successful steps of a kind make its estimate. */
const HISTORY_STEPS = 10;
const HISTORY_PREPARATIONS = 3;

export interface PlanInput {
  /** The scenarios that apply to the workspace, in catalogue order. */
  scenarios: readonly Scenario[];
  runtimes: readonly RuntimeId[];
  warmup: number;
  /** `--runs N`: exactly this many samples; null: chosen within `budgetMs`. */
  runs: number | null;
  budgetMs: number;
  /** The most samples per result (`--max-runs`). */
  maxRuns: number;
  /** A planned run: the fewest samples per result (`--min-runs`), above the floors a verdict or a start needs. */
  minRuns?: number;
  /** The CI half-width (fraction of the median) at which a result needs no more samples. */
  targetHalfWidth: number;
  /** recentStepTimes: this workspace on this machine, newest first. */
  history: readonly StepTime[];
  /** recentBookkeeping: per measured result, the time past runs spent between steps. */
  bookkeepingPerResult?: readonly number[];
  /** What each runtime's preparation will build or download (Runtime.plannedWork). */
  work?: Partial<Record<RuntimeId, string[]>>;
}

/**
 * Warmups a scenario gets: a check none; a warm start always one, else its first sample would fill
 * the caches. A scenario that resets its own state before every sample (a cold start, a clean
 * build) none: its warmup would be one more such sample, thrown away. What it could still warm,
 * the page cache of the files it reads, the runtime's preparation and the scenarios before it have
 * warmed already; measured here, each runtime's warmup of both lay within its measured samples'
 * range (docs/methodology.md).
 */
export function warmupsOf(scenario: Scenario, warmup: number): number {
  if (scenario.kind === 'check' || resetsBeforeEachSample(scenario)) return 0;
  return scenario.kind === 'startup' && scenario.temperature === 'warm' ? Math.max(1, warmup) : warmup;
}

/** Whether every sample starts from a state the scenario sets itself: a cold start, a clean build. */
export function resetsBeforeEachSample(scenario: Scenario): boolean {
  return (scenario.kind === 'startup' && scenario.temperature === 'cold') || (scenario.kind === 'command' && scenario.prepare?.kind === 'clean-build-cache');
}

/**
 * First guesses, in ms on a 2-core machine with the embedded sample: what a step and a
 * preparation cost before this machine has any history. Runtimes other than native take longer.
 */
const FIRST_GUESS_STEP_MS: Record<string, number> = {
  'startup-cold': 30_000,
  'startup-warm': 6_000,
  'build-clean': 8_000,
  'build-incremental': 2_000,
  test: 5_000,
  'test-race': 12_000,
  vet: 3_000,
  'gopls-load': 3_000,
  'debug-breakpoint': 6_000,
  'file-sync': 3_000,
  'remote-sync': 3_000,
  'mount-build': 8_000,
  'modcache-isolation': 15_000,
  'offline-readiness': 10_000,
  consistency: 5_000,
  'reproducible-build': 15_000,
};
const FIRST_GUESS_RUNTIME_FACTOR: Record<string, number> = { native: 1, docker: 1.3, dind: 1.6, nix: 1.3, devbox: 1.5 };
const FIRST_GUESS_PREPARATION_MS: Record<string, number> = { native: 1_000, docker: 60_000, dind: 120_000, nix: 90_000, devbox: 120_000 };

interface Estimate {
  ms: number;
  source: EstimateSource;
}

/** The estimates of one run's steps, from the history or first guesses. */
class StepEstimates {
  constructor(private readonly history: readonly StepTime[]) {}

  private newest(runtime: RuntimeId, scenario: string | null, step: StepTime['step'], count: number): number[] {
    const values: number[] = [];
    for (const time of this.history) {
      if (time.runtime !== runtime || time.scenario !== scenario || time.step !== step || time.failed) continue;
      values.push(time.ms);
      if (values.length === count) break;
    }
    return values;
  }

  preparation(runtime: RuntimeId): Estimate {
    const values = this.newest(runtime, null, 'preparation', HISTORY_PREPARATIONS);
    if (values.length > 0) return { ms: median(values), source: 'history' };
    return { ms: FIRST_GUESS_PREPARATION_MS[runtime] ?? 60_000, source: 'first guess' };
  }

  step(runtime: RuntimeId, scenario: Scenario, step: 'sample' | 'warmup' | 'check'): Estimate {
    const values = this.newest(runtime, scenario.id, step, HISTORY_STEPS);
    if (values.length > 0) return { ms: median(values), source: 'history' };
    // A warmup with no history of its own costs what a sample does, and the other way round.
    const other = step === 'sample' ? 'warmup' : step === 'warmup' ? 'sample' : null;
    const fallback = other ? this.newest(runtime, scenario.id, other, HISTORY_STEPS) : [];
    if (fallback.length > 0) return { ms: median(fallback), source: 'history' };
    const base = FIRST_GUESS_STEP_MS[scenario.id] ?? 10_000;
    return { ms: base * (FIRST_GUESS_RUNTIME_FACTOR[runtime] ?? 1.5), source: 'first guess' };
  }

  /** The largest relative spread (1.4826 MAD / median) of the scenario's samples on any runtime, or null without history. */
  spread(runtimes: readonly RuntimeId[], scenario: Scenario): number | null {
    let widest: number | null = null;
    for (const runtime of runtimes) {
      const values = this.newest(runtime, scenario.id, 'sample', 30);
      if (values.length < 3) continue;
      const middle = median(values);
      if (middle <= 0) continue;
      const mad = median(values.map((v) => Math.abs(v - middle)));
      const relative = (1.4826 * mad) / middle;
      widest = widest === null ? relative : Math.max(widest, relative);
    }
    return widest;
  }
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The predicted 95% CI half-width of the median after n samples, as a fraction of it. */
function predictedHalfWidth(spread: number, n: number): number {
  return (HALF_WIDTH_PER_SPREAD * spread) / Math.sqrt(n);
}

interface Draft extends PlannedScenario {
  /** Sampled within the budget (not a check, not fixed by --runs). */
  budgeted: boolean;
  spread: number | null;
  /** One round: one measured sample on every runtime. */
  roundMs: number;
}

export function planRun(input: PlanInput): RunPlan {
  const estimates = new StepEstimates(input.history);
  const notes: string[] = [];
  const drafts: Draft[] = input.scenarios.map((scenario) => draftScenario(scenario, input, estimates));
  const runtimes = input.runtimes.map((runtime) => {
    const preparation = estimates.preparation(runtime);
    return { runtime, preparationMs: preparation.ms, preparationSource: preparation.source, work: input.work?.[runtime] ?? [] };
  });
  const perResult = input.bookkeepingPerResult && input.bookkeepingPerResult.length > 0 ? median([...input.bookkeepingPerResult]) : FIRST_GUESS_BOOKKEEPING_PER_RESULT_MS;
  const bookkeepingMs = perResult * drafts.length * input.runtimes.length;
  const fixedMs = bookkeepingMs + runtimes.reduce((sum, r) => sum + r.preparationMs, 0) + drafts.reduce((sum, d) => sum + warmupAndCheckMs(d, input.runtimes), 0);
  const totalOf = (): number => fixedMs + drafts.reduce((sum, d) => sum + d.samples * d.roundMs, 0);
  const budgetMs = input.runs === null ? input.budgetMs : null;

  if (budgetMs !== null) {
    const fillMs = budgetMs * (1 - BUDGET_MARGIN);
    if (totalOf() > fillMs) {
      const startupFloor = Math.max(STARTUP_FLOOR, input.minRuns ?? 0);
      for (const draft of drafts.filter((d) => d.budgeted && isStartup(d, input.scenarios) && d.samples > startupFloor)) {
        draft.samples = draft.minSamples = startupFloor;
        draft.reason = `${STARTUP_FLOOR} samples, the fewest for a start: the budget does not hold ${VERDICT_SAMPLES} (fewer than ${VERDICT_SAMPLES} a side never make a significant difference)`;
      }
    }
    const floorMs = totalOf();
    if (floorMs > budgetMs) {
      notes.push(
        `The fewest samples that give verdicts take about ${formatMs(floorMs)}, more than the budget of ${formatMs(budgetMs)}: the run will take that long. ` +
          `Raise the budget to ${Math.ceil(floorMs / 60_000)}m (--budget ${Math.ceil(floorMs / 60_000)}m), or measure fewer scenarios or runtimes, or fix the samples (--runs).`,
      );
    }
    spendBudget(drafts, fillMs - floorMs, input);
  }

  const scenarios: PlannedScenario[] = drafts.map(({ budgeted: _budgeted, spread: _spread, roundMs, ...planned }) => ({
    ...planned,
    totalMs: warmupAndCheckMs(planned, input.runtimes) + planned.samples * roundMs,
  }));
  const plannedRuntimes: PlannedRuntime[] = runtimes.map((r) => ({
    ...r,
    totalMs:
      r.preparationMs +
      scenarios.reduce((sum, s) => sum + s.warmups * (s.warmupMs[r.runtime] ?? 0) + s.samples * (s.stepMs[r.runtime] ?? 0), 0),
  }));
  const guesses = [...plannedRuntimes.filter((r) => r.preparationSource === 'first guess').map((r) => `${r.runtime} preparation`), ...scenarios.filter((s) => s.source === 'first guess').map((s) => s.scenario)];
  if (guesses.length > 0) {
    notes.push(`First guesses (no run of this workspace on this machine measured them yet): ${guesses.join(', ')}. The next plan uses this run's times.`);
  }
  return { budgetMs, totalMs: bookkeepingMs + plannedRuntimes.reduce((sum, r) => sum + r.totalMs, 0), bookkeepingMs, runtimes: plannedRuntimes, scenarios, notes };
}

function isStartup(draft: PlannedScenario, scenarios: readonly Scenario[]): boolean {
  return scenarios.find((s) => s.id === draft.scenario)?.kind === 'startup';
}

/** The warmups of every runtime (a check's one step is its one sample). */
function warmupAndCheckMs(draft: Pick<PlannedScenario, 'warmups' | 'warmupMs'>, runtimes: readonly RuntimeId[]): number {
  return draft.warmups * runtimes.reduce((sum, r) => sum + (draft.warmupMs[r] ?? 0), 0);
}

function draftScenario(scenario: Scenario, input: PlanInput, estimates: StepEstimates): Draft {
  const check = scenario.kind === 'check';
  const warmups = warmupsOf(scenario, input.warmup);
  const stepMs: Partial<Record<RuntimeId, number>> = {};
  const warmupMs: Partial<Record<RuntimeId, number>> = {};
  const guessed: RuntimeId[] = [];
  for (const runtime of input.runtimes) {
    const step = estimates.step(runtime, scenario, check ? 'check' : 'sample');
    stepMs[runtime] = step.ms;
    if (step.source === 'first guess') guessed.push(runtime);
    if (warmups > 0) warmupMs[runtime] = estimates.step(runtime, scenario, 'warmup').ms;
  }
  const roundMs = input.runtimes.reduce((sum, r) => sum + (stepMs[r] ?? 0), 0);
  const spread = check ? null : estimates.spread(input.runtimes, scenario);
  const source: EstimateSource = guessed.length > 0 ? 'first guess' : 'history';
  const common = { scenario: scenario.id, warmups, stepMs, warmupMs, source, guessed, totalMs: 0, spread, roundMs, budgeted: false };
  if (check) return { ...common, samples: 1, minSamples: 1, reason: 'a check runs once per runtime' };
  if (input.runs !== null) return { ...common, samples: input.runs, minSamples: input.runs, reason: `--runs ${input.runs}` };
  const floor = Math.min(Math.max(VERDICT_SAMPLES, input.minRuns ?? 0), input.maxRuns);
  return { ...common, budgeted: true, samples: floor, minSamples: floor, reason: '' };
}

/**
 * Adds rounds to the sampled scenarios while the budget has room: each time to the scenario whose
 * next round narrows its median's predicted CI the most per second, until its CI is predicted
 * within the target or it reaches the cap. Then writes each scenario's reason.
 */
function spendBudget(drafts: Draft[], leftMs: number, input: PlanInput): void {
  const sampled = drafts.filter((d) => d.budgeted);
  const spreadOf = (d: Draft): number => d.spread ?? ASSUMED_SPREAD;
  const wantsMore = (d: Draft): boolean => d.samples < input.maxRuns && predictedHalfWidth(spreadOf(d), d.samples) > input.targetHalfWidth;
  for (;;) {
    let best: Draft | null = null;
    let bestGain = 0;
    for (const draft of sampled) {
      if (!wantsMore(draft)) continue;
      if (draft.roundMs > leftMs) continue;
      const gain = (predictedHalfWidth(spreadOf(draft), draft.samples) - predictedHalfWidth(spreadOf(draft), draft.samples + 1)) / Math.max(draft.roundMs, 1);
      if (gain > bestGain) [best, bestGain] = [draft, gain];
    }
    if (!best) break;
    best.samples++;
    leftMs -= best.roundMs;
  }
  for (const draft of sampled) {
    const spread = draft.spread === null ? `spread unknown, assumed ${percent(ASSUMED_SPREAD)}` : `spread ${percent(draft.spread)} here`;
    const predicted = `a predicted CI of ±${percent(predictedHalfWidth(spreadOf(draft), draft.samples))}`;
    if (draft.reason !== '') draft.reason += `; ${predicted}`;
    else if (draft.samples >= input.maxRuns) draft.reason = `${draft.samples} samples, the cap (--max-runs): ${predicted} (${spread})`;
    else if (!wantsMore(draft)) draft.reason = `${draft.samples} samples: ${predicted}, within the ±${percent(input.targetHalfWidth)} target (${spread})`;
    else if (draft.samples === draft.minSamples) draft.reason = `${draft.samples} samples, the fewest for a verdict: the budget has no room for more (${predicted}, ${spread})`;
    else draft.reason = `${draft.samples} samples: its share of the budget (${predicted}, ${spread})`;
  }
}

/** The time the run still needs for its fewest samples from scenario `from` on: what the budget must keep for them. */
export function floorMsFrom(plan: RunPlan, from: number): number {
  let ms = 0;
  for (const scenario of plan.scenarios.slice(from)) {
    for (const runtime of plan.runtimes) {
      ms += scenario.warmups * (scenario.warmupMs[runtime.runtime] ?? 0) + scenario.minSamples * (scenario.stepMs[runtime.runtime] ?? 0);
    }
  }
  return ms;
}

/** The bookkeeping still to come after scenario `from` starts (the run's cleanup included): what the budget must keep for it besides the samples. */
export function tailMs(plan: RunPlan, from: number): number {
  if (plan.scenarios.length === 0) return 0;
  return (plan.bookkeepingMs * Math.max(0, plan.scenarios.length - from)) / plan.scenarios.length;
}
