import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../shared/run';
import type { DockerEndpoint } from '../docker/docker-client';
import { checkEngine, createDockerClient, dockerEndpoint } from '../docker/docker-client';
import { followProgress, isNotFound } from '../docker/engine-stream';
import { GoContainer, phaseTimer, WORKSPACE_IN_CONTAINER } from '../docker/go-container';
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

export function cacheVolumeName(runtime: string, workspace: WorkspaceInfo): string {
  return `envbench-gocache-${runtime}-${workspaceKey(workspace)}`;
}

export function modulesSource(workspace: WorkspaceInfo, modCache: string | null): string {
  if (fs.existsSync(path.join(workspace.path, 'vendor'))) return 'vendor/';
  return modCache ? `host module cache ${modCache} (read-only)` : 'none (no module cache on the host)';
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

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    const phases: { name: string; ms: number }[] = [];
    const timed = phaseTimer(phases);
    if (temperature === 'cold') {
      await removeManagedImage(this.docker, this.config.plan);
      await timed('image', () => this.config.plan.ensure());
    } else {
      await this.go.ensureCacheVolume();
    }
    const container = await timed('create', () => this.docker.createContainer(this.go.spec('startup-container', temperature === 'warm')));
    try {
      await timed('start', () => container.start());
      const ready = await this.go.execIn(container, ['go', 'version'], options);
      phases.push({ name: 'exec-ready', ms: ready.wallMs });
      if (ready.exitCode !== 0) return { phases, firstRun: ready };
      const firstRun = await this.go.execIn(container, options.firstRun, options);
      phases.push({ name: 'first-run', ms: firstRun.wallMs });
      return { phases, firstRun };
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
      baseImage: this.config.plan.source === 'pulled' ? (image.RepoDigests?.[0] ?? this.config.plan.ref) : `${this.config.plan.base} (local, offline-built)`,
      imageSizeBytes: image.Size,
      imageLayers: image.RootFS?.Layers?.length ?? null,
      offlineReason: this.config.plan.offlineReason,
      privileges: 'none (unprivileged container, workspace mounted read-only)',
      storageDriver: engine.Driver ?? null,
      generatedConfigLines: this.config.plan.dockerfile.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length,
      definitionFile: this.config.definitionFile,
      modulesSource: modulesSource(this.config.workspace, this.config.modCache),
      network: this.config.offline ? 'none' : 'bridge',
    };
  }

  dispose(): Promise<void> {
    return this.go.dispose();
  }
}

/**
 * Removes the dev image for a cold start, but only one EnvBench built or pulled (never a user's),
 * and the builder cache, without which a "cold" rebuild would just reuse cached layers.
 */
export async function removeManagedImage(docker: Docker, plan: ImagePlan): Promise<void> {
  const image = docker.getImage(plan.ref);
  try {
    const info = await image.inspect();
    const ours = info.Config?.Labels?.['envbench.managed'] === 'true' || plan.source === 'pulled';
    if (ours) await image.remove({ force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.dial({ path: '/build/prune?', method: 'POST', statusCodes: { 200: true, 500: 'server error' } }, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
