import fs from 'node:fs/promises';
import type { MachineFingerprint, PlannedScenario, RunPlan, RunProgress, RuntimeHealth, RuntimeId } from '../../shared/run';
import { scratchDir, trashDir } from '../data-paths';
import { DeferredRemovals } from '../measure/deferred-removal';
import type { Runtime, RuntimeSession } from '../environments/runtime';
import type { RunStore } from '../history/run-store';
import { newRunId, resultKey } from '../history/run-store';
import type { Scenario } from '../scenarios/catalog';
import { notApplicableReason } from '../scenarios/catalog';
import { describeError } from '../user-error';
import { budgetReason, capReason, convergedReason } from './adaptive-stop';
import { floorMsFrom, planRun, tailMs } from './run-plan';
import type { RunHooks, RunRequest } from './run-request';
import type { ActiveResult, StepContext } from './sample-step';
import { measureStep, recordInputs } from './sample-step';
import { scenarioTargetFacts } from './scenario-targets';
import { userCommandFacts } from '../scenarios/user-command';
import { createScratchCopy, pickEditTarget } from './scratch-workspace';
import { StepCounter } from './step-counter';

export type { RunHooks, RunRequest } from './run-request';
export { firstRunCommand } from './sample-step';


export interface SchedulerDeps {
  store: RunStore;
  runtimes: readonly Runtime[];
  dataDir: string;
  resourcesDir: string;
  machine: MachineFingerprint;
  envbench: { version: string; commit: string | null };
  cacheDir: string;
}

/**
 * Runs every scenario on every runtime: warmups then measured samples, with runtimes
 * interleaved inside each round, each round starting one runtime later (A B C, B C A, C A B, ...)
 * so slow drift of the machine spreads evenly and no runtime always runs first or last in a round.
 * Each sample is stored the moment it is measured. Returns the run's id.
 */
export async function executeRun(deps: SchedulerDeps, given: RunRequest, hooks: RunHooks = {}): Promise<string> {
  return new RunExecution(deps, given, hooks).execute();
}

