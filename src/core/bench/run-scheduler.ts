import fs from 'node:fs/promises';
import type { FactValue, MachineFingerprint, NixEntry, RunProgress, RuntimeHealth, RuntimeId, WorkspaceInfo } from '../../shared/run';
import { scratchDir } from '../data-paths';
import type { NewSample, RunStore } from '../history/run-store';
import { newRunId, resultKey } from '../history/run-store';
import { sampleFailure } from '../measure/command-failure';
import { buildGoimportsIndexCommand } from '../scenarios/goimports-index';
import type { ExecOutcome, Runtime, RuntimeSession } from '../environments/runtime';
import type { CheckScenario, ProbeScenario, Scenario } from '../scenarios/catalog';
import { notApplicableReason } from '../scenarios/catalog';
import type { CheckContext } from '../scenarios/check';
import { readEnvironmentInputs } from '../scenarios/environment-inputs';
import type { ProbeContext } from '../scenarios/probe';
import { describeError } from '../user-error';
import type { AdaptiveSampling } from './adaptive-stop';
import { capReason, convergedReason } from './adaptive-stop';
import { defaultFirstRun, firstRunFact } from './first-run';
import { scenarioTargetFacts } from './scenario-targets';
import { createScratchCopy, editSourceFile, pickEditTarget } from './scratch-workspace';

export const DEFAULT_RUNS = 10;
export const DEFAULT_WARMUP = 1;
export const DEFAULT_SAMPLE_TIMEOUT_MS = 10 * 60_000;

export interface RunRequest {
  workspace: WorkspaceInfo;
  runtimes: RuntimeId[];
  scenarios: Scenario[];
  runs: number;
  warmup: number;
  offline: boolean;
  nixEntry?: NixEntry;
  timeoutMs: number;
  /** `--runs auto`: `runs` is then the cap, and each result stops once its median is known closely enough. */
  adaptive?: AdaptiveSampling;
  /** `--first-run`: the command that ends each start; default: the first build of the main packages (defaultFirstRun). */
  firstRun?: readonly string[];
  /** `--main ./cmd/x` (checked: checkMainPackage): the one main package for the scenarios that need one and for the default first run. */
  main?: string;
  /** `--test-args`: words added to the test and test-race commands (parseTestArgs). */
  testArgs?: readonly string[];
}

export interface RunHooks {
  signal?: AbortSignal;
  onStarted?: (runId: string) => void;
  onProgress?: (progress: RunProgress) => void;
  onOutput?: (runtime: RuntimeId, stream: 'stdout' | 'stderr', text: string) => void;
  onLog?: (line: string) => void;
}

export interface SchedulerDeps {
  store: RunStore;
  runtimes: readonly Runtime[];
  dataDir: string;
  resourcesDir: string;
  machine: MachineFingerprint;
  envbench: { version: string; commit: string | null };
  cacheDir: string;
}

interface ActiveResult {
  runtime: RuntimeId;
  session: RuntimeSession;
  resultId: number;
  seq: number;
  failed: boolean;
  /** Measured (non-warmup) wall times so far, for adaptive sampling. */
  walls: number[];
  /** Adaptive sampling ended this result early (converged, or the time budget). */
  done: boolean;
}

/**
 * Runs every scenario on every runtime: warmups then measured samples, with runtimes
 * interleaved inside each round (A B C A B C ...) so slow drift of the machine spreads evenly.
 * Each sample is stored the moment it is measured.
 */
