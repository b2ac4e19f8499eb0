import path from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { RuntimeId } from '../../../shared/run';
import { delveArgv, launchDebugServer } from '../debug-server';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, IsolatedOutcome } from '../runtime';
import { CgroupSampler, locateContainerCgroup } from './cgroup-usage';
import { execMeasured, HELPER_IN_CONTAINER } from './container-exec';
import { isNotFound } from './engine-stream';
import type { ObjectKind } from './labels';
import { LABEL_INSTANCE, LABEL_RUN, LABEL_RUNTIME, managedLabels, ownedContainer } from './labels';
import type { ContainerSettings } from './devcontainer-spec';
import { commandUser, DEFAULT_CONTAINER_SETTINGS, isRootUser, mergeEnv, resolveContainerEnv } from './devcontainer-spec';

/** Where the workspace is mounted unless devcontainer.json says otherwise (ContainerSettings). */
export const WORKSPACE_IN_CONTAINER = DEFAULT_CONTAINER_SETTINGS.workspaceTarget;
export const SCRATCH_IN_CONTAINER = '/scratch';
export const MODCACHE_IN_CONTAINER = '/go/pkg/mod';
/** The tool caches (XDG_CACHE_HOME: gopls, goimports) and, inside them, the build cache: one volume per runtime, mounted when warm. */
export const XDG_CACHE_IN_CONTAINER = '/root/.cache';
export const GOCACHE_IN_CONTAINER = `${XDG_CACHE_IN_CONTAINER}/go-build`;
/**
 * The same caches when commands run as another user (devcontainer.json's remoteUser): /root is
 * closed to them, and /tmp lets a cold start's Go create its cache there without the volume.
 */
export const USER_CACHE_IN_CONTAINER = '/tmp/envbench-cache';

/** The caches' folder for the user commands run as. */
export function cacheHomeFor(settings: ContainerSettings): string {
  return isRootUser(commandUser(settings)) ? XDG_CACHE_IN_CONTAINER : USER_CACHE_IN_CONTAINER;
}

/**
 * Joins stdin/stdout to a TCP port on the container's loopback. Constant: the port is its first
 * argument, never spliced into the script.
 */
const TCP_RELAY = 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1; cat <&3 & exec cat >&3';

/**
 * A bind mount in the Engine API's structured form. `Binds` strings ("src:dst:ro") cannot hold a
 * path with a colon ("invalid volume specification"); a Mount takes any path as it is.
 */
export function bindMount(source: string, target: string, access: 'read-only' | 'read-write'): Docker.MountSettings {
  return { Type: 'bind', Source: source, Target: target, ReadOnly: access === 'read-only' };
}

/** Bind-mount sources as the engine that runs the Go container sees them. */
export interface MountSources {
  workspace: string;
  scratch: string | null;
  helper: string;
  modCache: string | null;
}

export interface GoContainerConfig {
  runtime: RuntimeId;
  /** The engine that runs the Go container (the host's, or DinD's inner daemon). */
  docker: Docker;
  image: string;
  mounts: MountSources;
  /** Host paths, to map a command's working directory into the container. */
  hostWorkspace: string;
  hostScratch: string | null;
  offline: boolean;
  runId: string;
  cacheVolume: string;
  /** The EnvBench installation (instanceKey()) whose cache volume this is: its `envbench.instance` label. */
  instance: string;
  /**
   * Containers whose cgroup to sample, first found wins (default: the Go container itself).
   * DinD lists the inner container, then the outer one that contains it where cgroups nest.
   */
  cgroupCandidates?: (goContainerId: string) => string[];
  /** False when the engine's PIDs are not the host's (DinD's inner daemon). */
  hostPids?: boolean;
  /** devcontainer.json's workspace mount, env and users (default: EnvBench's own container). */
  settings?: ContainerSettings;
}

/** What `docker exec` of a terminal's shell is given (dockerExecShell). */
export interface ShellEntry {
  workdir: string;
  user?: string;
  /** NAME=value entries beyond the container's own. */
  env: string[];
}

/**
 * The Go development container both Docker runtimes use: workspace and module cache mounted
 * read-only, the build cache in the runtime's own named volume, commands run through exec and
 * measured by the helper, and the container's cgroup sampled around each command.
 */
export class GoContainer {
  private container: Docker.Container | null = null;
  private sampler: CgroupSampler | null = null;
  private remoteEnv: Promise<Record<string, string>> | null = null;
  readonly settings: ContainerSettings;
  /** XDG_CACHE_HOME in the container, where the runtime's cache volume is mounted. */
  readonly cacheHome: string;

  constructor(readonly config: GoContainerConfig) {
    this.settings = config.settings ?? DEFAULT_CONTAINER_SETTINGS;
    this.cacheHome = cacheHomeFor(this.settings);
  }

