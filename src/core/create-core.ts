import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineFingerprint, MeasuredVerdict, NixEntry, RunJson, RunPlan, RunProgress, RunSummary, RuntimeHealth, RuntimeId, ToolHealth, WorkspaceInfo } from '../shared/run';
import type { AdaptiveSampling } from './bench/adaptive-stop';
import { DEFAULT_ADAPTIVE } from './bench/adaptive-stop';
import { parseFirstRun } from './bench/first-run';
import { checkMainPackage, parseTestArgs } from './bench/scenario-targets';
import { buildRunJson } from './bench/run-report';
import type { ScoreWeights } from './bench/ranking';
import type { RunHooks, RunRequest } from './bench/run-scheduler';
import { planRun } from './bench/run-plan';
import { DEFAULT_SAMPLE_TIMEOUT_MS, DEFAULT_WARMUP, executeRun } from './bench/run-scheduler';
import type { CacheCleanup } from './clean-caches';
import { cleanCaches } from './clean-caches';
import { defaultCacheDir, defaultDataDir, historyFile, instanceKey } from './data-paths';
import { createRemoteRuntimes } from './environments/remote/remote-runtimes';
import type { HostEntry, HostHealth } from '../shared/hosts';
import { HostRegistry } from './hosts/host-registry';
import { acquireHostLock, type HostLock } from './hosts/host-lock';
import { RemoteHost } from './hosts/remote-host';
import { hostLoadAverage, probeHost, withoutRemoteFacts } from './hosts/host-doctor';
import type { RunFilter } from './history/run-store';
import { RunStore } from './history/run-store';
import { probePdfReports } from './report/pdf-health';
import { checkImportTarget, commandMismatch, pickResult, PLACEHOLDER_MODULE, placeholderWorkspace, readHyperfineFile, storeHyperfineRun } from './import/hyperfine';
import { machineFingerprint } from './machine/fingerprint';
import type { MeasureLockOwner } from './machine/measure-lock';
import { acquireMeasureLock, measureLockHolder } from './machine/measure-lock';
import { loadFacts } from './bench/machine-load';
import type { CleanupReport } from './environments/registry';
import { cleanEngine, createRuntimes, reapEngineOrphans, RUNTIME_IDS, runtimesNamed } from './environments/registry';
import type { Runtime } from './environments/runtime';
import type { Scenario } from './scenarios/catalog';
import { SCENARIOS, findScenario, notApplicableReason } from './scenarios/catalog';
import { parseUserCommands } from './scenarios/user-command';
import { describeError, UserError } from './user-error';
import { inspectWorkspace } from './workspace/inspect-workspace';

export interface CoreOptions {
  /** Shipped resources: the measure helper and the sample workspace. */
  resourcesDir: string;
  /** Defaults to $ENVBENCH_DATA_DIR or the platform's user-data directory. */
  dataDir?: string;
  /** Defaults to $ENVBENCH_CACHE_DIR or the platform's cache directory (defaultCacheDir). */
  cacheDir?: string;
  /** Defaults to history.sqlite in dataDir. */
  dbFile?: string;
  /** better-sqlite3 addon for this process's ABI (the Electron main process passes its own). */
  sqliteNativeBinding?: string;
  envbench: { version: string; commit: string | null };
  /** The environments: the registry's (createRuntimes) unless given (a test's own environment). */
  runtimes?: readonly Runtime[];
}

export interface RunInput {
  /** A Go module folder; the embedded sample workspace when absent. */
  workspace?: string;
  /** A host added with `envbench hosts add`: the runtimes run there, over SSH (docs/hosts.md); absent: this machine. */
  host?: string;
  /** Defaults to every runtime that is available here. */
  runtimes?: RuntimeId[];
  /** Defaults to every scenario. */
  scenarios?: string[];
  /**
   * A count fixes every scenario's samples. Absent or 'auto': planned within the run's budget
   * (run-plan.ts), each result stopping once its median is known within 2% (AdaptiveSampling).
   */
  runs?: number | 'auto';
  /** A planned run: the most samples per result (default 30), the fewest (default: what a verdict needs, 6; 3 for a start) and the whole run's budget in seconds (default 900). */
  maxRuns?: number;
  minRuns?: number;
  /** hyperfine's -i: a command that exits non-zero is a sample (with its exit code), not the end of its result. */
  ignoreFailure?: boolean;
  /** `--command NAME=CMD`, each: the user's own commands, measured as performance scenarios after the catalogue's. */
  commands?: string[];
  budgetSeconds?: number;
  warmup?: number;
  offline?: boolean;
  /** nix only: `nix develop` on a flake or `nix-shell`; default: the workspace's own definition. */
  nixEntry?: NixEntry;
  /** Weights of the ranking's dimensions (default equal). */
  weights?: ScoreWeights;
  timeoutMs?: number;
  /**
   * `--first-run "go run ./cmd/x -once"`: the command that ends each start, split into words
   * without a shell (parseFirstRun); default: the first build of the main packages.
   */
  firstRun?: string;
  /**
   * `--main ./cmd/x`: the main package for debug-breakpoint, reproducible-build,
   * modcache-isolation and the default first run (checkMainPackage); default: the workspace's own.
   */
  main?: string;
  /** `--test-args "-run TestX"`: words added to the test and test-race commands, split without a shell (parseTestArgs). */
  testArgs?: string;
  /** Another run holds the machine: wait for it to end instead of refusing (`envbench run --wait`). */
  wait?: boolean;
}