/** One run from start to end: its record, the runtimes' sessions, the scenarios in order. */
class RunExecution {
  private readonly runId = newRunId();
  /** Scenarios see the main package the user named as the workspace's only one; the run records the workspace as it is. */
  private readonly request: RunRequest;
  private readonly byId: Map<RuntimeId, Runtime>;
  private readonly log: (line: string) => void;
  private readonly sessions = new Map<RuntimeId, RuntimeSession>();
  private readonly step: StepContext;
  /** When the run was asked for (before detection), on performance.now()'s clock: the run's budget counts from here. */
  private readonly started: number;
  private readonly plan: RunPlan;
  private resultIds = new Map<string, number>();
  private scratch: string | null = null;
  /** What sessions delete between samples, freed after the last one (deferred-removal.ts). */
  private readonly removals: DeferredRemovals;
  private anyFailed = false;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly given: RunRequest,
    private readonly hooks: RunHooks,
  ) {
    this.request = given.main ? { ...given, workspace: { ...given.workspace, mainPackages: [given.main] } } : given;
    this.byId = new Map(deps.runtimes.map((r) => [r.id, r]));
    this.log = hooks.onLog ?? (() => {});
    this.step = { runId: this.runId, request: this.request, store: deps.store, hooks };
    this.removals = new DeferredRemovals(trashDir(deps.cacheDir), this.runId);
    this.started = performance.now() - (given.requestedAt !== undefined ? Math.max(0, Date.now() - given.requestedAt) : 0);
    // Without a plan (a caller that built its own request), every scenario gets `runs` samples.
    this.plan =
      given.plan ??
      planRun({ scenarios: given.scenarios, runtimes: given.runtimes, warmup: given.warmup, runs: given.runs, budgetMs: 0, maxRuns: given.runs, targetHalfWidth: 0, history: [] });
  }

  private get aborted(): boolean {
    return this.hooks.signal?.aborted ?? false;
  }

  async execute(): Promise<string> {
    const { store } = this.deps;
    const healths = new Map<RuntimeId, RuntimeHealth>(await Promise.all(this.request.runtimes.map(async (id) => [id, await this.byId.get(id)!.detect()] as const)));
    this.createRecord();
    this.hooks.onStarted?.(this.runId);
    const applicable = this.markNotApplicable();
    try {
      if (applicable.some((s) => (s.kind === 'command' || s.kind === 'probe') && s.mutatesWorkspace)) {
        this.scratch = await createScratchCopy(this.given.workspace, scratchDir(this.deps.cacheDir, this.runId));
      }
      await this.prepareRuntimes(applicable, healths);
      const counter = new StepCounter(
        applicable.map((s) => this.stepsOf(s)),
        this.sessions.size,
        applicable.map((s) => plannedStepMs(this.planned(s), [...this.sessions.keys()])),
        applicable.map((s) => s.id),
      );
      for (const [index, scenario] of applicable.entries()) {
        if (this.aborted) break;
        await this.runScenario(scenario, index, counter);
      }
      const status = this.aborted ? 'cancelled' : this.anyFailed ? 'failed' : 'completed';
      store.finishRun(this.runId, status, status === 'cancelled' ? 'cancelled by the user' : status === 'failed' ? 'some measurements failed' : null);
      return this.runId;
    } catch (error) {
      store.finishRun(this.runId, 'failed', describeError(error));
      throw error;
    } finally {
      for (const session of this.sessions.values()) {
        await session.dispose().catch((error: unknown) => this.log(`could not clean up ${session.runtime}: ${describeError(error)}`));
      }
      await this.removals.drain();
      if (this.scratch) await fs.rm(this.scratch, { recursive: true, force: true }).catch(() => {});
      try {
        store.endCleanup(this.runId);
      } catch (error) {
        this.log(`could not record when the run's cleanup ended: ${describeError(error)}`);
      }
    }
  }

  private createRecord(): void {
    const { store } = this.deps;
    const request = this.request;
    this.resultIds = store.createRun({
      id: this.runId,
      ...(this.given.requestedAt !== undefined ? { startedAt: new Date(this.given.requestedAt).toISOString() } : {}),
      workspace: this.given.workspace,
      machine: this.deps.machine,
      envbench: this.deps.envbench,
      options: {
        runtimes: request.runtimes,
        scenarios: request.scenarios.map((s) => s.id),
        runs: request.runs,
        ...(request.adaptive ? { adaptive: request.adaptive } : {}),
        warmup: request.warmup,
        offline: request.offline,
        timeoutMs: request.timeoutMs,
      },
    });
    this.deps.store.setPlan(this.runId, this.plan);
    const targets = { ...scenarioTargetFacts(this.given.main, this.given.testArgs, this.given.ignoreFailure), ...userCommandFacts(this.given.scenarios) };
    if (Object.keys(targets).length > 0) store.setRunFacts(this.runId, targets);
  }

  private resultIdOf(runtime: RuntimeId, scenario: string): number {
    return this.resultIds.get(resultKey(runtime, scenario))!;
  }

  /**
   * Decided once per scenario, before any runtime is prepared: a library has no main package to
   * debug or build, in every environment alike. Such results are never failures and never
   * sampled. Returns the scenarios that apply.
   */
  private markNotApplicable(): Scenario[] {
    const applicable: Scenario[] = [];
    for (const scenario of this.request.scenarios) {
      const reason = notApplicableReason(scenario, this.request.workspace, this.request.host);
      if (reason === null) {
        applicable.push(scenario);
        continue;
      }
      for (const runtime of this.request.runtimes) this.deps.store.finishResult(this.resultIdOf(runtime, scenario.id), 'not-applicable', reason);
      this.log(`${scenario.id}: not applicable: ${reason}`);
    }
    return applicable;
  }

  private failAll(runtime: RuntimeId, scenarios: readonly Scenario[], reason: string): void {
    for (const scenario of scenarios) this.deps.store.finishResult(this.resultIdOf(runtime, scenario.id), 'failed', reason);
    this.anyFailed = true;
  }

  /** Prepares each runtime in turn; one that cannot be used fails its results with one reason, not the run. */
  private async prepareRuntimes(applicable: readonly Scenario[], healths: ReadonlyMap<RuntimeId, RuntimeHealth>): Promise<void> {
    for (const runtime of this.request.runtimes) {
      const health = healths.get(runtime)!;
      // A definition that breaks its own check fails its runtime, not the run.
      let definitionProblem: string | null;
      try {
        definitionProblem = this.byId.get(runtime)!.checkWorkspace?.(this.given.workspace) ?? null;
      } catch (error) {
        definitionProblem = `the workspace's definition for ${runtime} cannot be checked: ${describeError(error)}`;
      }
      if (definitionProblem) {
        this.failAll(runtime, applicable, definitionProblem);
        continue;
      }
      if (!health.available) {
        this.failAll(runtime, applicable, `${runtime} is unavailable: ${health.reason}`);
        continue;
      }
      const preparationStart = performance.now();
      const timePreparation = (failed: boolean): void =>
        this.deps.store.addStepTime(this.runId, { runtime, scenario: null, step: 'preparation', ms: performance.now() - preparationStart, failed });
      try {
        this.log(`preparing ${runtime}`);
        const session = await this.byId.get(runtime)!.prepare({
          workspace: this.given.workspace,
          dataDir: this.deps.dataDir,
          resourcesDir: this.deps.resourcesDir,
          offline: this.request.offline,
          nixEntry: this.request.nixEntry,
          cacheDir: this.deps.cacheDir,
          runId: this.runId,
          scratchPath: this.scratch,
          removals: this.removals,
          signal: this.hooks.signal,
          log: this.log,
        });
        // Measured only once it could say what it is (facts() realises the environment): a runtime
        // that cannot, fails here with one reason, not again in every scenario.
        try {
          this.deps.store.setFacts(this.runId, runtime, await session.facts());
        } catch (error) {
          await session.dispose().catch(() => {});
          throw error;
        }
        this.sessions.set(runtime, session);
        timePreparation(false);
      } catch (error) {
        if (!this.aborted) timePreparation(true);
        if (this.aborted) {
          for (const scenario of applicable) this.deps.store.finishResult(this.resultIdOf(runtime, scenario.id), 'cancelled', `cancelled by the user while ${runtime} was being prepared`);
          break;
        }
        this.failAll(runtime, applicable, `could not prepare ${runtime}: ${describeError(error)}`);
      }
    }
  }

  /** The plan's entry for a scenario: its warmups, samples and the fewest before the budget may stop it. */
  private planned(scenario: Scenario): PlannedScenario {
    return this.plan.scenarios.find((p) => p.scenario === scenario.id)!;
  }

  private stepsOf(scenario: Scenario): number {
    const planned = this.planned(scenario);
    return planned.warmups + planned.samples;
  }

  /** Whether the run's clock has passed its budget, keeping the fewest samples of the scenarios after this one. */
  private overBudget(scenario: Scenario): boolean {
    const budgetMs = this.plan.budgetMs;
    if (budgetMs === null) return false;
    const index = this.plan.scenarios.findIndex((p) => p.scenario === scenario.id);
    return performance.now() - this.started + floorMsFrom(this.plan, index + 1) + tailMs(this.plan, index + 1) > budgetMs;
  }

  /** One scenario in every prepared runtime, round by round, runtimes interleaved within a round (inRoundOrder). */
  private async runScenario(scenario: Scenario, scenarioIndex: number, counter: StepCounter): Promise<void> {
    const { store } = this.deps;
    let cwd = this.request.workspace.path;
    let editTarget: string | null = null;
    if ((scenario.kind === 'command' || scenario.kind === 'probe') && scenario.mutatesWorkspace && this.scratch) {
      cwd = this.scratch;
      if (scenario.kind === 'command' && scenario.prepare?.kind === 'edit-source-file') editTarget = await pickEditTarget(this.scratch, this.request.workspace.mainPackages);
    }
    const active: ActiveResult[] = [...this.sessions].map(([runtime, session]) => ({ runtime, session, resultId: this.resultIdOf(runtime, scenario.id), seq: 0, failed: false, walls: [], done: false }));
    const adaptive = scenario.kind === 'check' ? undefined : this.request.adaptive;
    const check = scenario.kind === 'check';
    const sampled = scenario.kind === 'command' || scenario.kind === 'probe';
    const planned = this.planned(scenario);
    const warmups = planned.warmups;
    const steps = planned.warmups + planned.samples;

    for (let round = 0; round < steps && !this.aborted; round++) {
      const warmup = !check && round < warmups;
      for (const entry of inRoundOrder(active, round)) {
        if (this.aborted) break;
        if (entry.failed || entry.done) {
          counter.step(scenario.id, null);
          continue;
        }
        // What the environment gives the measured samples, read once before the first of them
        // (or after a warmup that failed, so a failure still says what it ran with).
        if (sampled && round === warmups) await recordInputs(entry, scenario, cwd, this.step);
        this.hooks.onStepStart?.({ runtime: entry.runtime, scenario: scenario.id, ...sampleIndex(check, warmup, round, warmups, planned.samples) });
        const stepStart = performance.now();
        const failure = await measureStep(entry, scenario, { cwd, editTarget, round, warmup }, this.step);
        const duration = performance.now() - stepStart;
        if (failure === 'cancelled') break;
        store.addStepTime(this.runId, { runtime: entry.runtime, scenario: scenario.id, step: check ? 'check' : warmup ? 'warmup' : 'sample', ms: duration, failed: failure !== null });
        if (failure) {
          if (sampled && round < warmups) await recordInputs(entry, scenario, cwd, this.step);
          entry.failed = true;
          this.anyFailed = true;
          store.finishResult(entry.resultId, 'failed', failure);
          this.log(`${entry.runtime} ${scenario.id}: ${failure}`);
        }
        counter.step(scenario.id, failure ? null : duration);
        this.hooks.onProgress?.({
          runId: this.runId,
          runtime: entry.runtime,
          scenario: scenario.id,
          ...sampleIndex(check, warmup, round, warmups, planned.samples),
          completedSteps: counter.completedSteps,
          totalSteps: counter.totalSteps,
          etaMs: counter.etaMs(scenarioIndex, scenario.id),
        });
      }
      if (adaptive && !warmup) {
        const overBudget = round - warmups + 1 >= planned.minSamples && this.overBudget(scenario);
        for (const entry of active.filter((e) => !e.failed && !e.done)) {
          // Never before the plan's fewest (--min-runs can raise them above what a CI needs).
          const converged = entry.walls.length >= planned.minSamples ? convergedReason(entry.walls, adaptive.targetHalfWidth) : null;
          const reason = converged ?? (overBudget ? budgetReason(entry.walls, adaptive) : null);
          if (reason) {
            entry.done = true;
            store.setStopReason(entry.resultId, reason);
          }
        }
        if (active.every((e) => e.failed || e.done)) {
          // The steps this scenario will not take no longer count towards the ETA.
          counter.skip((steps - round - 1) * active.length);
          break;
        }
      }
    }
    if (adaptive) {
      for (const entry of active.filter((e) => !e.failed && !e.done)) store.setStopReason(entry.resultId, capReason(entry.walls, planned, adaptive));
    }
    if (!this.aborted) {
      for (const entry of active) if (!entry.failed) store.finishResult(entry.resultId, 'completed');
    }
  }
}

