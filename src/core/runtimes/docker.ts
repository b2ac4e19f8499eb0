import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../shared/run';
import type { ImagePlan } from '../docker/dev-image';
import { configLines } from '../config-lines';
import { workspaceDataDir } from '../data-paths';
import { cacheVolumeName, hostModuleCache, modulesSource, planDevImage, removeManagedImage } from '../docker/dev-image';
import type { DockerEndpoint } from '../docker/docker-client';
import { containerRuntimeHealth, createDockerClient, dockerEndpoint } from '../docker/docker-client';
import { GoContainer, phaseTimer, WORKSPACE_IN_CONTAINER } from '../docker/go-container';
import { imageExists } from '../docker/offline-images';
import { measureHelperPath } from '../measure/measure-helper';
import { readyThenFirstRun } from './startup-phases';
import type {
  CommandSpec,
  DebugServer,
  ExecOptions,
  ExecOutcome,
  Footprint,
  IsolatedOutcome,
  PrepareContext,
  Runtime,
  RuntimeSession,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from './runtime';

/** A Go toolchain in a container, workspace bind-mounted, commands run through `docker exec`. */
export class DockerRuntime implements Runtime {
  readonly id = 'docker' as const;
  readonly displayName = 'Docker';
  private readonly endpoint: DockerEndpoint;
  private readonly docker: Docker;

  constructor(
    private readonly resourcesDir: string,
    endpoint: DockerEndpoint = dockerEndpoint(),
  ) {
    this.endpoint = endpoint;
    this.docker = createDockerClient(endpoint);
  }

  detect(): Promise<RuntimeHealth> {
    return containerRuntimeHealth(this.id, this.docker, this.endpoint, this.resourcesDir);
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const log = context.log ?? (() => {});
    const plan = await planDevImage(this.docker, context.workspace, context.offline, log);
    if (!(await imageExists(this.docker, plan.ref))) {
      log(`building ${plan.ref}`);
      await plan.ensure();
    }
    let definitionFile = plan.definitionFile;
    if (!definitionFile) {
      // Generated definitions live in EnvBench's data directory, never in the user's repository.
      const definitionDir = workspaceDataDir(context.dataDir, context.workspace.path);
      fs.mkdirSync(definitionDir, { recursive: true });
      definitionFile = path.join(definitionDir, 'Dockerfile.dev');
      fs.writeFileSync(definitionFile, plan.dockerfile);
    }
    log(`docker: environment defined by ${definitionFile} (${plan.source})`);
    return new DockerSession(this.docker, {
      plan,
      workspace: context.workspace,
      scratchPath: context.scratchPath,
      helper: measureHelperPath(this.resourcesDir),
      modCache: await hostModuleCache(),
      offline: context.offline || plan.source === 'generated-offline',
      runId: context.runId,
      definitionFile,
    });
  }
}

interface SessionConfig {
  plan: ImagePlan;
  workspace: WorkspaceInfo;
  scratchPath: string | null;
  helper: string;
  modCache: string | null;
  offline: boolean;
  runId: string;
  definitionFile: string;
}

class DockerSession implements RuntimeSession {
  readonly runtime = 'docker' as const;
  readonly workspaceDir: string;
  private readonly go: GoContainer;

  constructor(
    private readonly docker: Docker,
    private readonly config: SessionConfig,
  ) {
    this.workspaceDir = config.workspace.path;
    this.go = new GoContainer({
      runtime: 'docker',
      docker,
      image: config.plan.ref,
      mounts: { workspace: config.workspace.path, scratch: config.scratchPath, helper: config.helper, modCache: config.modCache },
      hostWorkspace: config.workspace.path,
      hostScratch: config.scratchPath,
      offline: config.offline,
      runId: config.runId,
      cacheVolume: cacheVolumeName('docker', config.workspace),
    });
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
      await removeManagedImage(this.docker, this.config.plan.ref);
      await timed('image', () => this.config.plan.ensure());
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

  shellCommand(): string[] {
    return ['docker', 'exec', '-it', '-w', WORKSPACE_IN_CONTAINER, this.go.id ?? '<container>', 'bash'];
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
      privileges: 'none (unprivileged container, workspace mounted read-only)',
      storageDriver: engine.Driver ?? null,
      configLines: configLines(this.config.plan.dockerfile),
      definitionFile: this.config.definitionFile,
      modulesSource: modulesSource(this.config.workspace, this.config.modCache),
      network: this.config.offline ? 'none' : 'bridge',
    };
  }

  dispose(): Promise<void> {
    return this.go.dispose();
  }
}

