import type { MachineFingerprint, RuntimeHealth, RuntimeId } from '../../shared/run';
import type { RunInput } from '../create-core';
import { instanceKey } from '../data-paths';
import { createRemoteRuntimes } from '../environments/remote/remote-runtimes';
import { runtimesNamed } from '../environments/registry';
import type { Runtime } from '../environments/runtime';
import type { RunStore } from '../history/run-store';
import { HostRegistry } from '../hosts/host-registry';
import { RemoteHost } from '../hosts/remote-host';
import { machineFingerprint } from '../machine/fingerprint';
import type { Scenario } from '../scenarios/catalog';
import { findScenario, notApplicableReason, SCENARIOS } from '../scenarios/catalog';
import { parseUserCommands } from '../scenarios/user-command';
import { describeError, UserError } from '../user-error';
import { inspectWorkspace } from '../workspace/inspect-workspace';
import type { AdaptiveSampling } from './adaptive-stop';
import { DEFAULT_ADAPTIVE } from './adaptive-stop';
import { parseFirstRun } from './first-run';
import { planRun } from './run-plan';
import type { RunRequest } from './run-request';
import { DEFAULT_SAMPLE_TIMEOUT_MS, DEFAULT_WARMUP } from './run-request';
import { checkMainPackage, parseTestArgs } from './scenario-targets';

// What `envbench run` (and `--plan`) asks for, checked and planned before anything is written or
// measured. Loaded by the core when a run or a plan is asked for, with everything it needs (the
// catalogue, hosts, the workspace inspection): commands that only read the history never load it.

/** What the core gives a resolution: where things are, and its own runtimes, doctor and history. */
export interface ResolveContext {
  resourcesDir: string;
  dataDir: string;
  envbench: { version: string; commit: string | null };
  sampleWorkspace: string;
  runtimesHere(): Promise<readonly Runtime[]>;
  doctor(): Promise<RuntimeHealth[]>;
  store(): RunStore;
}

export interface ResolvedRun {
  request: RunRequest;
  machine: MachineFingerprint;
  runtimes: readonly Runtime[];
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 10_000) {
    throw new UserError(`Invalid ${name} ${JSON.stringify(value)}`, `it must be a whole number from ${min} to 10000`, `Pass for example --${name} ${name === 'warmup' ? 1 : name === 'budget' ? 600 : 10}`);
  }
  return value;
}

