import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../shared/run';
import { currentProcessIdentity } from '../history/process-identity';
import { CgroupSampler, locateContainerCgroup } from '../docker/cgroup-usage';
import { execMeasured, HELPER_IN_CONTAINER } from '../docker/container-exec';
import type { DockerEndpoint } from '../docker/docker-client';
import { checkEngine, createDockerClient, dockerEndpoint } from '../docker/docker-client';
import { followProgress, isNotFound } from '../docker/engine-stream';
import { LABEL_OWNER, LABEL_RUN, LABEL_RUNTIME, managedLabels, ownerLabel } from '../docker/labels';
import type { GoToolchain } from '../docker/offline-images';
import { buildOfflineDevImage, devImageTag, ensureBaseImage, hostGoToolchain, imageExists, offlineDockerfile } from '../docker/offline-images';
import { probe } from '../machine/tool-version';
import { isMeasureHelperBuilt, measureHelperPath } from '../measure/measure-helper';
import { describeError } from '../user-error';
import type {
  CommandSpec,
  ExecOptions,
  ExecOutcome,
  Footprint,
  PrepareContext,
  Runtime,
  RuntimeSession,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from './runtime';

const WORKSPACE_IN_CONTAINER = '/workspace';
const SCRATCH_IN_CONTAINER = '/scratch';
const MODCACHE_IN_CONTAINER = '/go/pkg/mod';
const GOCACHE_IN_CONTAINER = '/root/.cache/go-build';
const PULL_TIMEOUT_MS = 60_000;

export function workspaceKey(workspace: WorkspaceInfo): string {
  return crypto.createHash('sha256').update(workspace.path).digest('hex').slice(0, 12);
}

/** How the dev image is obtained; decided once per run in prepare(). */
export interface ImagePlan {
  source: 'generated-offline' | 'pulled';
  ref: string;
  dockerfile: string;
  /** Rebuilds (or re-pulls) the image: the `image` phase of a cold start. */
  ensure(): Promise<void>;
  /** Why EnvBench worked offline, when it did. */
  offlineReason: string | null;
  base: string;
}

/** The official golang image online; offline, a local image built from this machine's toolchain. */
export async function planDevImage(docker: Docker, workspace: WorkspaceInfo, offline: boolean, log: (line: string) => void): Promise<ImagePlan> {
  let offlineReason = offline ? '--offline was given' : null;
  if (!offline) {
    const ref = `golang:${workspace.goVersion ?? 'latest'}`;
    const pull = async (): Promise<void> => {
      const stream = await docker.pull(ref);
      await Promise.race([
        followProgress(docker, stream, log),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer from the registry within ${PULL_TIMEOUT_MS / 1000} s`)), PULL_TIMEOUT_MS)),
      ]);
    };
    try {
      if (!(await imageExists(docker, ref))) await pull();
      const dockerfile = [`FROM ${ref}`, 'ENV GOTOOLCHAIN=local GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build', 'WORKDIR /workspace', ''].join('\n');
      return { source: 'pulled', ref, dockerfile, ensure: pull, offlineReason: null, base: ref };
    } catch (error) {
      offlineReason = `pulling ${ref} failed (${describeError(error)})`;
      log(`${offlineReason}; building an offline image instead`);
    }
  }
  const toolchain: GoToolchain = await hostGoToolchain();
  const base = await ensureBaseImage(docker, log);
  const dockerfile = offlineDockerfile(base.ref, toolchain);
  const ref = devImageTag(dockerfile, toolchain);
  return {
    source: 'generated-offline',
    ref,
    dockerfile,
    ensure: () => buildOfflineDevImage(docker, ref, dockerfile, toolchain, log),
    offlineReason,
    base: base.ref,
  };
}

export async function hostModuleCache(): Promise<string | null> {
  const result = await probe('go', ['env', 'GOMODCACHE']);
  const dir = result.ok ? result.stdout.trim() : '';
  return dir && fs.existsSync(dir) ? dir : null;
}

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

  async detect(): Promise<RuntimeHealth> {
    const engine = await checkEngine(this.docker, this.endpoint);
    if (!engine.ok) return { id: this.id, available: false, version: engine.version, reason: engine.reason };
    if (!isMeasureHelperBuilt(this.resourcesDir)) {
      return { id: this.id, available: false, version: engine.version, reason: 'the measure helper is not built: run `npm run setup`' };
    }
    return { id: this.id, available: true, version: engine.version, reason: null };
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const log = context.log ?? (() => {});
    const plan = await planDevImage(this.docker, context.workspace, context.offline, log);
    if (!(await imageExists(this.docker, plan.ref))) {
      log(`building ${plan.ref}`);
      await plan.ensure();
    }
    const definitionDir = path.join(context.dataDir, 'workspaces', workspaceKey(context.workspace));
    fs.mkdirSync(definitionDir, { recursive: true });
    const definitionFile = path.join(definitionDir, 'Dockerfile.dev');
    fs.writeFileSync(definitionFile, plan.dockerfile);
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
  private container: Docker.Container | null = null;
  private sampler: CgroupSampler | null = null;
  private readonly cacheVolume: string;

  constructor(
    private readonly docker: Docker,
    private readonly config: SessionConfig,
  ) {
    this.workspaceDir = config.workspace.path;
    this.cacheVolume = `envbench-gocache-docker-${workspaceKey(config.workspace)}`;
  }

  private env(): string[] {
    return [`GOCACHE=${GOCACHE_IN_CONTAINER}`, `GOMODCACHE=${MODCACHE_IN_CONTAINER}`, ...(this.config.offline ? ['GOPROXY=off', 'GOTOOLCHAIN=local'] : [])];
  }

  /** Host path -> path inside the container (workspace or scratch copy). */
  private toContainerPath(hostPath: string): string {
    const within = (root: string, mounted: string): string | null => {
      const rel = path.relative(root, hostPath);
      return rel.startsWith('..') || path.isAbsolute(rel) ? null : path.posix.join(mounted, rel.split(path.sep).join('/'));
    };
    const mapped = within(this.config.workspace.path, WORKSPACE_IN_CONTAINER) ?? (this.config.scratchPath ? within(this.config.scratchPath, SCRATCH_IN_CONTAINER) : null);
    if (!mapped) throw new Error(`${hostPath} is not inside the workspace, so the container cannot see it`);
    return mapped;
  }

  private containerSpec(kind: 'perf-container' | 'startup-container', warmCache: boolean): Docker.ContainerCreateOptions {
    const binds = [`${this.config.workspace.path}:${WORKSPACE_IN_CONTAINER}:ro`, `${this.config.helper}:${HELPER_IN_CONTAINER}:ro`];
    if (this.config.scratchPath) binds.push(`${this.config.scratchPath}:${SCRATCH_IN_CONTAINER}:ro`);
    if (this.config.modCache) binds.push(`${this.config.modCache}:${MODCACHE_IN_CONTAINER}:ro`);
    return {
      Image: this.config.plan.ref,
      Cmd: ['sleep', 'infinity'],
      WorkingDir: WORKSPACE_IN_CONTAINER,
      Env: this.env(),
      Labels: managedLabels(kind, {
        [LABEL_RUN]: this.config.runId,
        [LABEL_RUNTIME]: 'docker',
        [LABEL_OWNER]: ownerLabel(currentProcessIdentity()),
      }),
      HostConfig: {
        Binds: binds,
        // A cold start gets an empty build cache; everything else shares the runtime's own volume.
        Mounts: warmCache ? [{ Type: 'volume', Source: this.cacheVolume, Target: GOCACHE_IN_CONTAINER }] : [],
        Init: true,
        NetworkMode: this.config.offline ? 'none' : 'bridge',
      },
    };
  }

  private async ensureCacheVolume(): Promise<void> {
    try {
      await this.docker.getVolume(this.cacheVolume).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.docker.createVolume({ Name: this.cacheVolume, Labels: managedLabels('cache-volume', { [LABEL_RUNTIME]: 'docker' }) });
    }
  }

  private async perfContainer(): Promise<Docker.Container> {
    if (this.container) return this.container;
    await this.ensureCacheVolume();
    const container = await this.docker.createContainer(this.containerSpec('perf-container', true));
    this.container = container;
    await container.start();
    this.sampler = new CgroupSampler(locateContainerCgroup(container.id));
    return container;
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const container = await this.perfContainer();
    return execMeasured(
      this.docker,
      container,
      { argv: command.argv, workdir: this.toContainerPath(command.cwd), env: [...this.env(), ...Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${v}`)] },
      { ...options, cgroup: this.sampler ?? undefined },
    );
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    const phases: { name: string; ms: number }[] = [];
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      phases.push({ name, ms: performance.now() - started });
      return result;
    };
    if (temperature === 'cold') {
      await this.removeDevImage();
      await timed('image', () => this.config.plan.ensure());
    } else {
      await this.ensureCacheVolume();
    }
    const container = await timed('create', () => this.docker.createContainer(this.containerSpec('startup-container', temperature === 'warm')));
    try {
      await timed('start', () => container.start());
      const command = { workdir: WORKSPACE_IN_CONTAINER, env: this.env() };
      const ready = await execMeasured(this.docker, container, { ...command, argv: ['go', 'version'] }, options);
      phases.push({ name: 'exec-ready', ms: ready.wallMs });
      if (ready.exitCode !== 0) return { phases, firstRun: ready };
      const firstRun = await execMeasured(this.docker, container, { ...command, argv: options.firstRun }, options);
      phases.push({ name: 'first-run', ms: firstRun.wallMs });
      return { phases, firstRun };
    } finally {
      await container.remove({ force: true }).catch(() => {});
    }
  }

  /** Only EnvBench's own image: never a user's (a pulled golang image is untagged only if EnvBench pulled it). */
  private async removeDevImage(): Promise<void> {
    const image = this.docker.getImage(this.config.plan.ref);
    try {
      const info = await image.inspect();
      const ours = info.Config?.Labels?.['envbench.managed'] === 'true' || this.config.plan.source === 'pulled';
      if (!ours) return;
      await image.remove({ force: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // The builder cache holds the COPY layers; without pruning it a "cold" build would be instant.
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.dial({ path: '/build/prune?', method: 'POST', statusCodes: { 200: true, 500: 'server error' } }, (error: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  shellCommand(): string[] {
    return ['docker', 'exec', '-it', '-w', WORKSPACE_IN_CONTAINER, this.container?.id ?? '<container>', 'bash'];
  }

  async evictCaches(): Promise<void> {
    if (this.container) {
      await this.exec({ argv: ['go', 'clean', '-cache'], cwd: this.config.workspace.path }, { timeoutMs: 120_000 });
      return;
    }
    await this.docker.getVolume(this.cacheVolume).remove().catch(() => {});
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
      baseImage: this.config.plan.source === 'pulled' ? (image.RepoDigests?.[0] ?? this.config.plan.ref) : `${this.config.plan.base} (local, offline-built)`,
      imageSizeBytes: image.Size,
      imageLayers: image.RootFS?.Layers?.length ?? null,
      offlineReason: this.config.plan.offlineReason,
      privileges: 'none (unprivileged container, workspace mounted read-only)',
      storageDriver: engine.Driver ?? null,
      generatedConfigLines: this.config.plan.dockerfile.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length,
      definitionFile: this.config.definitionFile,
      modulesSource: fs.existsSync(path.join(this.config.workspace.path, 'vendor'))
        ? 'vendor/'
        : this.config.modCache
          ? `host module cache ${this.config.modCache} (read-only)`
          : 'none (no module cache on the host)',
      network: this.config.offline ? 'none' : 'bridge',
    };
  }

  async dispose(): Promise<void> {
    const container = this.container;
    this.container = null;
    if (container) await container.remove({ force: true }).catch(() => {});
  }
}
