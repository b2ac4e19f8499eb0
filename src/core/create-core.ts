import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MeasuredVerdict, NixEntry, RunJson, RunPlan, RunProgress, RunSummary, RuntimeHealth, RuntimeId, ToolHealth, WorkspaceInfo } from '../shared/run';
import type { ScoreWeights } from './bench/ranking';
import { buildRunJson } from './bench/run-report';
import type { RunHooks } from './bench/run-request';
import type { ResolvedRun } from './bench/resolve-run';
import { loadFacts } from './bench/machine-load';
import type { CacheCleanup } from './clean-caches';
import { defaultCacheDir, defaultDataDir, historyFile, instanceKey } from './data-paths';
import type { CleanupReport } from './environments/registry';
import { cleanEngine, createRuntimes, reapEngineOrphans, RUNTIME_IDS } from './environments/registry';
import type { Runtime } from './environments/runtime';
import type { RunFilter } from './history/run-store';
import { RunStore } from './history/run-store';
import type { HostEntry, HostHealth } from '../shared/hosts';
import type { HostRegistry } from './hosts/host-registry';
import type { HostLock } from './hosts/host-lock';
import type { RemoteHost } from './hosts/remote-host';
import type { MeasureLockOwner } from './machine/measure-lock';
import { acquireMeasureLock, measureLockHolder } from './machine/measure-lock';
import { describeError, UserError } from './user-error';

// The composition root. What a command that only reads the history does not need (the run engine,
// the environments, the catalogue, hosts over SSH, imports, PDF checks) is loaded with import()
// when first used, so `envbench history` starts without it (npm run bench, section cli).

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
  /** This machine's environments, the registry's: created (and their folders loaded) on first use. */
  runtimes(): Promise<readonly Runtime[]>;
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
  listHosts(): Promise<HostEntry[]>;
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

