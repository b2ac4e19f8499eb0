import type { FactValue, RuntimeId } from '../../shared/run';
import type { ExecOptions, ExecOutcome, RuntimeSession } from '../environments/runtime';
import type { NewSample, RunStore } from '../history/run-store';
import { sampleFailure } from '../measure/command-failure';
import { flushPendingWrites } from '../measure/flush-writes';
import type { CheckScenario, CommandScenario, ProbeScenario, Scenario, StartupScenario } from '../scenarios/catalog';
import { readEnvironmentInputs } from '../scenarios/environment-inputs';
import { buildGoimportsIndexCommand } from '../scenarios/goimports-index';
import { describeError } from '../user-error';
import { defaultFirstRun, firstRunFact } from './first-run';
import type { RunHooks, RunRequest } from './run-request';
import { editSourceFile } from './scratch-workspace';

// One step of a run: one warmup or measured sample of one scenario in one runtime (or one check),
// prepared, measured and stored. Every function returns why the step failed, 'cancelled', or null.

/** One runtime's result of the scenario being measured. */
export interface ActiveResult {
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

/** What every step of a run shares. */
export interface StepContext {
  runId: string;
  /** The request as scenarios see it (with `--main`, the named package is the only main package). */
  request: RunRequest;
  store: RunStore;
  hooks: RunHooks;
}

/** Where and which sample: the tree it runs on, the file a build-incremental sample edits, its round. */
export interface SampleStep {
  cwd: string;
  editTarget: string | null;
  round: number;
  warmup: boolean;
}

/** Prepares and measures one sample; returns why it failed, 'cancelled', or null. */
export async function measureStep(entry: ActiveResult, scenario: Scenario, step: SampleStep, context: StepContext): Promise<string | null> {
  const { request, hooks } = context;
  const execOptions: ExecOptions = {
    timeoutMs: request.timeoutMs,
    signal: hooks.signal,
    onOutput: (stream, text) => hooks.onOutput?.(entry.runtime, stream, text),
  };
  try {
    await flushPendingWrites();
    switch (scenario.kind) {
      case 'check':
        return await measureCheck(entry, scenario, step, execOptions, context);
      case 'probe':
        return await measureProbe(entry, scenario, step, execOptions, context);
      case 'startup':
        return await measureStartup(entry, scenario, step, execOptions, context);
      case 'command':
        return await measureCommand(entry, scenario, step, execOptions, context);
    }
  } catch (error) {
    if (hooks.signal?.aborted) return 'cancelled';
    return describeError(error);
  }
}

/** The command that ends each start: the user's `--first-run`, else the first build of the main packages. */
export function firstRunCommand(request: Pick<RunRequest, 'workspace' | 'firstRun'>): readonly string[] {
  return request.firstRun ?? defaultFirstRun(request.workspace);
}

/** A check, once: stores its sample, verdict and facts. */
async function measureCheck(entry: ActiveResult, scenario: CheckScenario, step: SampleStep, execOptions: ExecOptions, { runId, request, store }: StepContext): Promise<string | null> {
  const outcome = await scenario.check({ workspace: request.workspace, cwd: step.cwd, runId, timeoutMs: request.timeoutMs, execOptions, session: entry.session });
  if (outcome.failure) return outcome.failure;
  if (outcome.sample?.report) store.addSample(entry.resultId, entry.seq++, toSample(outcome.sample, false));
  if (outcome.verdict) store.setVerdict(entry.resultId, outcome.verdict);
  if (outcome.facts) store.setFacts(runId, entry.runtime, prefixedFacts(scenario.id, outcome.facts));
  return null;
}

/** One sample of a probe: its phases, and the resources of the tool it drove. */
async function measureProbe(entry: ActiveResult, scenario: ProbeScenario, step: SampleStep, execOptions: ExecOptions, { runId, request, store }: StepContext): Promise<string | null> {
  const outcome = await scenario.probe({ workspace: request.workspace, cwd: step.cwd, timeoutMs: request.timeoutMs, execOptions, session: entry.session });
  if (outcome.facts) store.setFacts(runId, entry.runtime, prefixedFacts(scenario.id, outcome.facts));
  if (outcome.failure) return outcome.failure;
  const phases = outcome.phases ?? [];
  const wallMs = phases.reduce((sum, p) => sum + p.ms, 0);
  store.addSample(entry.resultId, entry.seq++, toSample(outcome.measured!, step.warmup, { wallMs, phases: Object.fromEntries(phases.map((p) => [p.name, p.ms])) }));
  if (!step.warmup) entry.walls.push(wallMs);
  return null;
}

/** One start, phase by phase, until the first-run command exits. */
async function measureStartup(entry: ActiveResult, scenario: StartupScenario, step: SampleStep, execOptions: ExecOptions, { runId, request, store }: StepContext): Promise<string | null> {
  const firstRun = firstRunCommand(request);
  if (step.round === 0) store.setRunFacts(runId, firstRunFact(firstRun));
  const startup = await entry.session.startup(scenario.temperature, { ...execOptions, firstRun });
  // A start that failed before its first run failed at the toolchain check (readyThenFirstRun).
  const reachedFirstRun = startup.phases.at(-1)?.name === 'first-run';
  const failed = reachedFirstRun ? firstRun : ['go', 'version'];
  const failure = reachedFirstRun && keptByIgnoreFailure(request, startup.firstRun) ? null : sampleFailure(failed, startup.firstRun, request.timeoutMs);
  if (failure === 'cancelled') return failure;
  // Any failure ends the result at once, so a command that cannot end costs one limit, not one per sample.
  const hint = startup.firstRun.timedOut && failed === firstRun ? '; a start ends when the first-run command exits: name one that ends with --first-run' : '';
  if (failure) return `${scenario.temperature} start failed: ${failure}${hint}`;
  const phases = Object.fromEntries(startup.phases.map((p) => [p.name, p.ms]));
  const wallMs = startup.phases.reduce((sum, p) => sum + p.ms, 0);
  store.addSample(entry.resultId, entry.seq++, toSample(startup.firstRun, step.warmup, { wallMs, phases }));
  if (!step.warmup) entry.walls.push(wallMs);
  return null;
}

/**
 * `--ignore-failure`: a command that ran to its end and exited non-zero is a sample, with its exit
 * code (hyperfine's -i). One that timed out, was cancelled or could not start never is.
 */
function keptByIgnoreFailure(request: RunRequest, outcome: ExecOutcome): boolean {
  return request.ignoreFailure === true && !outcome.cancelled && !outcome.timedOut && outcome.report !== null && outcome.report !== undefined && !outcome.report.execError && outcome.exitCode !== 0;
}

/** One sample of a command, after what the scenario runs before it (untimed). */
async function measureCommand(entry: ActiveResult, scenario: CommandScenario, step: SampleStep, execOptions: ExecOptions, { request, store }: StepContext): Promise<string | null> {
  const { cwd } = step;
  if (step.round === 0 && scenario.beforeFirstSample === 'build-goimports-index') {
    const built = await entry.session.exec(buildGoimportsIndexCommand(cwd, request.timeoutMs / 1000), execOptions);
    const failure = sampleFailure(['gopls', 'serve'], built, request.timeoutMs);
    if (failure) return failure === 'cancelled' ? failure : `preparing (building gopls's goimports index of the module cache) failed: ${failure}`;
  }
  if (scenario.prepare?.kind === 'clean-build-cache') {
    const clean = await entry.session.exec({ argv: ['go', 'clean', '-cache'], cwd }, execOptions);
    const failure = sampleFailure(['go', 'clean', '-cache'], clean, request.timeoutMs);
    if (failure) return failure === 'cancelled' ? failure : `preparing (cleaning the build cache) failed: ${failure}`;
  } else if (scenario.prepare?.kind === 'edit-source-file' && step.editTarget) {
    await editSourceFile(step.editTarget, step.round);
  }
  if (scenario.prepare) await flushPendingWrites();
  const argv = scenario.takesTestArgs && request.testArgs ? [...scenario.argv, ...request.testArgs] : scenario.argv;
  const outcome = await entry.session.exec({ argv, cwd }, execOptions);
  const failure = keptByIgnoreFailure(request, outcome) ? null : sampleFailure(argv, outcome, request.timeoutMs);
  if (failure) return failure;
  store.addSample(entry.resultId, entry.seq++, toSample(outcome, step.warmup));
  if (!step.warmup) entry.walls.push(outcome.wallMs);
  return null;
}

/**
 * Records with the result what its measured samples get (docs/scenario-inputs.md): the user,
 * HOME, XDG_CACHE_HOME, TMPDIR and cache warmth read inside the environment, which tree they run
 * on, and what runs before each sample. Unreadable inputs are said so, never guessed.
 */
export async function recordInputs(entry: ActiveResult, scenario: Scenario, cwd: string, { request, store, hooks }: StepContext): Promise<void> {
  const read = await readEnvironmentInputs(entry.session, cwd, { timeoutMs: request.timeoutMs, signal: hooks.signal }).catch(() => null);
  const inputs: Record<string, string> = read ? { ...read } : { environment: 'could not be read' };
  inputs.workspace = cwd === entry.session.workspaceDir ? 'the workspace as the environment mounts it' : 'a scratch copy of the workspace';
  const before = scenario.kind === 'command' ? scenario.prepare?.kind : undefined;
  inputs.beforeEachSample = before === 'clean-build-cache' ? 'build cache emptied (go clean -cache)' : before === 'edit-source-file' ? 'one line of one main-package file changed' : 'nothing';
  if (scenario.kind === 'command' && scenario.beforeFirstSample === 'build-goimports-index') inputs.beforeFirstSample = "gopls's goimports index of the module cache built to completion";
  store.setInputs(entry.resultId, inputs);
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