  /** EnvBench's variables: the same caches and module settings in every environment. */
  env(): string[] {
    return [`GOCACHE=${this.cacheHome}/go-build`, `XDG_CACHE_HOME=${this.cacheHome}`, `GOMODCACHE=${MODCACHE_IN_CONTAINER}`, ...(this.config.offline ? ['GOPROXY=off', 'GOTOOLCHAIN=local'] : [])];
  }

  /**
   * A command's environment: devcontainer.json's remoteEnv (its `${containerEnv:...}` read from the
   * image's and containerEnv's variables), then EnvBench's, then the command's own.
   */
  async commandEnv(extra: Record<string, string> = {}): Promise<string[]> {
    if (Object.keys(this.settings.remoteEnv).length === 0) return mergeEnv(this.env(), extra);
    this.remoteEnv ??= this.config.docker
      .getImage(this.config.image)
      .inspect()
      .then((image) => resolveContainerEnv(this.settings.remoteEnv, mergeEnv(image.Config?.Env ?? [], this.settings.containerEnv)));
    return mergeEnv(await this.remoteEnv, this.env(), extra);
  }

  /** How a terminal's `docker exec` enters the container: devcontainer.json's workspaceFolder, remoteUser and remoteEnv. */
  async shellEntry(): Promise<ShellEntry> {
    const env = Object.keys(this.settings.remoteEnv).length > 0 ? (await this.commandEnv()).filter((e) => e.slice(0, e.indexOf('=')) in this.settings.remoteEnv) : [];
    return { workdir: this.settings.workspaceFolder, env, ...(this.user ? { user: this.user } : {}) };
  }

  /** The user commands run as (remoteUser), when devcontainer.json names one. */
  get user(): string | undefined {
    return this.settings.remoteUser ?? undefined;
  }

  get id(): string | null {
    return this.container?.id ?? null;
  }

  /** Host path -> path inside the container (workspace or scratch copy). */
  toContainerPath(hostPath: string): string {
    const within = (root: string, mounted: string): string | null => {
      const rel = path.relative(root, hostPath);
      return rel.startsWith('..') || path.isAbsolute(rel) ? null : path.posix.join(mounted, rel.split(path.sep).join('/'));
    };
    const mapped = within(this.config.hostWorkspace, this.settings.workspaceTarget) ?? (this.config.hostScratch ? within(this.config.hostScratch, SCRATCH_IN_CONTAINER) : null);
    if (!mapped) throw new Error(`${hostPath} is not inside the workspace, so the container cannot see it`);
    return mapped;
  }

  /** The container's options; `name` for a terminal's container, otherwise a random one. */
  spec(kind: ObjectKind, warmCache: boolean, network: 'none' | 'default' = 'default', name?: string): Docker.ContainerCreateOptions {
    const { mounts } = this.config;
    // The workspace and the scratch copy are writable, as on the host and in a dev container: a
    // test that writes beside its package (cobra's TestDeadcodeElimination) must not fail only here.
    const binds = [bindMount(mounts.workspace, this.settings.workspaceTarget, 'read-write'), bindMount(mounts.helper, HELPER_IN_CONTAINER, 'read-only')];
    if (mounts.scratch) binds.push(bindMount(mounts.scratch, SCRATCH_IN_CONTAINER, 'read-write'));
    if (mounts.modCache) binds.push(bindMount(mounts.modCache, MODCACHE_IN_CONTAINER, 'read-only'));
    return {
      ...ownedContainer(kind, { [LABEL_RUN]: this.config.runId, [LABEL_RUNTIME]: this.config.runtime }, name),
      Image: this.config.image,
      Cmd: ['sleep', 'infinity'],
      WorkingDir: this.settings.workspaceTarget,
      // devcontainer.json's containerEnv, under EnvBench's own variables.
      Env: mergeEnv(this.settings.containerEnv, this.env()),
      ...(this.settings.containerUser ? { User: this.settings.containerUser } : {}),
      HostConfig: {
        // A cold start gets empty build and tool caches; everything else shares the runtime's own volume.
        Mounts: [...binds, ...(warmCache ? [{ Type: 'volume' as const, Source: this.config.cacheVolume, Target: this.cacheHome }] : [])],
        Init: true,
        NetworkMode: network === 'none' || this.config.offline ? 'none' : 'bridge',
      },
    };
  }

  async ensureCacheVolume(): Promise<void> {
    const { docker, cacheVolume, runtime } = this.config;
    try {
      await docker.getVolume(cacheVolume).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await docker.createVolume({ Name: cacheVolume, Labels: managedLabels('cache-volume', { [LABEL_RUNTIME]: runtime, [LABEL_INSTANCE]: this.config.instance }) });
    }
    const user = commandUser(this.settings);
    if (!isRootUser(user) && this.ownedBy !== user) {
      // A new volume's root belongs to root; the user commands run as gets it, once per session,
      // in a container of its own (never in a measured one), as a dev container's user owns its home.
      const chown = await docker.createContainer({
        ...ownedContainer('perf-container', { [LABEL_RUN]: this.config.runId, [LABEL_RUNTIME]: runtime }),
        Image: this.config.image,
        Entrypoint: ['chown', user!, this.cacheHome],
        Cmd: [],
        User: 'root',
        HostConfig: { Mounts: [{ Type: 'volume', Source: cacheVolume, Target: this.cacheHome }], NetworkMode: 'none' },
      });
      try {
        await chown.start();
        const { StatusCode } = (await chown.wait()) as { StatusCode: number };
        if (StatusCode !== 0) throw new Error(`could not give the cache volume ${cacheVolume} to the user ${user} (chown exited ${StatusCode}): is ${user} a user of the image ${this.config.image}?`);
      } finally {
        await chown.remove({ force: true }).catch(() => {});
      }
      this.ownedBy = user;
    }
  }