export async function executeRun(deps: SchedulerDeps, given: RunRequest, hooks: RunHooks = {}): Promise<string> {
  const runId = newRunId();
  // Scenarios see the main package the user named as the workspace's only one; the run records the workspace as it is.
  const request = withNamedMain(given);
  const log = hooks.onLog ?? (() => {});
  const byId = new Map(deps.runtimes.map((r) => [r.id, r]));
  const healths = new Map<RuntimeId, RuntimeHealth>(
    await Promise.all(request.runtimes.map(async (id) => [id, await byId.get(id)!.detect()] as const)),
  );

  const resultIds = deps.store.createRun({
    id: runId,
    workspace: given.workspace,
    machine: deps.machine,
    envbench: deps.envbench,
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
  const targets = scenarioTargetFacts(given.main, given.testArgs);
  if (Object.keys(targets).length > 0) deps.store.setRunFacts(runId, targets);
  hooks.onStarted?.(runId);
  const resultIdOf = (runtime: RuntimeId, scenario: string): number => resultIds.get(resultKey(runtime, scenario))!;
  // Decided once per scenario, before any runtime is prepared: a library has no main package to
  // debug or build, in every environment alike. Such results are never failures and never sampled.
  const notApplicable = new Map(request.scenarios.map((s) => [s.id, notApplicableReason(s, request.workspace)] as const).filter((e): e is [string, string] => e[1] !== null));
  for (const [scenario, reason] of notApplicable) {
    for (const runtime of request.runtimes) deps.store.finishResult(resultIdOf(runtime, scenario), 'not-applicable', reason);
    log(`${scenario}: not applicable: ${reason}`);
  }
  const applicable = request.scenarios.filter((s) => !notApplicable.has(s.id));
  const failAll = (runtime: RuntimeId, reason: string): void => {
    for (const scenario of applicable) deps.store.finishResult(resultIdOf(runtime, scenario.id), 'failed', reason);
  };

  const sessions = new Map<RuntimeId, RuntimeSession>();
  let scratch: string | null = null;
  let anyFailed = false;
  try {
    if (applicable.some((s) => (s.kind === 'command' || s.kind === 'probe') && s.mutatesWorkspace)) {
      scratch = await createScratchCopy(given.workspace, scratchDir(deps.cacheDir, runId));
    }
    for (const runtime of request.runtimes) {
      const health = healths.get(runtime)!;
      // A definition that breaks its own check fails its runtime, not the run.
      let definitionProblem: string | null;
      try {
        definitionProblem = byId.get(runtime)!.checkWorkspace?.(given.workspace) ?? null;
      } catch (error) {
        definitionProblem = `the workspace's definition for ${runtime} cannot be checked: ${describeError(error)}`;
      }
      if (definitionProblem) {
        failAll(runtime, definitionProblem);
        anyFailed = true;
        continue;
      }
      if (!health.available) {
        failAll(runtime, `${runtime} is unavailable: ${health.reason}`);
        anyFailed = true;
        continue;
      }
      try {
        log(`preparing ${runtime}`);
        const session = await byId.get(runtime)!.prepare({
          workspace: given.workspace,
          dataDir: deps.dataDir,
          resourcesDir: deps.resourcesDir,
          offline: request.offline,
          nixEntry: request.nixEntry,
          cacheDir: deps.cacheDir,
          runId,
          scratchPath: scratch,
          signal: hooks.signal,
          log,
        });
        // Measured only once it could say what it is (facts() realises the environment): a runtime
        // that cannot, fails here with one reason, not again in every scenario.
        try {
          deps.store.setFacts(runId, runtime, await session.facts());
        } catch (error) {
          await session.dispose().catch(() => {});
          throw error;
        }
        sessions.set(runtime, session);
      } catch (error) {
        if (hooks.signal?.aborted) {
          for (const scenario of applicable) deps.store.finishResult(resultIdOf(runtime, scenario.id), 'cancelled', `cancelled by the user while ${runtime} was being prepared`);
          break;
        }
        failAll(runtime, `could not prepare ${runtime}: ${describeError(error)}`);
        anyFailed = true;
      }
    }

    // A check is measured once per runtime; everything else gets warmups and samples. A warm start
    // is always entered once, unmeasured, first: otherwise its first sample would fill the caches.
    const warmupsOf = (scenario: Scenario): number =>
      scenario.kind === 'check' ? 0 : scenario.kind === 'startup' && scenario.temperature === 'warm' ? Math.max(1, request.warmup) : request.warmup;
    const stepsOf = (scenario: Scenario): number => (scenario.kind === 'check' ? 1 : warmupsOf(scenario) + request.runs);
    const stepsFrom = (index: number): number => applicable.slice(index).reduce((sum, s) => sum + stepsOf(s), 0) * sessions.size;
    const totalSteps = stepsFrom(0);
    let completedSteps = 0;
    const stepDurations = new Map<string, number[]>();
    const allDurations: number[] = [];
    const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    // Steps of the current scenario at its own pace so far; later scenarios at the overall pace.
    const eta = (scenarioIndex: number, scenarioId: string): number | null => {
      if (allDurations.length === 0) return null;
      const current = stepDurations.get(scenarioId) ?? [];
      const laterSteps = stepsFrom(scenarioIndex + 1);
      const currentSteps = Math.max(0, totalSteps - completedSteps - laterSteps);
      return currentSteps * (current.length > 0 ? mean(current) : mean(allDurations)) + laterSteps * mean(allDurations);
    };

    for (const [scenarioIndex, scenario] of applicable.entries()) {
      if (hooks.signal?.aborted) break;
      let cwd = request.workspace.path;
      let editTarget: string | null = null;
      if ((scenario.kind === 'command' || scenario.kind === 'probe') && scenario.mutatesWorkspace && scratch) {
        cwd = scratch;
        if (scenario.kind === 'command' && scenario.prepare?.kind === 'edit-source-file') editTarget = await pickEditTarget(scratch, request.workspace.mainPackages);
      }
      const active: ActiveResult[] = [...sessions].map(([runtime, session]) => ({
        runtime,
        session,
        resultId: resultIdOf(runtime, scenario.id),
        seq: 0,
        failed: false,
        walls: [],
        done: false,
      }));
      const adaptive = scenario.kind === 'check' ? undefined : request.adaptive;
      const scenarioStarted = performance.now();

      const check = scenario.kind === 'check';
      const warmups = warmupsOf(scenario);
      for (let round = 0; round < stepsOf(scenario) && !hooks.signal?.aborted; round++) {
        const warmup = !check && round < warmups;
        for (const entry of active) {
          if (hooks.signal?.aborted) break;
          if (entry.failed || entry.done) {
            completedSteps++;
            continue;
          }
          // What the environment gives the measured samples, read once before the first of them
          // (or after a warmup that failed, so a failure still says what it ran with).
          const sampled = scenario.kind === 'command' || scenario.kind === 'probe';
          if (sampled && round === warmups) await recordInputs(entry, scenario, cwd, request.timeoutMs, deps.store, hooks.signal);
          const stepStart = performance.now();
          const failure = await measureOne(entry, scenario, cwd, editTarget, round, warmup, runId, request, deps.store, hooks);
          const duration = performance.now() - stepStart;
          if (failure === 'cancelled') break;
          if (failure) {
            if (sampled && round < warmups) await recordInputs(entry, scenario, cwd, request.timeoutMs, deps.store, hooks.signal);
            entry.failed = true;
            anyFailed = true;
            deps.store.finishResult(entry.resultId, 'failed', failure);
            log(`${entry.runtime} ${scenario.id}: ${failure}`);
          } else {
            stepDurations.set(scenario.id, [...(stepDurations.get(scenario.id) ?? []), duration]);
            allDurations.push(duration);
          }
          completedSteps++;
          hooks.onProgress?.({
            runId,
            runtime: entry.runtime,
            scenario: scenario.id,
            phase: warmup ? 'warmup' : 'measure',
            sample: check ? 1 : warmup ? round + 1 : round - warmups + 1,
            of: check ? 1 : warmup ? warmups : request.runs,
            completedSteps,
            totalSteps,
            etaMs: eta(scenarioIndex, scenario.id),
          });
        }
        if (adaptive && !warmup) {
          const overBudget = performance.now() - scenarioStarted > adaptive.budgetMs;
          for (const entry of active.filter((e) => !e.failed && !e.done)) {
            const reason = convergedReason(entry.walls, adaptive.targetHalfWidth) ?? (overBudget ? capReason(entry.walls, 'budget', adaptive) : null);
            if (reason) {
              entry.done = true;
              deps.store.setStopReason(entry.resultId, reason);
            }
          }
          if (active.every((e) => e.failed || e.done)) {
            // The steps this scenario will not take no longer count towards the ETA.
            completedSteps += (stepsOf(scenario) - round - 1) * active.length;
            break;
          }
        }
      }
      if (adaptive) {
        for (const entry of active.filter((e) => !e.failed && !e.done)) deps.store.setStopReason(entry.resultId, capReason(entry.walls, 'samples', adaptive));
      }
      if (!hooks.signal?.aborted) {
        for (const entry of active) if (!entry.failed) deps.store.finishResult(entry.resultId, 'completed');
      }
    }

    const status = hooks.signal?.aborted ? 'cancelled' : anyFailed ? 'failed' : 'completed';
    deps.store.finishRun(runId, status, status === 'cancelled' ? 'cancelled by the user' : status === 'failed' ? 'some measurements failed' : null);
    return runId;
  } catch (error) {
    deps.store.finishRun(runId, 'failed', describeError(error));
    throw error;
  } finally {
    for (const session of sessions.values()) {
      await session.dispose().catch((error: unknown) => log(`could not clean up ${session.runtime}: ${describeError(error)}`));
    }
    if (scratch) await fs.rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

/** The request as scenarios see it: with `--main`, the named package is the workspace's only main package. */
function withNamedMain(request: RunRequest): RunRequest {
  return request.main ? { ...request, workspace: { ...request.workspace, mainPackages: [request.main] } } : request;
}

/** The command that ends each start: the user's `--first-run`, else the first build of the main packages. */
export function firstRunCommand(request: Pick<RunRequest, 'workspace' | 'firstRun'>): readonly string[] {
  return request.firstRun ?? defaultFirstRun(request.workspace);
}

function toSample(outcome: ExecOutcome, warmup: boolean, overrides: Partial<NewSample> = {}): NewSample {
  const report = outcome.report!;
  return {
    wallMs: outcome.wallMs,
    innerWallMs: outcome.innerWallMs,
    userMs: report.userMs,
    sysMs: report.sysMs,
    maxRssKb: report.maxRssKb,
    readBytes: report.readBytes,
    writeBytes: report.writeBytes,
    blockReadBytes: report.blockReadBytes,
    blockWriteBytes: report.blockWriteBytes,
    // Without /proc io the helper prints zeros: absent, not a measured 0.
    ...(report.ioAvailable && report.readCalls !== undefined ? { readCalls: report.readCalls } : {}),
    ...(report.ioAvailable && report.writeCalls !== undefined ? { writeCalls: report.writeCalls } : {}),
    exitCode: outcome.exitCode,
    warmup,
    ...(outcome.cgroup ? { cgroup: outcome.cgroup } : {}),
    ...overrides,
  };
}

/** A scenario's facts under its own name (`consistency.env.GOVERSION`), beside the runtime's own facts. */
function prefixedFacts(scenarioId: string, facts: Record<string, FactValue>): Record<string, FactValue> {
  return Object.fromEntries(Object.entries(facts).map(([key, value]) => [`${scenarioId}.${key}`, value]));
}

/** A check, once: stores its sample, verdict and facts; returns why it failed, 'cancelled', or null. */
async function measureCheck(
  entry: ActiveResult,
  scenario: CheckScenario,
  context: Omit<CheckContext, 'session'>,
  store: RunStore,
): Promise<string | null> {
  const outcome = await scenario.check({ ...context, session: entry.session });
  if (outcome.failure) return outcome.failure;
  if (outcome.sample?.report) store.addSample(entry.resultId, entry.seq++, toSample(outcome.sample, false));
  if (outcome.verdict) store.setVerdict(entry.resultId, outcome.verdict);
  if (outcome.facts) store.setFacts(context.runId, entry.runtime, prefixedFacts(scenario.id, outcome.facts));
  return null;
}

/** One sample of a probe: its phases, and the resources of the tool it drove. Returns why it failed, 'cancelled', or null. */
async function measureProbe(entry: ActiveResult, scenario: ProbeScenario, warmup: boolean, runId: string, context: Omit<ProbeContext, 'session'>, store: RunStore): Promise<string | null> {
  const outcome = await scenario.probe({ ...context, session: entry.session });
  if (outcome.facts) store.setFacts(runId, entry.runtime, prefixedFacts(scenario.id, outcome.facts));
  if (outcome.failure) return outcome.failure;
  const phases = outcome.phases ?? [];
  const wallMs = phases.reduce((sum, p) => sum + p.ms, 0);
  store.addSample(entry.resultId, entry.seq++, toSample(outcome.measured!, warmup, { wallMs, phases: Object.fromEntries(phases.map((p) => [p.name, p.ms])) }));
  if (!warmup) entry.walls.push(wallMs);
  return null;
}

/** Prepares and measures one sample; returns why it failed, 'cancelled', or null. */
async function measureOne(
  entry: ActiveResult,
  scenario: Scenario,
  cwd: string,
  editTarget: string | null,
  round: number,
  warmup: boolean,
  runId: string,
  request: RunRequest,
  store: RunStore,
  hooks: RunHooks,
): Promise<string | null> {
  const execOptions = {
    timeoutMs: request.timeoutMs,
    signal: hooks.signal,
    onOutput: (stream: 'stdout' | 'stderr', text: string) => hooks.onOutput?.(entry.runtime, stream, text),
  };
  try {
    if (scenario.kind === 'check') return await measureCheck(entry, scenario, { workspace: request.workspace, cwd, runId, timeoutMs: request.timeoutMs, execOptions }, store);
    if (scenario.kind === 'probe') return await measureProbe(entry, scenario, warmup, runId, { workspace: request.workspace, cwd, timeoutMs: request.timeoutMs, execOptions }, store);
    if (scenario.kind === 'startup') {
      const firstRun = firstRunCommand(request);
      if (round === 0) store.setRunFacts(runId, firstRunFact(firstRun));
      const startup = await entry.session.startup(scenario.temperature, { ...execOptions, firstRun });
      // A start that failed before its first run failed at the toolchain check (readyThenFirstRun).
      const failed = startup.phases.at(-1)?.name === 'first-run' ? firstRun : ['go', 'version'];
      const failure = sampleFailure(failed, startup.firstRun, request.timeoutMs);
      if (failure === 'cancelled') return failure;
      // Any failure ends the result at once, so a command that cannot end costs one limit, not one per sample.
      const hint = startup.firstRun.timedOut && failed === firstRun ? '; a start ends when the first-run command exits: name one that ends with --first-run' : '';
      if (failure) return `${scenario.temperature} start failed: ${failure}${hint}`;
      const phases = Object.fromEntries(startup.phases.map((p) => [p.name, p.ms]));
      const wallMs = startup.phases.reduce((sum, p) => sum + p.ms, 0);
      store.addSample(entry.resultId, entry.seq++, toSample(startup.firstRun, warmup, { wallMs, phases }));
      if (!warmup) entry.walls.push(wallMs);
      return null;
    }
    if (round === 0 && scenario.beforeFirstSample === 'build-goimports-index') {
      const command = buildGoimportsIndexCommand(cwd, request.timeoutMs / 1000);
      const built = await entry.session.exec(command, execOptions);
      const failure = sampleFailure(['gopls', 'serve'], built, request.timeoutMs);
      if (failure) return failure === 'cancelled' ? failure : `preparing (building gopls's goimports index of the module cache) failed: ${failure}`;
    }
    if (scenario.prepare?.kind === 'clean-build-cache') {
      const clean = await entry.session.exec({ argv: ['go', 'clean', '-cache'], cwd }, execOptions);
      const failure = sampleFailure(['go', 'clean', '-cache'], clean, request.timeoutMs);
      if (failure) return failure === 'cancelled' ? failure : `preparing (cleaning the build cache) failed: ${failure}`;
    } else if (scenario.prepare?.kind === 'edit-source-file' && editTarget) {
      await editSourceFile(editTarget, round);
    }
    const argv = scenario.takesTestArgs && request.testArgs ? [...scenario.argv, ...request.testArgs] : scenario.argv;
    const outcome = await entry.session.exec({ argv, cwd }, execOptions);
    const failure = sampleFailure(argv, outcome, request.timeoutMs);
    if (failure) return failure;
    store.addSample(entry.resultId, entry.seq++, toSample(outcome, warmup));
    if (!warmup) entry.walls.push(outcome.wallMs);
    return null;
  } catch (error) {
    if (hooks.signal?.aborted) return 'cancelled';
    return describeError(error);
  }
}

/**
 * Records with the result what its measured samples get (docs/scenario-inputs.md): the user,
 * HOME, XDG_CACHE_HOME, TMPDIR and cache warmth read inside the environment, which tree they run
 * on, and what runs before each sample. Unreadable inputs are said so, never guessed.
 */
async function recordInputs(
  entry: { session: RuntimeSession; resultId: number },
  scenario: Scenario,
  cwd: string,
  timeoutMs: number,
  store: RunStore,
  signal: AbortSignal | undefined,
): Promise<void> {
  const read = await readEnvironmentInputs(entry.session, cwd, { timeoutMs, signal }).catch(() => null);
  const inputs: Record<string, string> = read ? { ...read } : { environment: 'could not be read' };
  inputs.workspace = cwd === entry.session.workspaceDir ? 'the workspace as the environment mounts it' : 'a scratch copy of the workspace';
  const before = scenario.kind === 'command' ? scenario.prepare?.kind : undefined;
  inputs.beforeEachSample = before === 'clean-build-cache' ? 'build cache emptied (go clean -cache)' : before === 'edit-source-file' ? 'one line of one main-package file changed' : 'nothing';
  if (scenario.kind === 'command' && scenario.beforeFirstSample === 'build-goimports-index') inputs.beforeFirstSample = "gopls's goimports index of the module cache built to completion";
  store.setInputs(entry.resultId, inputs);
}