/** The plan's mean time of one of the scenario's steps on these runtimes (0: the plan has no estimate). */
function plannedStepMs(planned: PlannedScenario, runtimes: readonly RuntimeId[]): number {
  const steps = (planned.warmups + planned.samples) * runtimes.length;
  if (steps === 0) return 0;
  return runtimes.reduce((sum, r) => sum + planned.warmups * (planned.warmupMs[r] ?? 0) + planned.samples * (planned.stepMs[r] ?? 0), 0) / steps;
}

/** Which warmup or sample a round is, and of how many: a check is one step. */
function sampleIndex(check: boolean, warmup: boolean, round: number, warmups: number, runs: number): Pick<RunProgress, 'phase' | 'sample' | 'of'> {
  return { phase: warmup ? 'warmup' : 'measure', sample: check ? 1 : warmup ? round + 1 : round - warmups + 1, of: check ? 1 : warmup ? warmups : runs };
}

/**
 * The order of a round: the runtimes rotated by the round's number (A B C, B C A, C A B, ...).
 * With a fixed order the first runtime always ran right after the last one's sample and the
 * scheduler's bookkeeping, and the last right after another environment's: a position each
 * always had, and so a difference EnvBench caused. Rotated, every runtime takes every place alike.
 */
export function inRoundOrder<T>(entries: readonly T[], round: number): T[] {
  if (entries.length === 0) return [];
  const start = round % entries.length;
  return [...entries.slice(start), ...entries.slice(0, start)];
}