/** The composition root: the CLI, the Electron main process and the tests all build the core here. */
export function createCore(options: CoreOptions): Core {
  const dataDir = options.dataDir ?? defaultDataDir();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dbFile = options.dbFile ? path.resolve(options.dbFile) : historyFile(dataDir);
  let localRuntimes: Promise<readonly Runtime[]> | null = options.runtimes ? Promise.resolve(options.runtimes) : null;
  const runtimesHere = (): Promise<readonly Runtime[]> => (localRuntimes ??= createRuntimes(options.resourcesDir));
  // Loaded when first needed, like the environments: commands that only read the history never load the run engine.
  const remoteRuntimes = async (remote: RemoteHost): Promise<Runtime[]> => (await import('./environments/remote/remote-runtimes')).createRemoteRuntimes(remote, options.resourcesDir);
  const hostRegistry = async (): Promise<HostRegistry> => new (await import('./hosts/host-registry')).HostRegistry(dataDir);
  let store: RunStore | null = null;
  const openStore = (): RunStore => (store ??= RunStore.open(dbFile, { nativeBinding: options.sqliteNativeBinding }));

  /** Everything a run needs, checked before anything is written or measured (bench/resolve-run.ts, loaded then). */
  const resolveRun = async (input: RunInput): Promise<ResolvedRun> =>
    (await import('./bench/resolve-run')).resolveRun(input, {
      resourcesDir: options.resourcesDir,
      dataDir,
      envbench: options.envbench,
      sampleWorkspace: core.sampleWorkspace(),
      runtimesHere,
      doctor: () => core.doctor(),
      store: openStore,
    });

  const core: Core = {
    envbench: options.envbench,
    dataDir,
    cacheDir,
    dbFile,
    runtimes: runtimesHere,
    sampleWorkspace: () => path.join(options.resourcesDir, 'sample-workspace'),
    async doctor() {
      const health = await Promise.all((await runtimesHere()).map((r) => r.detect()));
      let verdicts = new Map<RuntimeId, MeasuredVerdict>();
      try {
        verdicts = openStore().latestVerdicts('offline-readiness');
      } catch {
        // An unreadable history only means no verdict to show; `envbench history` says why.
      }
      return health.map((h) => ({ ...h, offlineReadiness: verdicts.get(h.id) ?? null }));
    },
    toolHealth: async () => [await (await import('./report/pdf-health')).probePdfReports({ cacheDir })],
    inspectWorkspace: async (dir) => (await import('./workspace/inspect-workspace')).inspectWorkspace(dir),
    measuringNow: () => measureLockHolder(),

    async plan(input) {
      return (await resolveRun(input)).request.plan!;
    },

    async run(input, hooks = {}) {
      const { request, machine, runtimes } = await resolveRun(input);
      const { executeRun } = await import('./bench/run-scheduler');
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
      const { checkImportTarget, commandMismatch, pickResult, PLACEHOLDER_MODULE, placeholderWorkspace, readHyperfineFile, storeHyperfineRun } = await import('./import/hyperfine');
      const { machineFingerprint } = await import('./machine/fingerprint');
      const { runtime, scenario } = checkImportTarget(input.runtime, input.scenario);
      const { result, index } = pickResult(readHyperfineFile(input.file), input.file, input.commandIndex);
      const cwd = input.cwd ?? process.cwd();
      const workspace = input.workspace
        ? await core.inspectWorkspace(input.workspace)
        : fs.existsSync(path.join(cwd, 'go.mod'))
          ? await core.inspectWorkspace(cwd).catch(() => placeholderWorkspace(input.file))
          : placeholderWorkspace(input.file);
      const machine = await machineFingerprint(options.envbench);
      const runId = storeHyperfineRun(openStore(), { file: input.file, runtime, scenario, result, index, workspace, machine, envbench: options.envbench });
      const notes = [commandMismatch(scenario, result.command)].filter((n) => n !== null);
      if (workspace.module === PLACEHOLDER_MODULE) notes.push(`filed under the workspace "${PLACEHOLDER_MODULE}": no --workspace was given and ${cwd} is not a usable Go module; pass --workspace DIR to attach it to the module hyperfine ran in`);
      return { run: core.getRun(runId)!, notes };
    },
    reapOrphans: reapEngineOrphans,
    cleanCaches: async () => (await import('./clean-caches')).cleanCaches(cacheDir, dataDir),
    cleanDocker: cleanEngine,
    listHosts: async () => (await hostRegistry()).list(),
    async checkHost(name) {
      const entry = (await hostRegistry()).get(name);
      const { probeHost, withoutRemoteFacts } = await import('./hosts/host-doctor');
      const { RemoteHost } = await import('./hosts/remote-host');
      const probe = await probeHost(entry);
      if (!probe.reachable) return { health: withoutRemoteFacts(probe), runtimes: [] };
      let remote: RemoteHost;
      try {
        remote = RemoteHost.fromProbe(entry, probe, instanceKey(dataDir));
      } catch (error) {
        const reason = describeError(error);
        return { health: withoutRemoteFacts(probe), runtimes: RUNTIME_IDS.map((id) => ({ id, available: false, version: null, reason })) };
      }
      return { health: withoutRemoteFacts(probe), runtimes: await Promise.all((await remoteRuntimes(remote)).map((r) => r.detect())) };
    },
    async hostRuntimes(name, signal) {
      const { RemoteHost } = await import('./hosts/remote-host');
      const remote = await RemoteHost.connect((await hostRegistry()).get(name), instanceKey(dataDir), { signal });
      return remoteRuntimes(remote);
    },
    dispose() {
      store?.close();
      store = null;
    },
  };
  /** The load of the machine the run measures: the host's for `--host` (null when it cannot tell: no warning rather than this machine's). */
  const loadAverageWhereMeasured = async (host: string | undefined): Promise<number[] | null> => {
    if (host === undefined) return os.loadavg();
    const entry = (await hostRegistry()).list().find((h) => h.name === host);
    return entry ? (await import('./hosts/host-doctor')).hostLoadAverage(entry) : null;
  };
  // One run at a time per machine (measure-lock.ts), held from before the run is validated until it
  // has ended; the load average at both ends says whether other work shared the CPU anyway.
  const measure = core.run.bind(core);
  core.run = async (input, hooks = {}) => {
    const lock = await acquireMeasureLock({ command: commandLine(), wait: input.wait, signal: hooks.signal, onWaiting: hooks.onWaitingForMachine });
    let hostLock: HostLock | null = null;
    try {
      // On a host, its own lock too (host-lock.ts): other machines may measure there. An unknown name is refused by the run itself.
      const hostEntry = input.host === undefined ? undefined : (await hostRegistry()).list().find((h) => h.name === input.host);
      if (hostEntry) hostLock = await (await import('./hosts/host-lock')).acquireHostLock(hostEntry, `${commandLine()} (from ${os.hostname()}, since ${new Date().toISOString()})`, { wait: input.wait, signal: hooks.signal });
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