  /** The user the cache volume was given to in this session. */
  private ownedBy: string | null = null;

  /** The long-lived container for command scenarios, started on first use. */
  private async running(): Promise<Docker.Container> {
    if (this.container) return this.container;
    await this.ensureCacheVolume();
    const container = await this.config.docker.createContainer(this.spec('perf-container', true));
    this.container = container;
    await container.start();
    const candidates = this.config.cgroupCandidates?.(container.id) ?? [container.id];
    const layout = candidates.map((id) => locateContainerCgroup(id)).find((found) => found !== null) ?? null;
    this.sampler = new CgroupSampler(layout);
    return container;
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const container = await this.running();
    const env = await this.commandEnv(command.env);
    return execMeasured(this.config.docker, container, { argv: command.argv, workdir: this.toContainerPath(command.cwd), env, user: this.user }, { ...options, cgroup: this.sampler ?? undefined, hostPids: this.config.hostPids });
  }

  /** Runs a command in another container of the same engine (startup samples), measured the same way. */
  async execIn(container: Docker.Container, argv: readonly string[], options: ExecOptions): Promise<ExecOutcome> {
    const env = await this.commandEnv();
    return execMeasured(this.config.docker, container, { argv, workdir: this.settings.workspaceTarget, env, user: this.user }, { ...options, hostPids: this.config.hostPids });
  }

  /** `dlv debug` headless in the running container; its API reached through an exec relay (the container may have no network). */
  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return launchDebugServer((opts) => this.exec({ argv: delveArgv('dlv', mainPackage), cwd }, opts), (port) => this.connectPort(port), options);
  }

  /**
   * A byte stream to a port on the running container's loopback: a `docker exec` of a bash relay
   * with stdin and stdout attached, so it works with `--network none` and in DinD's inner engine.
   */
  async connectPort(port: number): Promise<Duplex> {
    const container = await this.running();
    const exec = await container.exec({
      Cmd: ['bash', '-c', TCP_RELAY, 'envbench-relay', String(port)],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const socket = await exec.start({ hijack: true, stdin: true });
    const fromPort = new PassThrough();
    const relayErrors = new PassThrough();
    let errorText = '';
    relayErrors.on('data', (chunk: Buffer) => (errorText += chunk.toString()));
    this.config.docker.modem.demuxStream(socket, fromPort, relayErrors);
    socket.on('end', () => fromPort.end());
    socket.on('close', () => fromPort.end());
    const stream = Duplex.from({ readable: fromPort, writable: socket });
    stream.on('close', () => socket.destroy());
    // bash reports a refused connection on stderr and exits; surface it rather than a silent close.
    socket.on('end', () => {
      if (errorText.trim()) stream.destroy(new Error(`could not reach port ${port} in the container: ${errorText.trim()}`));
    });
    return stream;
  }

  /**
   * Runs a command in a new container of the same image and warm build cache with `--network
   * none` (only a loopback), then removes it: the offline-readiness check.
   */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    await this.ensureCacheVolume();
    const container = await this.config.docker.createContainer(this.spec('offline-check-container', true, 'none'));
    try {
      await container.start();
      const env = await this.commandEnv(command.env);
      const outcome = await execMeasured(this.config.docker, container, { argv: command.argv, workdir: this.toContainerPath(command.cwd), env, user: this.user }, { ...options, hostPids: this.config.hostPids });
      return { ...outcome, isolation: 'a new container of the same image with --network none (only a loopback)' };
    } finally {
      await container.remove({ force: true }).catch(() => {});
    }
  }

  /** `go clean -cache` in the running container, or drop the cache volume when none runs. */
  async evictBuildCache(): Promise<void> {
    if (this.container) {
      await this.exec({ argv: ['go', 'clean', '-cache'], cwd: this.config.hostWorkspace }, { timeoutMs: 120_000 });
      return;
    }
    await this.config.docker.getVolume(this.config.cacheVolume).remove().catch(() => {});
  }

  async dispose(): Promise<void> {
    const container = this.container;
    this.container = null;
    if (container) await container.remove({ force: true }).catch(() => {});
  }
}

/** Times a step and appends it to the list of phases. */
export function phaseTimer(phases: { name: string; ms: number }[]) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    phases.push({ name, ms: performance.now() - started });
    return result;
  };
}
