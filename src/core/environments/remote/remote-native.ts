import { spawn } from 'node:child_process';
import path from 'node:path';
import { Duplex } from 'node:stream';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import { workspaceKey } from '../../data-paths';
import { describeSyncs, type RemoteHost, type SyncOutcome } from '../../hosts/remote-host';
import { remoteCommand, sshArgv, sshOptions } from '../../hosts/ssh';
import { measureHelperArgs } from '../../measure/measure-helper';
import { runMeasured } from '../../measure/measured-process';
import { delveArgv, launchDebugServer } from '../debug-server';
import { goEnvironment } from '../go-environment';
import { NETWORK_NAMESPACE_ISOLATION } from '../no-network';
import { commandLine } from '../runtime';
import type {
  CommandSpec,
  DebugServer,
  ExecOptions,
  ExecOutcome,
  Footprint,
  IsolatedOutcome,
  PrepareContext,
  RemoteEdits,
  Runtime,
  RuntimeSession,
  ShellCommand,
  ShellOptions,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from '../runtime';
import { readyThenFirstRun } from '../startup-phases';
import { remoteEdits } from './remote-edits';

/**
 * The bare host, on another machine: Go over SSH. The workspace is synced there with rsync (into
 * EnvBench's folder on the host), commands run under the same static measure helper as locally,
 * so a figure means the same thing on both sides; the SSH round trip is never part of it (wallMs
 * is the helper's clock, as native's), and every sync's time and bytes are kept apart.
 */
export class RemoteNativeRuntime implements Runtime {
  readonly id = 'native' as const;
  readonly displayName: string;

  constructor(
    private readonly host: RemoteHost,
    private readonly resourcesDir: string,
  ) {
    this.displayName = `Host (native) on ${host.entry.name}`;
  }

  portableDefinition(): null {
    return null;
  }

  async detect(): Promise<RuntimeHealth> {
    const go = this.host.probe.tools.find((t) => t.name === 'go')!;
    return { id: this.id, available: go.reason === null, version: go.version ? `go${go.version}` : null, reason: go.reason, endpoint: this.host.entry.url };
  }

  async plannedWork(workspace: WorkspaceInfo): Promise<string[]> {
    return [`syncs ${workspace.path} to ${this.host.entry.name}:${remoteWorkspace(this.host, workspace.path)} with rsync`];
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const helper = await this.host.helper(this.resourcesDir);
    const synced = await this.host.sync(context.workspace.path, remoteWorkspace(this.host, context.workspace.path), { signal: context.signal });
    context.log?.(`native on ${this.host.entry.name}: synced the workspace (${synced.bytesSent} bytes sent in ${Math.round(synced.ms)} ms)`);
    const env = this.environment(context.offline);
    await this.host.run(['mkdir', '-p', env.GOCACHE!, env.XDG_CACHE_HOME!], { signal: context.signal });
    return new RemoteNativeSession(this.host, helper, context, env, [synced]);
  }

  /** What Go runs with on the host, in measured commands and terminals alike: EnvBench's caches there, and the Go the probe found first on PATH. */
  private environment(offline: boolean): Record<string, string> {
    const goBin = path.posix.dirname(this.host.probe.remote.goBinary ?? '/usr/local/go/bin/go');
    return { ...goEnvironment(`${this.host.base}/cache`, this.id, offline), PATH: `${goBin}:${this.host.probe.remote.path}` };
  }

  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    const remote = remoteWorkspace(this.host, workspace.path);
    await this.host.sync(workspace.path, remote, { signal: options.signal });
    const args = sshArgv(this.host.entry, remoteCommand(['bash', '-i'], { cwd: remote, env: this.environment(options.offline ?? false) }), { tty: true });
    return { file: 'ssh', args, cwd: workspace.path, title: `Host on ${this.host.entry.name}: bash`, display: commandLine(['ssh', this.host.entry.url, 'bash', '-i']) };
  }
}

/** Where a local workspace is synced on the host: named for its local path, as generated definitions are. */
export function remoteWorkspace(host: RemoteHost, workspacePath: string): string {
  return `${host.base}/workspaces/${workspaceKey(workspacePath)}`;
}

class RemoteNativeSession implements RuntimeSession {
  readonly runtime = 'native' as const;
  readonly workspaceDir: string;
  readonly xdgCacheHome: string;
  readonly remoteEdits: RemoteEdits | undefined;
  private readonly remoteScratch: string | null;

  constructor(
    private readonly host: RemoteHost,
    private readonly helper: string,
    private readonly context: PrepareContext,
    private readonly env: Record<string, string>,
    /** Every sync this session made: kept apart from the figures, recorded as facts. */
    private readonly syncs: SyncOutcome[],
  ) {
    this.workspaceDir = context.workspace.path;
    this.xdgCacheHome = env.XDG_CACHE_HOME!;
    this.remoteScratch = context.scratchPath ? `${host.base}/scratch/${path.basename(context.scratchPath)}` : null;
    this.remoteEdits = remoteEdits(host, context.scratchPath, this.remoteScratch);
  }

