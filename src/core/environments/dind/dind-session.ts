import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue } from '../../../shared/run';
import { HELPER_IN_CONTAINER } from '../docker/container-exec';
import type { ImagePlan } from '../docker/dev-image';
import { configLines } from '../../config-lines';
import { definitionFacts } from '../definition-facts';
import { workspaceKey } from '../../data-paths';
import { cacheVolumeName, dockerDefinitionSource } from '../docker/dev-image';
import { modulesSource } from '../host-go';
import { createDockerClient } from '../docker/docker-client';
import { followProgress, isNotFound } from '../docker/engine-stream';
import type { ShellEntry } from '../docker/go-container';
import { bindMount, cacheHomeFor, GoContainer, MODCACHE_IN_CONTAINER, phaseTimer, SCRATCH_IN_CONTAINER, WORKSPACE_IN_CONTAINER } from '../docker/go-container';
import { LABEL_INSTANCE, LABEL_RUN, LABEL_RUNTIME, managedLabels, ownedContainer, ownedLabels } from '../docker/labels';
import { imageExists } from '../docker/offline-images';
import { readyThenFirstRun } from '../startup-phases';
import { describeError } from '../../user-error';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, Footprint, IsolatedOutcome, RuntimeSession, StartupOptions, StartupOutcome, StartupTemperature } from '../runtime';
import type { ContainerSessionConfig } from '../docker/container-runtime';
import { flushPendingWrites } from '../../measure/flush-writes';

// A prepared Docker-in-Docker environment: an outer container running its own dockerd, and the Go
// container inside it (the docker runtime's GoContainer) that commands, terminals and the debugger use.

const INNER_SOCKET_DIR = '/envbench-inner';
const INNER_READY_TIMEOUT_MS = 90_000;
/** How the outer container gets the rights an inner dockerd needs. */
export interface PrivilegeMode {
  privileged: boolean;
  /** Capabilities dropped from ALL when --privileged is refused by the host. */
  dropped: string[];
  /** The engine's refusal of --privileged, when the fallback was used. */
  fallbackReason: string | null;
}

export interface OuterImage {
  ref: string;
  source: 'pulled docker:dind' | 'assembled from host binaries';
  dockerfile: string | null;
  /** Builds or pulls it, once: a cold start keeps it (it is DinD's engine, not the environment's state). */
  ensure(): Promise<void>;
}

/** The Go environment's definition, and the outer image's (the Docker daemon it runs in) when EnvBench assembled one. */
function dindDefinitionFacts(devPlan: ImagePlan, outer: OuterImage): Record<string, FactValue> {
  const text = outer.dockerfile ? `${devPlan.dockerfile}\n# --- outer image ${outer.ref} (${outer.source}) ---\n${outer.dockerfile}` : devPlan.dockerfile;
  return definitionFacts(devPlan.definitionFile ?? 'Dockerfile.dev (generated; kept with the run only)', `${dockerDefinitionSource(devPlan)}, in the outer image ${outer.ref} (${outer.source})`, text);
}
/**
 * Outer containers serving terminals by data volume, with how many terminals use each; and the
 * ones being stopped, which a new one on the same volume waits for (one dockerd per data root).
 */
export interface TerminalDaemons {
  shared: Map<string, { daemon: Promise<OuterDaemon>; users: number }>;
  stopping: Map<string, Promise<void>>;
}

interface DindConfig extends ContainerSessionConfig {
  devPlan: ImagePlan;
  outer: OuterImage;
  privileges: PrivilegeMode;
  log: (line: string) => void;
}

/** One outer container with its inner daemon, reachable from the host through a bind-mounted socket. */
interface OuterDaemon {
  container: Docker.Container;
  inner: Docker;
  socketDir: string;
  volume: string;
  removeVolume: boolean;
}