/** Everything a run needs, checked before anything is written or measured: the request with its plan. */
export async function resolveRun(input: RunInput, context: ResolveContext): Promise<ResolvedRun> {
  const { dataDir, resourcesDir, envbench } = context;
  const requestedAt = Date.now();
  const workspace = await inspectWorkspace(input.workspace ?? context.sampleWorkspace);
  const remote = input.host !== undefined ? await RemoteHost.connect(new HostRegistry(dataDir).get(input.host), instanceKey(dataDir)) : null;
  const runtimes = remote ? createRemoteRuntimes(remote, resourcesDir) : await context.runtimesHere();
  // Without --runs N: planned within the run's budget, each result stopping once its median is known.
  const planned = input.runs === undefined || input.runs === 'auto';
  const adaptive: AdaptiveSampling | undefined = planned
    ? {
        ...DEFAULT_ADAPTIVE,
        ...(input.maxRuns !== undefined ? { maxRuns: checkCount('max-runs', input.maxRuns, 6) } : {}),
        ...(input.budgetSeconds !== undefined ? { budgetMs: checkCount('budget', input.budgetSeconds, 1) * 1000 } : {}),
      }
    : undefined;
  const runs = adaptive ? adaptive.maxRuns : checkCount('runs', input.runs as number, 1);
  const minRuns = input.minRuns === undefined ? undefined : checkCount('min-runs', input.minRuns, 1);
  if (minRuns !== undefined && (!adaptive || minRuns > runs)) {
    throw new UserError(
      adaptive ? `--min-runs ${minRuns} is more than --max-runs ${runs}` : `--runs ${runs} fixes every scenario's samples`,
      adaptive ? 'a result cannot take more samples than its cap' : '--min-runs only shapes a planned run',
      adaptive ? `Lower --min-runs, or raise --max-runs to ${minRuns} or more` : 'Leave out --runs (or pass --runs auto) to plan, or leave out --min-runs',
    );
  }
  const warmup = checkCount('warmup', input.warmup ?? DEFAULT_WARMUP, 0);
  const timeoutMs = input.timeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new UserError('Invalid timeout', 'it must be a positive number of seconds', 'Pass for example --timeout 600');
  const firstRun = input.firstRun !== undefined ? parseFirstRun(input.firstRun) : undefined;
  const testArgs = input.testArgs !== undefined ? parseTestArgs(input.testArgs) : undefined;
  const main = input.main !== undefined ? await checkMainPackage(workspace, input.main) : undefined;
  const commands = parseUserCommands(input.commands ?? []);
  // With --command and no --scenarios, the user's commands alone are measured (as hyperfine measures the commands it is given).
  // The default is every scenario that means something here: remote-sync only with --host.
  const requested = input.scenarios ?? (commands.length > 0 ? [] : SCENARIOS.filter((s) => s.only !== (remote ? 'local' : 'remote')).map((s) => s.id));
  for (const id of requested) {
    const scenario = findScenario(id);
    if (!scenario) throw new UserError(`Unknown scenario "${id}"`, `EnvBench knows ${SCENARIOS.map((s) => s.id).join(', ')}`, 'Use one of those names');
    if (scenario.only === 'remote' && !remote) throw new UserError(`Cannot measure ${id} here`, 'it measures edits reaching a remote host, and this run has none', `Add one with \`envbench hosts add\` and run with --host NAME, or leave ${id} out of --scenarios`);
  }
  // Always in catalogue order: startups (which remove images) before the scenarios that reuse them; the user's commands last.
  const scenarios: Scenario[] = [...SCENARIOS.filter((s) => requested.includes(s.id)), ...commands];
  let runtimeIds = input.runtimes;
  // An id no environment has (the IPC contract checks only its form): what exists, and exit 2.
  if (runtimeIds) runtimesNamed(runtimes, runtimeIds);
  if (runtimeIds && remote) {
    // On a host, a runtime that cannot run there is said before anything is synced or measured.
    const health = await Promise.all(runtimesNamed(runtimes, runtimeIds).map((r) => r.detect()));
    const unavailable = health.filter((h) => !h.available);
    if (unavailable.length > 0) {
      throw new UserError(`Cannot run ${unavailable.map((h) => h.id).join(', ')} on ${remote.entry.name}`, unavailable.map((h) => `${h.id}: ${h.reason}`).join('; '), `Leave ${unavailable.length === 1 ? 'it' : 'them'} out of --runtimes, or fix the host (\`envbench hosts doctor ${remote.entry.name}\`)`);
    }
  }
  if (!runtimeIds) {
    const health = remote ? await Promise.all(runtimes.map((r) => r.detect())) : await context.doctor();
    runtimeIds = health.filter((h) => h.available).map((h) => h.id);
    if (runtimeIds.length === 0) {
      throw new UserError('No runtime can run here', health.map((h) => `${h.id}: ${h.reason}`).join('; '), 'Run `envbench doctor` and fix one of them');
    }
  }
  const machine = remote ? remote.fingerprint(envbench) : await machineFingerprint(envbench);
  // What each runtime's preparation will build or download; a runtime that cannot tell says why.
  const work: Partial<Record<RuntimeId, string[]>> = {};
  for (const runtime of runtimesNamed(runtimes, runtimeIds)) {
    if (!runtime.plannedWork) continue;
    work[runtime.id] = await runtime.plannedWork(workspace, { dataDir, offline: input.offline ?? false }).catch((error: unknown) => [`cannot tell before it starts: ${describeError(error)}`]);
  }
  const targeted = main ? { ...workspace, mainPackages: [main] } : workspace;
  const plan = planRun({
    scenarios: scenarios.filter((s) => notApplicableReason(s, targeted, remote?.entry.name) === null),
    runtimes: runtimeIds,
    warmup,
    runs: adaptive ? null : runs,
    budgetMs: adaptive?.budgetMs ?? 0,
    maxRuns: runs,
    ...(minRuns !== undefined ? { minRuns } : {}),
    targetHalfWidth: adaptive?.targetHalfWidth ?? 0,
    history: context.store().recentStepTimes(machine, workspace.path),
    bookkeepingPerResult: context.store().recentBookkeeping(machine, workspace.path),
    work,
  });
  return { runtimes, request: { workspace, ...(remote ? { host: remote.entry.name } : {}), runtimes: runtimeIds, scenarios, runs, adaptive, plan, warmup, offline: input.offline ?? false, nixEntry: input.nixEntry, timeoutMs, firstRun, main, testArgs, requestedAt, ...(input.ignoreFailure ? { ignoreFailure: true } : {}) }, machine };
}