/** `envbench import hyperfine`: one benchmark of a hyperfine --export-json file as a run. */
export interface HyperfineImportInput {
  file: string;
  runtime: string;
  /** A timed scenario of the catalogue. */
  scenario: string;
  /** 1-based; needed when the file holds several benchmarks. */
  commandIndex?: number;
  /** The Go module hyperfine ran in; default: `cwd` when it has a go.mod, else a placeholder workspace. */
  workspace?: string;
  cwd?: string;
}

export interface Core {
  /** EnvBench's own version and commit (reports name them). */
  readonly envbench: { version: string; commit: string | null };
  readonly dataDir: string;
  /** Build caches, scratch copies and tool copies: what `envbench clean --caches` removes. */
  readonly cacheDir: string;
  readonly dbFile: string;
  readonly runtimes: readonly Runtime[];
  sampleWorkspace(): string;
  doctor(): Promise<RuntimeHealth[]>;
  /** Host tools features need besides the runtimes (Chromium for PDF reports), each probed by doing the work. */
  toolHealth(): Promise<ToolHealth[]>;
  inspectWorkspace(dir: string): Promise<WorkspaceInfo>;
  /** Validates everything before anything is written, then measures; resolves with the finished run. */
  /**
   * Holds the machine while it measures (one run at a time per machine, whichever shell starts it):
   * refuses at once, naming the run that holds it, unless `input.wait`.
   */
  run(input: RunInput, hooks?: CoreRunHooks): Promise<RunJson>;
  /** What `run` with this input would do and how long it should take (`envbench run --plan`); measures nothing. */
  plan(input: RunInput): Promise<RunPlan>;
  /** The run measuring on this machine now (any process, any history), or null. */
  measuringNow(): MeasureLockOwner | null;
  /** Newest first: the 200 newest unless told otherwise; `filter` keeps some (RunFilter). */
  listRuns(page?: { limit?: number; offset?: number; filter?: RunFilter }): RunSummary[];
  /** The run JSON; scores use these weights (default: equal). */
  getRun(id: string, weights?: ScoreWeights): RunJson | null;
  /** The run JSON, or the one "No run" error every shell shows (a UserError: exit 2 in the CLI). */
  requireRun(id: string, weights?: ScoreWeights): RunJson;
  /** Removes a run and everything measured in it from the history; false when there is no such run. */
  deleteRun(id: string): boolean;
  /** Validates everything, then stores the import as a finished run; `notes` are things to tell the user. */
  importHyperfine(input: HyperfineImportInput): Promise<{ run: RunJson; notes: string[] }>;
  /** Removes containers left by EnvBench processes that died; says what it removed and what it could not check. */
  reapOrphans(): Promise<CleanupReport>;
  /** Removes every Docker object EnvBench made (by label), and nothing else. */
  cleanDocker(): Promise<CleanupReport>;
  /** Removes EnvBench's caches (never the history or generated definitions); says what and how many bytes. */
  cleanCaches(): Promise<CacheCleanup>;
  /** The remote hosts added with `envbench hosts add`, in the order added. */
  listHosts(): HostEntry[];
  /** A real probe of that host and each runtime's health there (none when it cannot be reached). */
  checkHost(name: string): Promise<{ health: HostHealth; runtimes: RuntimeHealth[] }>;
  /** The environments on that host, for a terminal there; a UserError when the host cannot run any. */
  hostRuntimes(name: string, signal?: AbortSignal): Promise<readonly Runtime[]>;
  dispose(): void;
}

export type { RunHooks, RunProgress };