export class DindSession implements RuntimeSession {
  readonly runtime = 'dind' as const;
  readonly workspaceDir: string;
  /** XDG_CACHE_HOME in the inner Go container (its cache volume's place). */
  readonly xdgCacheHome: string;
  private readonly warmVolume: string;
  /** The outer container's data volume for terminals: never a run's, so two daemons never share it. */
  private readonly terminalVolume: string;
  private storageDriver: 'overlay2' | 'vfs' = 'overlay2';
  private perf: { daemon: OuterDaemon; go: GoContainer } | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly config: DindConfig,
  ) {
    this.workspaceDir = config.workspace.path;
    this.xdgCacheHome = cacheHomeFor(config.devPlan.settings);
    this.warmVolume = `envbench-dind-data-${workspaceKey(config.workspace.path)}-${config.instance}`;
    this.terminalVolume = `envbench-dind-terminal-data-${workspaceKey(config.workspace.path)}-${config.instance}`;
  }

  private outerSpec(volume: string, socketDir: string): Docker.ContainerCreateOptions {
    const { privileges } = this.config;
    const binds = [
      bindMount(socketDir, INNER_SOCKET_DIR, 'read-write'),
      bindMount(this.config.workspace.path, WORKSPACE_IN_CONTAINER, 'read-write'),
      bindMount(this.config.helper, HELPER_IN_CONTAINER, 'read-only'),
    ];
    if (this.config.scratchPath) binds.push(bindMount(this.config.scratchPath, SCRATCH_IN_CONTAINER, 'read-write'));
    if (this.config.modCache) binds.push(bindMount(this.config.modCache, MODCACHE_IN_CONTAINER, 'read-only'));
    if (!privileges.privileged) binds.push(bindMount('/sys/fs/cgroup', '/sys/fs/cgroup', 'read-write'));
    return {
      ...ownedContainer('dind-container', { [LABEL_RUN]: this.config.runId, [LABEL_RUNTIME]: 'dind' }),
      Image: this.config.outer.ref,
      Cmd: [
        'dockerd',
        `--host=unix://${INNER_SOCKET_DIR}/docker.sock`,
        '--iptables=false',
        '--bridge=none',
        `--storage-driver=${this.storageDriver}`,
        '--exec-opt',
        'native.cgroupdriver=cgroupfs',
      ],
      HostConfig: {
        Mounts: [...binds, { Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
        Tmpfs: { '/run': 'exec' },
        NetworkMode: 'none',
        ...(privileges.privileged
          ? { Privileged: true }
          : {
              CapAdd: ['ALL'],
              CapDrop: privileges.dropped,
              SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
              // What the CLI's `--security-opt systempaths=unconfined` means in the Engine API.
              MaskedPaths: [],
              ReadonlyPaths: [],
            }),
      },
    };
  }

  private async createVolume(name: string, owned: boolean): Promise<void> {
    try {
      await this.docker.getVolume(name).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const extra = { [LABEL_RUNTIME]: 'dind', [LABEL_INSTANCE]: this.config.instance };
      const labels = owned ? ownedLabels('cache-volume', extra) : managedLabels('cache-volume', extra);
      await this.docker.createVolume({ Name: name, Labels: labels });
    }
  }

  /** Creates and starts an outer container (no wait for its daemon). */
  private async startOuter(volume: string, removeVolume: boolean): Promise<OuterDaemon> {
    await this.createVolume(volume, removeVolume);
    // A short path: unix socket paths are limited to 108 bytes.
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-dind-'));
    const container = await this.docker.createContainer(this.outerSpec(volume, socketDir));
    const daemon: OuterDaemon = { container, inner: createDockerClient({ description: 'inner dockerd', socketPath: path.join(socketDir, 'docker.sock') }), socketDir, volume, removeVolume };
    try {
      await container.start();
    } catch (error) {
      await this.stopOuter(daemon);
      throw error;
    }
    return daemon;
  }

  private async waitForInner(daemon: OuterDaemon): Promise<void> {
    const deadline = Date.now() + INNER_READY_TIMEOUT_MS;
    let checks = 0;
    for (;;) {
      try {
        await daemon.inner.ping();
        return;
      } catch {
        // not yet
      }
      if (++checks % 20 === 0 || Date.now() > deadline) {
        const state = await daemon.container.inspect();
        if (!state.State.Running || Date.now() > deadline) {
          const logs = (await daemon.container.logs({ stdout: true, stderr: true, tail: 8 })).toString('utf8').replace(/[^\x20-\x7e\n]/g, '');
          const why = state.State.Running ? `did not answer within ${INNER_READY_TIMEOUT_MS / 1000} s` : `exited with ${state.State.ExitCode}`;
          throw new Error(`the inner dockerd ${why}: ${logs.trim().split('\n').slice(-4).join(' | ')}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async loadDevImage(daemon: OuterDaemon): Promise<void> {
    const image = await this.docker.getImage(this.config.devPlan.ref).get();
    await followProgress(daemon.inner, await daemon.inner.loadImage(image), this.config.log);
  }

  private async stopOuter(daemon: OuterDaemon): Promise<void> {
    await daemon.container.remove({ force: true, v: true }).catch(() => {});
    if (daemon.removeVolume) {
      // A cold data root, in a run, goes after its last sample: freeing its files now would slow
      // the next sample's (deferred-removal.ts).
      const remove = (): Promise<void> => this.docker.getVolume(daemon.volume).remove();
      if (this.config.removals) this.config.removals.defer(remove);
      else await remove().catch(() => {});
    }
    fs.rmSync(daemon.socketDir, { recursive: true, force: true });
  }

  private goContainer(daemon: OuterDaemon): GoContainer {
    return new GoContainer({
      runtime: 'dind',
      docker: daemon.inner,
      image: this.config.devPlan.ref,
      // Sources as the inner daemon sees them: the outer container's own mounts.
      mounts: {
        workspace: WORKSPACE_IN_CONTAINER,
        scratch: this.config.scratchPath ? SCRATCH_IN_CONTAINER : null,
        helper: HELPER_IN_CONTAINER,
        modCache: this.config.modCache ? MODCACHE_IN_CONTAINER : null,
      },
      hostWorkspace: this.config.workspace.path,
      hostScratch: this.config.scratchPath,
      offline: true,
      runId: this.config.runId,
      cacheVolume: cacheVolumeName('dind', this.config.workspace, this.config.instance),
      instance: this.config.instance,
      // With the host's cgroupfs mounted (cgroup v1, or the capability fallback) the inner daemon
      // creates the Go container's cgroup beside the outer one; where cgroups nest, the outer's holds it.
      cgroupCandidates: (inner) => [inner, daemon.container.id],
      hostPids: false,
      settings: this.config.devPlan.settings,
    });
  }

  /**
   * Prepares the warm state once: the persistent data volume holds the Go image loaded into the
   * inner daemon. Also settles the inner storage driver (overlay2, else vfs).
   */
  async warmUp(): Promise<void> {
    await this.stopOuter(await this.startWarmDaemon(this.warmVolume));
  }

  /** An outer container on a persistent data volume, its inner daemon answering with the Go image loaded. */
  private async startWarmDaemon(volume: string): Promise<OuterDaemon> {
    let daemon = await this.startOuter(volume, false);
    try {
      try {
        await this.waitForInner(daemon);
      } catch (error) {
        this.config.log(`dind: inner dockerd failed with overlay2 (${describeError(error)}); retrying with vfs, which is much slower`);
        await this.stopOuter(daemon);
        this.storageDriver = 'vfs';
        daemon = await this.startOuter(volume, false);
        await this.waitForInner(daemon);
      }
      if (!(await imageExists(daemon.inner, this.config.devPlan.ref))) await this.loadDevImage(daemon);
      await this.goContainer(daemon).ensureCacheVolume();
      return daemon;
    } catch (error) {
      await this.stopOuter(daemon);
      throw error;
    }
  }

  get innerImageRef(): string {
    return this.config.devPlan.ref;
  }

  /**
   * A named inner Go container for a terminal, started, in the outer container the workspace's
   * terminals share (started on first use). remove() removes the inner container (the inner
   * daemon's state lives on, in the volume) and stops the outer one when no terminal is left.
   */
  async startShellContainer(name: string, daemons: TerminalDaemons): Promise<{ name: string; socket: string; entry: ShellEntry; remove(): Promise<void> }> {
    const volume = this.terminalVolume;
    let entry = daemons.shared.get(volume);
    if (!entry) {
      const previous = daemons.stopping.get(volume) ?? Promise.resolve();
      const starting = { daemon: previous.then(() => this.startTerminalDaemon(volume)), users: 0 };
      // A daemon that failed to start is forgotten, so the next terminal tries again.
      starting.daemon.catch(() => daemons.shared.get(volume) === starting && daemons.shared.delete(volume));
      daemons.shared.set(volume, starting);
      entry = starting;
    }
    const shared = entry;
    shared.users++;
    let daemon: OuterDaemon;
    try {
      daemon = await shared.daemon;
    } catch (error) {
      shared.users--;
      throw error;
    }
    const release = async (): Promise<void> => {
      if (--shared.users > 0) return;
      if (daemons.shared.get(volume) === shared) daemons.shared.delete(volume);
      const stopped = this.stopOuter(daemon).catch(() => {});
      daemons.stopping.set(volume, stopped);
      await stopped;
      if (daemons.stopping.get(volume) === stopped) daemons.stopping.delete(volume);
    };
    let container: Docker.Container | null = null;
    const remove = async (): Promise<void> => {
      await container?.remove({ force: true, v: true }).catch(() => {});
      await release();
    };
    const go = this.goContainer(daemon);
    try {
      await go.ensureCacheVolume();
      container = await daemon.inner.createContainer(go.spec('perf-container', true, 'default', name));
      await container.start();
    } catch (error) {
      await remove();
      throw error;
    }
    return { name, socket: path.join(daemon.socketDir, 'docker.sock'), entry: await go.shellEntry(), remove };
  }

  /**
   * The terminals' outer container. Inner containers of terminals that ended with the process
   * (a crash, kill -9) are still recorded in its data volume: none can be in use yet, so they go.
   */
  private async startTerminalDaemon(volume: string): Promise<OuterDaemon> {
    const daemon = await this.startWarmDaemon(volume);
    for (const stale of await daemon.inner.listContainers({ all: true }).catch(() => [])) {
      await daemon.inner.getContainer(stale.Id).remove({ force: true, v: true }).catch(() => {});
    }
    return daemon;
  }

  private async perfState(): Promise<{ daemon: OuterDaemon; go: GoContainer }> {
    if (this.perf) return this.perf;
    const daemon = await this.startOuter(this.warmVolume, false);
    try {
      await this.waitForInner(daemon);
    } catch (error) {
      await this.stopOuter(daemon);
      throw error;
    }
    this.perf = { daemon, go: this.goContainer(daemon) };
    return this.perf;
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return (await this.perfState()).go.exec(command, options);
  }

  /** In the inner Go container, like every command scenario. */
  async startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return (await this.perfState()).go.startDebugServer(mainPackage, cwd, options);
  }

  /** A new inner container with `--network none` (the outer one has no network either). */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const outcome = await (await this.perfState()).go.execWithoutNetwork(command, options);
    return { ...outcome, isolation: 'a new inner container with --network none, in an outer container with --network none' };
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    // Two daemons must never share a data root: the long-lived one stops while a start is measured.
    await this.stopPerf();
    const phases: { name: string; ms: number }[] = [];
    const timed = phaseTimer(phases);
    const cold = temperature === 'cold';
    // The outer image stays, cold or warm: it is DinD's Docker Engine (docker:dind, or this
    // machine's binaries offline), which a person pulls once, as the docker runtime keeps its Go
    // image. Cold is the inner engine's: an empty data root, the Go image loaded into it again.
    // What stopping the long-lived daemon wrote goes to disk unmeasured.
    await flushPendingWrites();
    const volume = cold ? `envbench-dind-cold-${crypto.randomBytes(4).toString('hex')}` : this.warmVolume;
    const daemon = await timed('outer-start', () => this.startOuter(volume, cold));
    let container: Awaited<ReturnType<Docker['createContainer']>> | null = null;
    try {
      await timed('inner-daemon', () => this.waitForInner(daemon));
      if (cold) await timed('inner-image-load', () => this.loadDevImage(daemon));
      const go = this.goContainer(daemon);
      if (!cold) await go.ensureCacheVolume();
      const created = await timed('inner-create', () => daemon.inner.createContainer(go.spec('startup-container', !cold)));
      container = created;
      await timed('inner-start', () => created.start());
      return await readyThenFirstRun(phases, 'exec-ready', (argv) => go.execIn(created, argv, options), options.firstRun);
    } finally {
      // Warm, the inner container first: the warm volume keeps the inner daemon's data, and with it
      // any container left there. Cold, it goes with its data root (stopOuter).
      if (!cold) await container?.remove({ force: true }).catch(() => {});
      await this.stopOuter(daemon);
    }
  }

  private async stopPerf(): Promise<void> {
    const perf = this.perf;
    this.perf = null;
    if (!perf) return;
    await perf.go.dispose().catch(() => {});
    await this.stopOuter(perf.daemon);
  }

  async evictCaches(): Promise<void> {
    await this.stopPerf();
    await this.docker.getVolume(this.warmVolume).remove().catch(() => {});
  }

  async footprint(): Promise<Footprint> {
    const outer = await this.docker.getImage(this.config.outer.ref).inspect();
    const dev = await this.docker.getImage(this.config.devPlan.ref).inspect();
    const items = [
      { label: `outer image ${this.config.outer.ref}`, bytes: outer.Size },
      { label: `Go image ${this.config.devPlan.ref} (loaded again into the inner daemon)`, bytes: dev.Size },
    ];
    return { totalBytes: items.reduce((sum, i) => sum + i.bytes, 0), items };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const outer = await this.docker.getImage(this.config.outer.ref).inspect();
    const { privileges } = this.config;
    const lines = configLines([this.config.outer.dockerfile ?? '', this.config.devPlan.dockerfile].join('\n'));
    return {
      outerImageRef: this.config.outer.ref,
      outerImageSource: this.config.outer.source,
      outerImageSizeBytes: outer.Size,
      outerImageLayers: outer.RootFS?.Layers?.length ?? null,
      innerImageRef: this.config.devPlan.ref,
      innerImageSource: `${this.config.devPlan.source}, loaded with docker save | docker load`,
      privileges: privileges.privileged ? '--privileged' : `capability fallback: ALL minus ${privileges.dropped.join(', ') || 'nothing'}, seccomp/AppArmor unconfined, /sys/fs/cgroup mounted read-write`,
      privilegeFallbackReason: privileges.fallbackReason,
      innerStorageDriver: this.storageDriver,
      configLines: lines,
      modulesSource: modulesSource(this.config.workspace, this.config.modCache),
      offlineReason: this.config.devPlan.offlineReason,
      network: 'none',
      ...this.config.devcontainerFacts,
      ...dindDefinitionFacts(this.config.devPlan, this.config.outer),
    };
  }

  async dispose(): Promise<void> {
    await this.stopPerf();
  }
}
