import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue, WorkspaceInfo } from '../../../shared/run';
import type { ImagePlan } from './dev-image';
import { configLines } from '../../config-lines';
import { definitionFacts } from '../definition-facts';
import { instanceKey, workspaceDataDir } from '../../data-paths';
import { cacheVolumeName, dockerDefinitionSource, devcontainerFacts, devImageWork, planDevImage, removeOwnImage } from './dev-image';
import { hostModuleCache, modulesSource } from '../host-go';
import type { DockerEndpoint } from './docker-client';
import type { MountSources, ShellEntry } from './go-container';
import { GoContainer, phaseTimer } from './go-container';
import { imageExists } from './offline-images';
import { probe } from '../../machine/tool-version';
import { measureHelperPath } from '../../measure/measure-helper';
import { UserError } from '../../user-error';
import { readyThenFirstRun } from '../startup-phases';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, Footprint, IsolatedOutcome, PrepareContext, Runtime, RuntimeSession, ShellCommand, ShellOptions, StartupOptions, StartupOutcome, StartupTemperature } from '../runtime';
import type { ContainerSessionConfig } from './container-runtime';
import { ContainerRuntime } from './container-runtime';
import { commandLine, terminalPrepareContext } from '../runtime';
import { flushPendingWrites } from '../../measure/flush-writes';

/**
 * Terminals run the docker CLI in a pty (`docker exec -it`): EnvBench itself speaks the Engine
 * API, so the CLI is needed for terminals only.
 */
export async function requireDockerCli(runtimeName: string): Promise<void> {
  const cli = await probe('docker', ['--version']);
  if (cli.ok) return;
  throw new UserError(
    `Cannot open a ${runtimeName} terminal`,
    cli.failure === 'ENOENT'
      ? 'the docker CLI is not on PATH: the terminal runs `docker exec -it` in a pseudo-terminal (measurements use the Engine API and do not need it)'
      : `\`docker --version\` failed (${cli.failure})`,
    'Install the Docker CLI (apt-get install docker.io, or docker-ce-cli from Docker\'s repository) and open the terminal again',
  );
}

/** The docker CLI's environment: the engine EnvBench uses (DOCKER_HOST outranks any context, as in the CLI). */
export function dockerCliEnv(endpoint: DockerEndpoint): Record<string, string> {
  if (process.env.DOCKER_HOST) return {};
  if (endpoint.socketPath) return { DOCKER_HOST: `unix://${endpoint.socketPath}` };
  return endpoint.url ? { DOCKER_HOST: endpoint.url } : {};
}

