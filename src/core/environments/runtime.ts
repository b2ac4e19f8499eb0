import type { Duplex } from 'node:stream';
import type { CgroupUsage, FactValue, NixEntry, RuntimeHealth, RuntimeId, WorkspaceInfo } from '../../shared/run';
import type { MeasuredOutcome } from '../measure/measured-process';
import type { DeferredRemovals } from '../measure/deferred-removal';

/**
 * One development environment EnvBench can measure. Each runtime lives in its own file in this
 * folder and is listed once in registry.ts; nothing else needs to know which runtimes exist.
 *
 * Life cycle: detect() -> prepare() returns a session -> exec() many times -> dispose().
 */
export interface Runtime {
  readonly id: RuntimeId;
  readonly displayName: string;
  /** Is it usable on this machine? Unavailable runtimes say why and what to do, in `reason`. */
  detect(): Promise<RuntimeHealth>;
  /**
   * Problems in the workspace's own definition for this runtime (a devbox.json that is not JSON,
   * ...), found without running anything; null when there are none. Reported before detect()'s
   * reason because the user has to fix them either way.
   */
  checkWorkspace?(workspace: WorkspaceInfo): string | null;
  /** Makes the environment ready for a workspace (build an image, write a flake, ...). */
  prepare(context: PrepareContext): Promise<RuntimeSession>;
  /**
   * An interactive shell inside the environment for a terminal: the same definition the runtime
   * measures (its image, flake, devbox.json), made ready first (a container started, a flake
   * locked). The caller runs it in a pty and calls dispose() once it has exited.
   */
  shellCommand?(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand>;
  /**
   * The definition file this runtime would use for a workspace without one of its own, in the
   * portable form a team can commit (nothing in it points into this machine's Nix store or data
   * directory); null when it needs none (native). The definition previews show it, or the
   * workspace's own file of that name.
   */
  portableDefinition(workspace: WorkspaceInfo): PortableDefinition | null;
  /**
   * Files an offline run adds beside the portable definition when the workspace has none of its
   * own, at the paths EnvBench keeps them (`at`, never in the workspace): shown in the previews.
   */
  offlineDefinitions?(workspace: WorkspaceInfo, dataDir: string): OfflineDefinition[];
  /**
   * What prepare() would build or download for this workspace ("pulls golang:1.22", "reuses
   * envbench/go-dev-…"), found without building or downloading anything: shown in the run plan.
   */
  plannedWork?(workspace: WorkspaceInfo, options: { dataDir: string; offline: boolean }): Promise<string[]>;
}

export interface PortableDefinition {
  /** The file name in the workspace: "Dockerfile.dev", "flake.nix", "devbox.json". */
  file: string;
  content: string;
}

export interface OfflineDefinition {
  /** What the preview calls it: "devbox.lock (offline)". */
  file: string;
  /** Where EnvBench keeps it. */
  at: string;
  content: string;
}

export interface ShellOptions {
  /** EnvBench's data directory (generated definitions). */
  dataDir: string;
  /** EnvBench's cache directory (the runtime's own caches, under runtimeCacheDir()). */
  cacheDir: string;
  /** The terminal's id: names and labels what the shell creates (a container), so clean-up finds it. */
  terminalId: string;
  /** As `envbench run --offline`; default false, like a run. */
  offline?: boolean;
  /** nix only: as for a run; default: the workspace's own definition decides. */
  nixEntry?: NixEntry;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** A program to run in a pty: an argument vector, never a shell string. */
export interface ShellCommand {
  file: string;
  args: string[];
  /** Host directory the program starts in: the workspace, or for tools that must not start there (Nix, Devbox) a folder of EnvBench's own (start-directory.ts). */
  cwd: string;
  /** Added to EnvBench's own environment (DOCKER_HOST, the runtime's GOCACHE, ...). */
  env?: Record<string, string>;
  /** For the terminal's tab, e.g. "Docker: envbench/go-dev:1.22". */
  title: string;
  /** The command as the user would type it in a shell (without the `env` additions). */
  display: string;
  /** Removes what opening the shell created (a container); called once, after the program exited. */
  dispose?(): Promise<void>;
}

/** The run label of the containers a terminal creates (the reaper and `envbench clean` find them by label). */
export function terminalRunId(terminalId: string): string {
  return `terminal-${terminalId}`;
}

/** The context a terminal prepares its environment with: a run's, under the terminal's own run label. */
export function terminalPrepareContext(workspace: WorkspaceInfo, options: ShellOptions, resourcesDir: string): PrepareContext {
  return {
    workspace,
    dataDir: options.dataDir,
    cacheDir: options.cacheDir,
    resourcesDir,
    offline: options.offline ?? false,
    nixEntry: options.nixEntry,
    runId: terminalRunId(options.terminalId),
    scratchPath: null,
    signal: options.signal,
    log: options.log,
  };
}

/** What an entry's environment adds to or changes in EnvBench's own (for ShellCommand.env). */
export function addedEnvironment(env: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const added: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && base[key] !== value) added[key] = value;
  return added;
}

/** An argument vector as a POSIX shell user would type it: for display only, never executed. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export interface PrepareContext {
  workspace: WorkspaceInfo;
  /** EnvBench's data directory: generated definitions (workspaceDataDir()). */
  dataDir: string;
  /** EnvBench's cache directory; runtimes keep their own caches under runtimeCacheDir(). */
  cacheDir: string;
  resourcesDir: string;
  offline: boolean;
  /** nix only: the entry mode the user picked; otherwise the workspace's own definition decides. */
  nixEntry?: NixEntry;
  runId: string;
  /** Scratch copy of the workspace for scenarios that change files (created before prepare), or null. */
  scratchPath: string | null;
  /**
   * A run's: what a session deletes between samples (a cold start's caches, images, containers,
   * volumes) is freed after the last sample through it. Without it (terminals, tests) at once.
   */
  removals?: DeferredRemovals;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** A command to run inside the environment. Always an argument vector: never a shell string. */
export interface CommandSpec {
  argv: readonly string[];
  /** Working directory as the host sees it; must be the workspace or a directory inside it or a scratch copy. */
  cwd: string;
  env?: Readonly<Record<string, string>>;
}

export interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ExecOutcome extends MeasuredOutcome {
  /** End to end as the user waits, including the runtime's entry cost (docker exec, nix develop...). */
  wallMs: number;
  /** The command alone inside the environment, from the measure helper. */
  innerWallMs: number;
  /** The container's cgroup counters over the command, for container runtimes. */
  cgroup?: CgroupUsage;
}

/** A command run with the network really cut, and how it was cut (shown with the verdict). */
export interface IsolatedOutcome extends ExecOutcome {
  isolation: string;
}

export type StartupTemperature = 'cold' | 'warm';

export interface StartupOptions extends ExecOptions {
  /** The command whose exit ends the startup (by default `go build -o /dev/null` of the main packages; see first-run.ts). */
  firstRun: readonly string[];
}

export interface StartupOutcome {
  /** In order; their sum is the sample's wall time. */
  phases: { name: string; ms: number }[];
  /** The first-run command's own measurement (resources, exit code, output). */
  firstRun: ExecOutcome;
}

/** Delve serving a program headless inside the environment (the debug-breakpoint scenario). */
export interface DebugServer {
  /** From starting `dlv debug` until it printed `API server listening at:` (it has built the program by then, and launches it next). */
  readonly listeningMs: number;
  /** A byte stream to Delve's JSON-RPC API, wherever the environment's network is. */
  connect(): Promise<Duplex>;
  /**
   * Waits for dlv to end (after a Detach with Kill), stopping it and everything it started when it
   * does not; dlv's measured outcome (the helper's report covers the build and the program too).
   */
  stop(): Promise<ExecOutcome>;
}

export interface FootprintItem {
  label: string;
  bytes: number;
  path?: string;
}

export interface Footprint {
  totalBytes: number;
  items: FootprintItem[];
}

export interface RuntimeSession {
  readonly runtime: RuntimeId;
  /** Directories the runtime can see the workspace at (host path -> path inside). */
  readonly workspaceDir: string;
  /**
   * XDG_CACHE_HOME as commands in this environment see it: the tool caches EnvBench owns for this
   * runtime (go-environment.ts). Absent where the environment keeps the user's own (Devbox).
   */
  readonly xdgCacheHome?: string;
  /** Runs one command inside the environment, measured by the helper. */
  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome>;
  /**
   * Runs one command in the warm environment with no network at all (a private network namespace,
   * or a container with `--network none`): the offline-readiness check. Never inferred from settings.
   */
  execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome>;
  /**
   * Gets into a fresh environment and measures each phase until `firstRun` has answered.
   * Cold first drops what this environment cached (its image, its build cache; never the user's).
   */
  startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome>;
  /**
   * Starts `dlv debug --headless` on a main package (`./cmd/x`, relative to cwd) inside the
   * environment, measured by the helper, and resolves once Delve listens. Rejects with dlv's
   * measured outcome when it ends first (no dlv, a build error). Delve launches the program after
   * it listens, so a refused ptrace shows in the outcome of stop().
   */
  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer>;
  /** Maintenance facts recorded with the run: image size, privileges, generated config, ... */
  facts(): Promise<Record<string, FactValue>>;
  /** Drops the caches this environment owns so the next start is cold. Never the user's own caches. */
  evictCaches(): Promise<void>;
  footprint(): Promise<Footprint>;
  /** Stops what prepare() started and removes what it created for this run. */
  dispose(): Promise<void>;
  /** On a remote host (`run --host`): how edits to the run's scratch copy here reach the host's copy. Absent locally. */
  readonly remoteEdits?: RemoteEdits;
}

/** A remote session's way of getting the scratch copy's edits to the host (remote-sync scenario). */
export interface RemoteEdits {
  /** The host's name (`envbench hosts add NAME`). */
  readonly host: string;
  /** rsync of the whole scratch copy over SSH, deletions too: a sync-on-save. */
  syncAll(signal?: AbortSignal): Promise<{ ms: number; bytesSent: number }>;
  /** rsync of just these files (relative to the scratch copy): what a watch-and-sync loop sends for a change. */
  syncFiles(files: readonly string[], signal?: AbortSignal): Promise<{ ms: number; bytesSent: number }>;
}