  /**
   * The host's folder for a local one: the workspace's copy, or the run's scratch copy's, which is
   * synced again before each command run in it (scenarios edit it here, between samples); the sync
   * is not timed into the sample.
   */
  private async remoteCwd(cwd: string, signal?: AbortSignal): Promise<string> {
    const inside = (root: string): string | null => {
      const relative = path.relative(root, cwd);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative)) ? relative : null;
    };
    const scratch = this.context.scratchPath ? inside(this.context.scratchPath) : null;
    if (scratch !== null && this.remoteScratch) {
      this.syncs.push(await this.host.sync(this.context.scratchPath!, this.remoteScratch, { signal }));
      return path.posix.join(this.remoteScratch, ...scratch.split(path.sep));
    }
    const workspace = inside(this.context.workspace.path);
    if (workspace === null) throw new Error(`not a folder of the workspace or its scratch copy: ${cwd}`);
    return path.posix.join(remoteWorkspace(this.host, this.context.workspace.path), ...workspace.split(path.sep));
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.run(command.argv, command, options);
  }

  /** The helper's report is the figure; the SSH round trip (outerWallMs minus it) is not in it. */
  private async run(argv: readonly string[], command: CommandSpec, options: ExecOptions, wrap: (helperArgv: string[]) => string[] = (a) => a): Promise<ExecOutcome> {
    const cwd = await this.remoteCwd(command.cwd, options.signal);
    const remote = remoteCommand(wrap([this.helper, ...measureHelperArgs(argv, options.timeoutMs, { watchStdin: true })]), { cwd, env: { ...this.env, ...command.env } });
    const outcome = await runMeasured({
      program: 'ssh',
      args: sshArgv(this.host.entry, remote),
      cwd: this.context.workspace.path,
      env: process.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
      holdStdin: true,
    });
    if (!outcome.report && outcome.exitCode === 255) outcome.stderr = `ssh to ${this.host.entry.name} failed: ${outcome.stderr.trim()}`;
    const innerWallMs = outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs;
    return { ...outcome, wallMs: innerWallMs, innerWallMs };
  }

  /** unshare on the host, as native's: root there, or unprivileged user namespaces. */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const outcome = await this.run(command.argv, command, options, (helperArgv) => ['unshare', '--net', '--map-root-user', '--', ...helperArgv]);
    return { ...outcome, isolation: `${NETWORK_NAMESPACE_ISOLATION}, on ${this.host.entry.name}` };
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') await this.evictCaches();
    return readyThenFirstRun([], 'exec-ready', (argv) => this.exec({ argv, cwd: this.workspaceDir }, options), options.firstRun);
  }

  /** dlv on the host (its PATH, or ~/go/bin), reached through the SSH connection (`ssh -W`), never an open port. */
  async startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    const dlv = `${this.host.probe.remote.home}/go/bin/dlv`;
    const found = await this.host.run(['sh', '-c', 'command -v dlv || { test -x "$1" && echo "$1"; }', 'find-dlv', dlv]).catch(() => null);
    return launchDebugServer((opts) => this.exec({ argv: delveArgv(found?.stdout.trim() || 'dlv', mainPackage), cwd }, opts), (port) => this.connect(port), options);
  }

  private connect(port: number): Promise<Duplex> {
    const child = spawn('ssh', [...sshOptions(this.host.entry), '-W', `127.0.0.1:${port}`, '--', this.host.entry.hostname], { stdio: ['pipe', 'pipe', 'ignore'] });
    return Promise.resolve(Duplex.from({ readable: child.stdout, writable: child.stdin }));
  }

  async facts(): Promise<Record<string, FactValue>> {
    const go = this.host.probe.tools.find((t) => t.name === 'go')?.version;
    return {
      goVersion: go ? `go${go}` : null,
      privileges: 'none',
      configLines: 0,
      lockfile: 'go.sum only',
      host: `${this.host.entry.name} (${this.host.entry.url})`,
      sshRoundTripMs: this.host.probe.roundTripMs,
      workspaceSyncs: describeSyncs(this.syncs),
    };
  }

  async evictCaches(): Promise<void> {
    await this.host.run(['sh', '-c', 'for d in "$@"; do rm -rf "$d" && mkdir -p "$d"; done', 'evict', this.env.GOCACHE!, this.env.XDG_CACHE_HOME!]);
  }

  async footprint(): Promise<Footprint> {
    const sizes = await this.host.run(['du', '-sb', this.env.GOCACHE!, this.env.XDG_CACHE_HOME!]).catch(() => null);
    const bytes = (dir: string): number => Number(sizes?.stdout.split('\n').find((l) => l.endsWith(`\t${dir}`))?.split('\t')[0] ?? 0);
    const items = [
      { label: `Go build cache on ${this.host.entry.name} (EnvBench-owned)`, path: this.env.GOCACHE!, bytes: bytes(this.env.GOCACHE!) },
      { label: `Tool caches on ${this.host.entry.name} (EnvBench-owned)`, path: this.env.XDG_CACHE_HOME!, bytes: bytes(this.env.XDG_CACHE_HOME!) },
    ];
    return { totalBytes: items.reduce((sum, item) => sum + item.bytes, 0), items };
  }

  async dispose(): Promise<void> {
    if (this.remoteScratch) await this.host.run(['rm', '-rf', this.remoteScratch]).catch(() => undefined);
  }
}