/** A container's name for a terminal: short enough to read in `docker ps`, unique by the terminal's id. */
export function terminalContainerName(terminalId: string): string {
  return `envbench-terminal-${terminalId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
}

/** `docker [-H ...] exec -it` of bash in a running container, at the workspace folder, as the user and with the env devcontainer.json names. */
export function dockerExecShell(container: string, entry: ShellEntry, host: string[] = []): string[] {
  return [...host, 'exec', '-it', '-e', 'TERM=xterm-256color', ...entry.env.flatMap((e) => ['-e', e]), ...(entry.user ? ['-u', entry.user] : []), '-w', entry.workdir, container, 'bash'];
}

/** A Go toolchain in a container, workspace bind-mounted, commands run through `docker exec`. */
export class DockerRuntime extends ContainerRuntime implements Runtime {
  readonly id = 'docker' as const;
  readonly displayName = 'Docker';

  prepare(context: PrepareContext): Promise<RuntimeSession> {
    return this.session(context);
  }

  plannedWork(workspace: WorkspaceInfo, options: { dataDir: string; offline: boolean }): Promise<string[]> {
    return devImageWork(this.docker, workspace, options.offline, instanceKey(options.dataDir));
  }

  /**
   * bash in a new container of the runtime's dev image (the one its measurements use: same
   * mounts, build cache volume and network), through `docker exec -it`. The container is the
   * terminal's own, removed when the terminal ends.
   */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    await requireDockerCli(this.displayName);
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    const container = await session.startShellContainer(terminalContainerName(options.terminalId));
    const args = dockerExecShell(container.name, container.entry);
    return {
      file: 'docker',
      args,
      cwd: workspace.path,
      env: dockerCliEnv(this.endpoint),
      title: `Docker: ${session.imageRef}`,
      display: commandLine(['docker', ...args]),
      dispose: () => container.remove(),
    };
  }

  private async session(context: PrepareContext): Promise<DockerSession> {
    const log = context.log ?? (() => {});
    const instance = instanceKey(context.dataDir);
    const plan = await planDevImage(this.docker, context.workspace, context.offline, instance, log);
    if (!(await imageExists(this.docker, plan.ref))) {
      log(`building ${plan.ref}`);
      await plan.ensure();
    }
    const definitionFile = definitionFileOf(plan, context);
    log(`docker: environment defined by ${definitionFile} (${plan.source})`);
    return new DockerSession(this.docker, {
      devcontainerFacts: devcontainerFacts(plan, context.runId, log),
      plan,
      workspace: context.workspace,
      scratchPath: context.scratchPath,
      helper: measureHelperPath(this.resourcesDir),
      modCache: await hostModuleCache(),
      offline: context.offline || plan.source === 'generated-offline',
      runId: context.runId,
      definitionFile,
      instance,
      engineEndpoint: this.endpoint.description,
    });
  }
}

/** The file that defines the environment: the workspace's own, or the generated Dockerfile.dev, written to EnvBench's data directory (never the user's repository). */
export function definitionFileOf(plan: ImagePlan, context: Pick<PrepareContext, 'dataDir' | 'workspace'>): string {
  if (plan.definitionFile) return plan.definitionFile;
  const definitionDir = workspaceDataDir(context.dataDir, context.workspace.path);
  fs.mkdirSync(definitionDir, { recursive: true });
  const file = path.join(definitionDir, 'Dockerfile.dev');
  fs.writeFileSync(file, plan.dockerfile);
  return file;
}

export interface DockerSessionConfig extends ContainerSessionConfig {
  plan: ImagePlan;
  definitionFile: string;
  /** The engine, as a person would name it (its socket or URL, and the docker context it came from). */
  engineEndpoint: string;
  /**
   * An engine on another machine (remote/remote-docker.ts): the bind-mount sources as that machine
   * names them (the synced copies), and no cgroup or PID of its containers is this machine's.
   */
  remoteEngine?: { mounts: MountSources };
}

/** A session of the docker runtime: the dev image, and the Go container commands run in. */
export class DockerSession implements RuntimeSession {
  readonly runtime = 'docker' as const;
  readonly workspaceDir: string;
  private readonly go: GoContainer;

  constructor(
    private readonly docker: Docker,
    private readonly config: DockerSessionConfig,
  ) {
    this.workspaceDir = config.workspace.path;
    this.go = new GoContainer({
      runtime: 'docker',
      docker,
      image: config.plan.ref,
      mounts: config.remoteEngine?.mounts ?? { workspace: config.workspace.path, scratch: config.scratchPath, helper: config.helper, modCache: config.modCache },
      ...(config.remoteEngine ? { hostPids: false, cgroupCandidates: () => [] } : {}),
      hostWorkspace: config.workspace.path,
      hostScratch: config.scratchPath,
      offline: config.offline,
      runId: config.runId,
      cacheVolume: cacheVolumeName('docker', config.workspace, config.instance),
      instance: config.instance,
      settings: config.plan.settings,
    });
  }

  get xdgCacheHome(): string {
    return this.go.cacheHome;
  }

  get imageRef(): string {
    return this.config.plan.ref;
  }

  /** A container of the same spec as the measured one, named, started, for a terminal. */
  async startShellContainer(name: string): Promise<{ name: string; entry: ShellEntry; remove(): Promise<void> }> {
    await this.go.ensureCacheVolume();
    const container = await this.docker.createContainer(this.go.spec('perf-container', true, 'default', name));
    const remove = async (): Promise<void> => {
      await container.remove({ force: true, v: true }).catch(() => {});
    };
    try {
      await container.start();
    } catch (error) {
      await remove();
      throw error;
    }
    return { name, entry: await this.go.shellEntry(), remove };
  }

  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.go.exec(command, options);
  }

  execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    return this.go.execWithoutNetwork(command, options);
  }

  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return this.go.startDebugServer(mainPackage, cwd, options);
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    const phases: { name: string; ms: number }[] = [];
    const timed = phaseTimer(phases);
    if (temperature === 'cold' && this.config.plan.removable) {
      // Only this installation's image goes; the build then reuses no cached layer (the daemon's
      // build cache, which holds the user's own builds, is never pruned).
      await removeOwnImage(this.docker, this.config.plan.ref, this.config.plan.instance);
      await flushPendingWrites();
      await timed('image', () => this.config.plan.ensure({ noCache: true }));
    } else {
      await this.go.ensureCacheVolume();
    }
    const container = await timed('create', () => this.docker.createContainer(this.go.spec('startup-container', temperature === 'warm')));
    try {
      await timed('start', () => container.start());
      return await readyThenFirstRun(phases, 'exec-ready', (argv) => this.go.execIn(container, argv, options), options.firstRun);
    } finally {
      await container.remove({ force: true }).catch(() => {});
    }
  }

  evictCaches(): Promise<void> {
    return this.go.evictBuildCache();
  }

  async footprint(): Promise<Footprint> {
    const info = await this.docker.getImage(this.config.plan.ref).inspect();
    return { totalBytes: info.Size, items: [{ label: `image ${this.config.plan.ref}`, bytes: info.Size }] };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const image = await this.docker.getImage(this.config.plan.ref).inspect();
    const engine = await this.docker.info();
    return {
      imageRef: this.config.plan.ref,
      imageSource: this.config.plan.source,
      coldStartRemovesImage: this.config.plan.removable,
      baseImage: this.config.plan.source === 'pulled' ? (image.RepoDigests?.[0] ?? this.config.plan.ref) : `${this.config.plan.base} (local, offline-built)`,
      imageSizeBytes: image.Size,
      imageLayers: image.RootFS?.Layers?.length ?? null,
      offlineReason: this.config.plan.offlineReason,
      privileges: 'none (unprivileged container)',
      storageDriver: engine.Driver ?? null,
      engineEndpoint: this.config.engineEndpoint,
      configLines: configLines(this.config.plan.dockerfile),
      definitionFile: this.config.definitionFile,
      ...definitionFacts(this.config.definitionFile, dockerDefinitionSource(this.config.plan), this.config.plan.dockerfile),
      ...this.config.devcontainerFacts,
      modulesSource: modulesSource(this.config.workspace, this.config.modCache),
      network: this.config.offline ? 'none' : 'bridge',
    };
  }

  dispose(): Promise<void> {
    return this.go.dispose();
  }
}

