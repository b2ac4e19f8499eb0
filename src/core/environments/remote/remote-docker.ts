import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import { instanceKey } from '../../data-paths';
import { forwardDockerSocket, type ForwardedEngine, REMOTE_DOCKER_SOCKET } from '../../hosts/docker-forward';
import { describeSyncs, type RemoteHost, type SyncOutcome } from '../../hosts/remote-host';
import { UserError } from '../../user-error';
import { commandLine, terminalPrepareContext } from '../runtime';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, IsolatedOutcome, PrepareContext, RemoteEdits, Runtime, RuntimeSession, ShellCommand, ShellOptions, StartupOptions, StartupOutcome, StartupTemperature, Footprint } from '../runtime';
import { reapOrphanContainers } from '../docker/docker-cleanup';
import { createDockerClient } from '../docker/docker-client';
import { devcontainerFacts, planDevImage } from '../docker/dev-image';
import { definitionFileOf, DockerSession, dockerExecShell, requireDockerCli, terminalContainerName } from '../docker/docker';
import { followProgress } from '../docker/engine-stream';
import { BASE_IMAGE, imageExists } from '../docker/offline-images';
import { remoteWorkspace } from './remote-native';
import { remoteEdits } from './remote-edits';
import { LABEL_RUN } from '../docker/labels';

/**
 * Docker on another machine: that host's own Docker Engine, reached over SSH (its socket
 * forwarded by the user's OpenSSH, docker-forward.ts), the same dev image and Go container as
 * locally (DockerSession), built and run there. The workspace and the measure helper are the
 * host's copies (rsync, checksum), the containers carry the same ownership labels, and a run's
 * start reaps the containers of a run on that engine whose EnvBench is gone (a kill -9).
 */
export class RemoteDockerRuntime implements Runtime {
  readonly id = 'docker' as const;
  readonly displayName: string;

  constructor(
    private readonly host: RemoteHost,
    private readonly resourcesDir: string,
  ) {
    this.displayName = `Docker on ${host.entry.name}`;
  }

  portableDefinition(): null {
    return null;
  }

  async detect(): Promise<RuntimeHealth> {
    const docker = this.host.probe.tools.find((t) => t.name === 'docker')!;
    const reason = docker.reason ?? this.archMismatch();
    return { id: this.id, available: reason === null, version: docker.version, reason, endpoint: `${this.host.entry.url} (${REMOTE_DOCKER_SOCKET})` };
  }

  /** The offline dev image carries this machine's Go toolchain: it runs only on a host of the same architecture. */
  private archMismatch(): string | null {
    const arch = this.host.probe.machine?.arch;
    const here = { x64: 'x86_64', arm64: 'aarch64' }[os.arch() as 'x64' | 'arm64'] ?? os.arch();
    return arch && arch !== here ? `${this.host.entry.name} is ${arch} and this machine ${here}: the offline dev image carries this machine's Go toolchain` : null;
  }

  async plannedWork(workspace: WorkspaceInfo): Promise<string[]> {
    return [`syncs ${workspace.path} to ${this.host.entry.name}:${remoteWorkspace(this.host, workspace.path)} with rsync`, `builds or reuses the dev image on ${this.host.entry.name}'s Docker Engine`];
  }

  prepare(context: PrepareContext): Promise<RuntimeSession> {
    return this.session(context);
  }

  /** bash in a container of the dev image on the host, through the docker CLI here and the forwarded socket. */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    await requireDockerCli(this.displayName);
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    try {
      const container = await session.inner.startShellContainer(terminalContainerName(options.terminalId));
      const args = dockerExecShell(container.name, container.entry, ['-H', `unix://${session.engine.socketPath}`]);
      return {
        file: 'docker',
        args,
        cwd: workspace.path,
        env: {},
        title: `Docker on ${this.host.entry.name}: ${session.inner.imageRef}`,
        display: commandLine(['docker', '-H', `ssh://${this.host.entry.name}`, ...args.slice(2)]),
        dispose: async () => {
          await container.remove();
          await session.dispose();
        },
      };
    } catch (error) {
      await session.dispose();
      throw error;
    }
  }

  private async session(context: PrepareContext): Promise<RemoteDockerSession> {
    const log = context.log ?? (() => {});
    const problem = this.archMismatch();
    if (problem) throw new UserError(`Cannot run docker on ${this.host.entry.name}`, problem, 'Measure docker there with an image of its own architecture (a Dockerfile.dev in the workspace)');
    const helper = await this.host.helper(this.resourcesDir);
    const workspaceCopy = remoteWorkspace(this.host, context.workspace.path);
    const syncs: SyncOutcome[] = [await this.host.sync(context.workspace.path, workspaceCopy, { signal: context.signal })];
    const scratchCopy = context.scratchPath ? `${this.host.base}/scratch/${path.basename(context.scratchPath)}` : null;
    if (context.scratchPath && scratchCopy) syncs.push(await this.host.sync(context.scratchPath, scratchCopy, { signal: context.signal }));
    // Tied to this process: when it ends, even by kill -9, the host removes the run's containers.
    const engine = await forwardDockerSocket(this.host.entry, { removeOnClose: { label: LABEL_RUN, value: context.runId } });
    try {
      const docker = createDockerClient({ description: `${this.host.entry.name}'s Docker Engine`, socketPath: engine.socketPath });
      // Containers a killed EnvBench left on that engine: their owner label names this machine's process.
      await reapOrphanContainers(docker);
      const instance = instanceKey(context.dataDir);
      await this.ensureBaseImage(docker, context.offline, log);
      const plan = await planDevImage(docker, context.workspace, context.offline, instance, log);
      if (!(await imageExists(docker, plan.ref))) {
        log(`building ${plan.ref} on ${this.host.entry.name}`);
        await plan.ensure();
      }
      const definitionFile = definitionFileOf(plan, context);
      const modCache = await this.host.goEnv('GOMODCACHE');
      const inner = new DockerSession(docker, {
        devcontainerFacts: devcontainerFacts(plan, context.runId, log),
        plan,
        workspace: context.workspace,
        scratchPath: context.scratchPath,
        helper,
        modCache,
        offline: context.offline || plan.source === 'generated-offline',
        runId: context.runId,
        definitionFile,
        instance,
        engineEndpoint: `${REMOTE_DOCKER_SOCKET} on ${this.host.entry.name}, over SSH`,
        remoteEngine: { mounts: { workspace: workspaceCopy, scratch: scratchCopy, helper, modCache } },
      });
      return new RemoteDockerSession(this.host, inner, engine, context, scratchCopy, syncs);
    } catch (error) {
      await engine.close();
      throw error;
    }
  }

  /**
   * The offline base image on the host's engine: this machine's copy when it has one (docker save
   * here, load there), else built here with debootstrap and imported there (planDevImage).
   */
  private async ensureBaseImage(remote: Docker, offline: boolean, log: (line: string) => void): Promise<void> {
    if (!offline || (await imageExists(remote, BASE_IMAGE))) return;
    const local = createDockerClient();
    if (!(await imageExists(local, BASE_IMAGE).catch(() => false))) return;
    log(`copying ${BASE_IMAGE} to ${this.host.entry.name}'s Docker Engine`);
    await followProgress(remote, await remote.loadImage(await local.getImage(BASE_IMAGE).get()), log);
  }
}