export interface CoreRunHooks extends RunHooks {
  /** `wait`: another run holds the machine; called again whenever the holder changes. */
  onWaitingForMachine?: (holder: MeasureLockOwner) => void;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 10_000) {
    throw new UserError(`Invalid ${name} ${JSON.stringify(value)}`, `it must be a whole number from ${min} to 10000`, `Pass for example --${name} ${name === 'warmup' ? 1 : name === 'budget' ? 600 : 10}`);
  }
  return value;
}

/** The composition root: the CLI, the Electron main process and the tests all build the core here. */
export function createCore(options: CoreOptions): Core {
  const dataDir = options.dataDir ?? defaultDataDir();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dbFile = options.dbFile ? path.resolve(options.dbFile) : historyFile(dataDir);
  const localRuntimes = options.runtimes ?? createRuntimes(options.resourcesDir);
  let store: RunStore | null = null;
  const openStore = (): RunStore => (store ??= RunStore.open(dbFile, { nativeBinding: options.sqliteNativeBinding }));

  /** Everything a run needs, checked before anything is written or measured: the request with its plan. */
  const resolveRun = async (input: RunInput): Promise<{ request: RunRequest; machine: MachineFingerprint; runtimes: readonly Runtime[] }> => {
    const requestedAt = Date.now();
    const workspace = await inspectWorkspace(input.workspace ?? core.sampleWorkspace());
    const remote = input.host !== undefined ? await RemoteHost.connect(new HostRegistry(dataDir).get(input.host), instanceKey(dataDir)) : null;
    const runtimes = remote ? createRemoteRuntimes(remote, options.resourcesDir) : localRuntimes;
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
      const health = remote ? await Promise.all(runtimes.map((r) => r.detect())) : await core.doctor();
      runtimeIds = health.filter((h) => h.available).map((h) => h.id);
      if (runtimeIds.length === 0) {
        throw new UserError('No runtime can run here', health.map((h) => `${h.id}: ${h.reason}`).join('; '), 'Run `envbench doctor` and fix one of them');
      }
    }
    const machine = remote ? remote.fingerprint(options.envbench) : await machineFingerprint(options.envbench);
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
      history: openStore().recentStepTimes(machine, workspace.path),
      bookkeepingPerResult: openStore().recentBookkeeping(machine, workspace.path),
      work,
    });
    return { runtimes, request: { workspace, ...(remote ? { host: remote.entry.name } : {}), runtimes: runtimeIds, scenarios, runs, adaptive, plan, warmup, offline: input.offline ?? false, nixEntry: input.nixEntry, timeoutMs, firstRun, main, testArgs, requestedAt, ...(input.ignoreFailure ? { ignoreFailure: true } : {}) }, machine };
  };

  const core: Core = {
    envbench: options.envbench,
    dataDir,
    cacheDir,
    dbFile,
    runtimes: localRuntimes,
    sampleWorkspace: () => path.join(options.resourcesDir, 'sample-workspace'),
    async doctor() {
      const health = await Promise.all(localRuntimes.map((r) => r.detect()));
      let verdicts = new Map<RuntimeId, MeasuredVerdict>();
      try {
        verdicts = openStore().latestVerdicts('offline-readiness');
      } catch {
        // An unreadable history only means no verdict to show; `envbench history` says why.
      }
      return health.map((h) => ({ ...h, offlineReadiness: verdicts.get(h.id) ?? null }));
    },
    toolHealth: async () => [await probePdfReports({ cacheDir })],
    inspectWorkspace,
    measuringNow: () => measureLockHolder(),

    async plan(input) {
      return (await resolveRun(input)).request.plan!;
    },

    async run(input, hooks = {}) {
      const { request, machine, runtimes } = await resolveRun(input);
      const runId = await executeRun({ store: openStore(), runtimes, dataDir, cacheDir, resourcesDir: options.resourcesDir, machine, envbench: options.envbench }, request, hooks);
      const loadAtEnd = await loadAverageWhereMeasured(input.host);
      if (loadAtEnd) openStore().setRunFacts(runId, loadFacts('end', loadAtEnd));
      return core.getRun(runId, input.weights)!;
    },

    listRuns: (page = {}) => openStore().listRuns(page.limit, page.offset, page.filter),
    getRun(id, weights) {
      const stored = openStore().getRun(id);
      return stored ? buildRunJson(stored, weights) : null;
    },
    requireRun(id, weights) {
      const run = core.getRun(id, weights);
      if (!run) throw new UserError(`No run "${id}"`, `it is not in ${dbFile}`, 'List the runs with `envbench history` (in the app: History) and use one of their IDs');
      return run;
    },
    deleteRun: (id) => openStore().deleteRun(id),
    async importHyperfine(input) {
      const { runtime, scenario } = checkImportTarget(input.runtime, input.scenario);
      const { result, index } = pickResult(readHyperfineFile(input.file), input.file, input.commandIndex);
      const cwd = input.cwd ?? process.cwd();
      const workspace = input.workspace
        ? await inspectWorkspace(input.workspace)
        : fs.existsSync(path.join(cwd, 'go.mod'))
          ? await inspectWorkspace(cwd).catch(() => placeholderWorkspace(input.file))
          : placeholderWorkspace(input.file);
      const machine = await machineFingerprint(options.envbench);
      const runId = storeHyperfineRun(openStore(), { file: input.file, runtime, scenario, result, index, workspace, machine, envbench: options.envbench });
      const notes = [commandMismatch(scenario, result.command)].filter((n) => n !== null);
      if (workspace.module === PLACEHOLDER_MODULE) notes.push(`filed under the workspace "${PLACEHOLDER_MODULE}": no --workspace was given and ${cwd} is not a usable Go module; pass --workspace DIR to attach it to the module hyperfine ran in`);
      return { run: core.getRun(runId)!, notes };
    },
    reapOrphans: reapEngineOrphans,
    cleanCaches: () => cleanCaches(cacheDir, dataDir),
    cleanDocker: cleanEngine,
    listHosts: () => new HostRegistry(dataDir).list(),
    async checkHost(name) {
      const entry = new HostRegistry(dataDir).get(name);
      const probe = await probeHost(entry);
      if (!probe.reachable) return { health: withoutRemoteFacts(probe), runtimes: [] };
      let remote: RemoteHost;
      try {
        remote = RemoteHost.fromProbe(entry, probe, instanceKey(dataDir));
      } catch (error) {
        const reason = describeError(error);
        return { health: withoutRemoteFacts(probe), runtimes: RUNTIME_IDS.map((id) => ({ id, available: false, version: null, reason })) };
      }
      return { health: withoutRemoteFacts(probe), runtimes: await Promise.all(createRemoteRuntimes(remote, options.resourcesDir).map((r) => r.detect())) };
    },
    async hostRuntimes(name, signal) {
      const remote = await RemoteHost.connect(new HostRegistry(dataDir).get(name), instanceKey(dataDir), { signal });
      return createRemoteRuntimes(remote, options.resourcesDir);
    },
    dispose() {
      store?.close();
      store = null;
    },
  };
  /** The load of the machine the run measures: the host's for `--host` (null when it cannot tell: no warning rather than this machine's). */
  const loadAverageWhereMeasured = async (host: string | undefined): Promise<number[] | null> => {
    if (host === undefined) return os.loadavg();
    const entry = new HostRegistry(dataDir).list().find((h) => h.name === host);
    return entry ? hostLoadAverage(entry) : null;
  };
  // One run at a time per machine (measure-lock.ts), held from before the run is validated until it
  // has ended; the load average at both ends says whether other work shared the CPU anyway.
  const measure = core.run.bind(core);
  core.run = async (input, hooks = {}) => {
    const lock = await acquireMeasureLock({ command: commandLine(), wait: input.wait, signal: hooks.signal, onWaiting: hooks.onWaitingForMachine });
    let hostLock: HostLock | null = null;
    try {
      // On a host, its own lock too (host-lock.ts): other machines may measure there. An unknown name is refused by the run itself.
      const hostEntry = input.host === undefined ? undefined : new HostRegistry(dataDir).list().find((h) => h.name === input.host);
      if (hostEntry) hostLock = await acquireHostLock(hostEntry, `${commandLine()} (from ${os.hostname()}, since ${new Date().toISOString()})`, { wait: input.wait, signal: hooks.signal });
      const loadAtStart = await loadAverageWhereMeasured(input.host);
      return await measure(input, {
        ...hooks,
        onStarted: (runId) => {
          lock.setRunId(runId);
          if (loadAtStart) openStore().setRunFacts(runId, loadFacts('start', loadAtStart));
          hooks.onStarted?.(runId);
        },
      });
    } finally {
      await hostLock?.release();
      lock.release();
    }
  };
  return core;
}

/** How the run holding the machine is named to others: `envbench run --runtimes native`, `envbench serve`... */
function commandLine(): string {
  const script = process.argv[1] ? path.basename(process.argv[1]).replace(/\.c?js$/, '') : '';
  const name = script === 'envbench' ? 'envbench' : path.basename(process.argv0);
  return [name, ...process.argv.slice(script ? 2 : 1)].join(' ');
}