/**
 * DockerSession on the host's engine, with what being remote adds: the scratch copy synced again
 * before each command in it (scenarios edit it here between samples; the sync is never in a
 * figure), the syncs and the SSH round trip as facts, and the forward closed at the end.
 */
class RemoteDockerSession implements RuntimeSession {
  readonly runtime = 'docker' as const;
  readonly workspaceDir: string;
  readonly remoteEdits: RemoteEdits | undefined;

  constructor(
    private readonly host: RemoteHost,
    readonly inner: DockerSession,
    readonly engine: ForwardedEngine,
    private readonly context: PrepareContext,
    private readonly scratchCopy: string | null,
    private readonly syncs: SyncOutcome[],
  ) {
    this.workspaceDir = inner.workspaceDir;
    this.remoteEdits = remoteEdits(host, context.scratchPath, scratchCopy);
  }

  get xdgCacheHome(): string {
    return this.inner.xdgCacheHome;
  }

  private async syncFor(cwd: string, signal?: AbortSignal): Promise<void> {
    const scratch = this.context.scratchPath;
    if (!scratch || !this.scratchCopy) return;
    const relative = path.relative(scratch, cwd);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return;
    this.syncs.push(await this.host.sync(scratch, this.scratchCopy, { signal }));
  }

  /**
   * Work on the host's engine, unless the SSH connection carrying it has dropped: then the host
   * removed this run's containers (the forward's session ended), so nothing of this session can go
   * on, and every later step says why in one line instead of a socket error.
   */
  private async onEngine<T>(work: () => Promise<T>): Promise<T> {
    const before = this.engine.lost();
    if (before) throw new Error(this.lostMessage(before));
    try {
      return await work();
    } catch (error) {
      const why = await this.engine.lostWithin(2_000);
      throw why ? new Error(this.lostMessage(why)) : error;
    }
  }

  private lostMessage(why: string): string {
    const name = this.host.entry.name;
    return `the SSH connection carrying ${name}'s Docker Engine closed during the run (${why}); ${name} removed this run's containers when it closed, so docker on ${name} cannot go on in this run: check the connection (envbench hosts doctor ${name}) and run again`;
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.onEngine(async () => {
      await this.syncFor(command.cwd, options.signal);
      return this.inner.exec(command, options);
    });
  }

  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    return this.onEngine(async () => {
      await this.syncFor(command.cwd, options.signal);
      const outcome = await this.inner.execWithoutNetwork(command, options);
      return { ...outcome, isolation: `${outcome.isolation}, on ${this.host.entry.name}` };
    });
  }

  async startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return this.onEngine(async () => {
      await this.syncFor(cwd, options.signal);
      return this.inner.startDebugServer(mainPackage, cwd, options);
    });
  }

  startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    return this.onEngine(() => this.inner.startup(temperature, options));
  }

  evictCaches(): Promise<void> {
    return this.onEngine(() => this.inner.evictCaches());
  }

  footprint(): Promise<Footprint> {
    return this.onEngine(() => this.inner.footprint());
  }

  async facts(): Promise<Record<string, FactValue>> {
    return {
      ...(await this.onEngine(() => this.inner.facts())),
      host: `${this.host.entry.name} (${this.host.entry.url})`,
      sshRoundTripMs: this.host.probe.roundTripMs,
      workspaceSyncs: describeSyncs(this.syncs),
      cgroupSampling: `not sampled: the container's cgroup is on ${this.host.entry.name}`,
    };
  }

  async dispose(): Promise<void> {
    try {
      // A lost engine took this run's containers with it (onEngine): nothing is left to remove there.
      if (!this.engine.lost()) await this.inner.dispose();
      if (this.scratchCopy) await this.host.run(['rm', '-rf', this.scratchCopy]).catch(() => undefined);
    } finally {
      await this.engine.close();
    }
  }
}
