import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { WorkspaceInfo } from '../../../shared/run';
import { workspaceKey } from '../../data-paths';
import { describeError, UserError } from '../../user-error';
import { packBuildContext } from './build-context';
import { followProgress, isNotFound } from './engine-stream';
import { LABEL_INSTANCE, managedLabels } from './labels';
import type { GoToolchain } from '../host-go';
import { hostGoToolchain } from '../host-go';
import type { OwnBuild } from './offline-images';
import { BASE_IMAGE, buildOfflineDevImage, devImageTag, ensureBaseImage, ensureToolchainImage, imageExists, offlineDockerfile, toolchainImageTag } from './offline-images';
import type { WorkspaceDefinition } from './workspace-definition';
import { findWorkspaceDefinition } from './workspace-definition';
import type { ResolvedFeature } from './devcontainer-features';
import { buildFeatureImage, fetchOciFeature, installOrder, readFeature, refuseOfflineFeatures } from './devcontainer-features';
import type { ContainerSettings } from './devcontainer-spec';
import { DEFAULT_CONTAINER_SETTINGS } from './devcontainer-spec';

// The Go development image both container runtimes use, and the facts recorded about it.

const PULL_TIMEOUT_MS = 60_000;

/** How the dev image is obtained; decided once per run in prepare(). */
export interface ImagePlan {
  source: 'generated-offline' | 'pulled' | 'workspace Dockerfile.dev' | 'workspace devcontainer.json';
  ref: string;
  /** The Dockerfile used (generated, or the workspace's own), or a one-line note for an image. */
  dockerfile: string;
  /** The workspace file that defines the environment, when it has one. */
  definitionFile: string | null;
  /** Builds or pulls the image: the `image` phase of a cold start, which builds without cached layers (`noCache`). */
  ensure(options?: { noCache?: boolean }): Promise<void>;
  /** A cold start may remove it: EnvBench built it (labelled) or pulled it itself, never a user's own. */
  removable: boolean;
  /**
   * The installation whose label the image carries when this EnvBench builds it (instanceKey());
   * null for an image it pulled, which carries none.
   */
  instance: string | null;
  /** Why EnvBench worked offline, when it did. */
  offlineReason: string | null;
  base: string;
  /** devcontainer.json's lifecycle commands, which EnvBench does not run (empty when it has none). */
  lifecycleCommands: string[];
  /** How the container runs: devcontainer.json's workspace mount, env and users, or EnvBench's defaults. */
  settings: ContainerSettings;
  /** devcontainer.json's keys EnvBench applied, and those it did not (each with why); empty without one. */
  devcontainer: { applied: string[]; notApplied: string[] };
}

const NO_DEVCONTAINER = { settings: DEFAULT_CONTAINER_SETTINGS, devcontainer: { applied: [], notApplied: [] } };

/**
 * Builds the workspace's own Dockerfile from its build context (inside the workspace, as
 * .dockerignore leaves it, links out of the workspace left out), labelled as EnvBench's.
 * Offline, the build has no network and every base image must already be here.
 */
async function buildFromDirectory(docker: Docker, tag: string, definition: { context: string; dockerfile: string; text: string; file: string; buildArgs: Record<string, string>; target: string | null }, workspaceRoot: string, offline: boolean, build: OwnBuild, log: (line: string) => void): Promise<void> {
  if (offline) await requireLocalBaseImages(docker, definition.text, definition.file, definition.buildArgs);
  const { stream: pack, linksOutside } = packBuildContext(definition.context, definition.dockerfile, workspaceRoot);
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    dockerfile: definition.dockerfile,
    labels: managedLabels('dev-image', { [LABEL_INSTANCE]: build.instance }),
    forcerm: true,
    nocache: Boolean(build.noCache),
    // devcontainer.json's build.args and build.target, as `devcontainer build` passes them.
    ...(Object.keys(definition.buildArgs).length > 0 ? { buildargs: definition.buildArgs } : {}),
    ...(definition.target ? { target: definition.target } : {}),
    ...(offline ? { networkmode: 'none' } : {}),
  });
  await followProgress(docker, stream, log);
  if (linksOutside.length > 0) log(`docker: left out of the build context, as links to outside the workspace: ${linksOutside.join(', ')}`);
}

/** Refuses, naming it, the first base image of a Dockerfile that is not on this machine (offline nothing is pulled). */
async function requireLocalBaseImages(docker: Docker, dockerfile: string, file: string, buildArgs: Record<string, string> = {}): Promise<void> {
  for (const base of dockerfileBaseImages(dockerfile, buildArgs)) {
    if (base.includes('$')) {
      throw new UserError(`Cannot build ${file} offline`, `its base image "${base}" depends on a build argument EnvBench cannot resolve, so it cannot check the image is here without pulling`, 'Name the base image literally, or run without --offline');
    }
    if (!(await imageExists(docker, base))) throw offlineImageMissing(base, file);
  }
}

export function offlineImageMissing(ref: string, file: string): UserError {
  return new UserError(`Cannot use ${ref} offline`, `${file} needs the image ${ref}, which is not on this machine, and --offline pulls nothing`, `Pull it while online (\`docker pull ${ref}\`), or run without --offline`);
}

/**
 * The images a Dockerfile builds FROM, with ARGs declared before the first FROM substituted (the
 * build's arguments, else their defaults); `scratch` and earlier stages are not images to fetch.
 */
export function dockerfileBaseImages(dockerfile: string, buildArgs: Record<string, string> = {}): string[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const images: string[] = [];
  let seenFrom = false;
  // Line continuations joined, comments dropped.
  for (const line of dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    const instruction = words[0]?.toUpperCase();
    if (instruction === 'ARG' && !seenFrom) {
      const [name, value] = (words[1] ?? '').split('=');
      if (name && buildArgs[name] !== undefined) args.set(name, buildArgs[name]);
      else if (name && value !== undefined) args.set(name, value.replace(/^["']|["']$/g, ''));
    }
    if (instruction !== 'FROM') continue;
    seenFrom = true;
    const rest = words.slice(1).filter((w) => !w.startsWith('--'));
    const image = (rest[0] ?? '').replace(/\$\{?(\w+)\}?/g, (whole, name: string) => args.get(name) ?? whole);
    const earlierStage = stages.has(image.toLowerCase());
    if (rest[1]?.toUpperCase() === 'AS' && rest[2]) stages.add(rest[2].toLowerCase());
    if (image && image.toLowerCase() !== 'scratch' && !earlierStage) images.push(image);
  }
  return [...new Set(images)];
}

export async function pullImage(docker: Docker, ref: string, log: (line: string) => void): Promise<void> {
  const stream = await docker.pull(ref);
  await Promise.race([
    followProgress(docker, stream, log),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer from the registry within ${PULL_TIMEOUT_MS / 1000} s`)), PULL_TIMEOUT_MS)),
  ]);
}

/**
 * The workspace's own Dockerfile.dev or devcontainer.json when it has one; otherwise the
 * official golang image online, or offline a local image built from this machine's toolchain.
 * Images EnvBench builds are tagged and labelled for its installation (`instance`, instanceKey()).
 */
export async function planDevImage(docker: Docker, workspace: WorkspaceInfo, offline: boolean, instance: string, log: (line: string) => void): Promise<ImagePlan> {
  const definition = findWorkspaceDefinition(workspace);
  if (definition) {
    log(`docker: using the workspace's own ${path.relative(workspace.path, definition.file)}`);
    if (offline && definition.kind === 'devcontainer.json') refuseOfflineFeatures(definition.file, definition.spec.features);
    const plan = await planDefinitionImage(docker, workspace, definition, offline, instance, log);
    if (definition.kind !== 'devcontainer.json' || definition.spec.features.length === 0) return plan;
    return withFeatures(docker, workspace, definition, plan, offline, instance, log);
  }
  return planGeneratedImage(docker, workspace, offline, instance, log);
}

/** The image a workspace's own Dockerfile.dev or devcontainer.json names or builds (before any features). */
async function planDefinitionImage(docker: Docker, workspace: WorkspaceInfo, definition: WorkspaceDefinition, offline: boolean, instance: string, log: (line: string) => void): Promise<ImagePlan> {
  if ('image' in definition) {
    const present = await imageExists(docker, definition.image);
    if (!present && offline) throw offlineImageMissing(definition.image, definition.file);
    if (!present) await pullImage(docker, definition.image, log);
    return {
      source: 'workspace devcontainer.json',
      ref: definition.image,
      dockerfile: definition.text,
      definitionFile: definition.file,
      ensure: () => pullImage(docker, definition.image, log),
      removable: !present,
      instance: null,
      offlineReason: null,
      base: definition.image,
      lifecycleCommands: definition.lifecycleCommands,
      settings: definition.spec.settings,
      devcontainer: { applied: definition.spec.applied, notApplied: definition.spec.notApplied },
    };
  }
  const build = { ...definition, buildArgs: definition.kind === 'devcontainer.json' ? definition.spec.buildArgs : {}, target: definition.kind === 'devcontainer.json' ? definition.spec.target : null };
  const ref = definitionBuildRef(workspace, instance, definition);
  return {
    source: definition.kind === 'Dockerfile.dev' ? 'workspace Dockerfile.dev' : 'workspace devcontainer.json',
    ref,
    dockerfile: definition.text,
    definitionFile: definition.file,
    ensure: (options) => buildFromDirectory(docker, ref, build, fs.realpathSync(workspace.path), offline, { instance, noCache: options?.noCache }, log),
    removable: true,
    instance,
    offlineReason: null,
    base: dockerfileBaseImages(definition.text, build.buildArgs)[0] ?? 'unknown',
    lifecycleCommands: definition.lifecycleCommands,
    ...(definition.kind === 'devcontainer.json' ? { settings: definition.spec.settings, devcontainer: { applied: definition.spec.applied, notApplied: definition.spec.notApplied } } : NO_DEVCONTAINER),
  };
}

/**
 * devcontainer.json's features installed on the image it names or builds, as `devcontainer build`
 * installs them (devcontainer-features.ts), into EnvBench's own image. Local features are read and
 * OCI ones fetched now, before anything is measured; offline, OCI features refuse the runtime.
 */
async function withFeatures(docker: Docker, workspace: WorkspaceInfo, definition: WorkspaceDefinition & { kind: 'devcontainer.json' }, base: ImagePlan, offline: boolean, instance: string, log: (line: string) => void): Promise<ImagePlan> {
  const requests = definition.spec.features;
  const features: ResolvedFeature[] = [];
  for (const request of requests) {
    let dir = request.localDir;
    if (dir === null) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-feature-'));
      const fetched = dir;
      process.once('exit', () => fs.rmSync(fetched, { recursive: true, force: true }));
      log(`docker: fetching the Dev Container feature ${request.key}`);
      await fetchOciFeature(request.key, dir);
    }
    features.push(readFeature(request.key, dir, request.options));
  }
  const ordered = installOrder(features);
  const ref = workspaceImageRef(workspace, instance, definition.kind);
  const userOf = (user: string): string => user.split(':')[0]!;
  return {
    ...base,
    ref,
    removable: true,
    instance,
    ensure: async (options) => {
      // A cold start rebuilds the image under the features only when EnvBench made it (never re-pulls a user's image).
      if ((options?.noCache && base.removable) || !(await imageExists(docker, base.ref))) await base.ensure(options);
      const imageUser = (await docker.getImage(base.ref).inspect()).Config.User || 'root';
      const containerUser = userOf(base.settings.containerUser ?? imageUser);
      const users = { imageUser, containerUser, remoteUser: userOf(base.settings.remoteUser ?? containerUser) };
      await buildFeatureImage(docker, base.ref, ref, ordered, users, offline, { instance, noCache: options?.noCache }, log);
    },
    devcontainer: { applied: base.devcontainer.applied, notApplied: [...base.devcontainer.notApplied, ...ordered.flatMap((f) => f.notApplied)] },
  };
}

/** The official golang image online; offline (or when the pull fails) a local image built from this machine's toolchain. */
async function planGeneratedImage(docker: Docker, workspace: WorkspaceInfo, offline: boolean, instance: string, log: (line: string) => void): Promise<ImagePlan> {
  let offlineReason = offline ? '--offline was given' : null;
  if (!offline) {
    const ref = `golang:${workspace.goVersion ?? 'latest'}`;
    try {
      const present = await imageExists(docker, ref);
      if (!present) await pullImage(docker, ref, log);
      const dockerfile = [`FROM ${ref}`, 'ENV GOTOOLCHAIN=local GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build', 'WORKDIR /workspace', ''].join('\n');
      return { source: 'pulled', ref, dockerfile, definitionFile: null, ensure: () => pullImage(docker, ref, log), removable: !present, instance: null, offlineReason: null, base: ref, lifecycleCommands: [], ...NO_DEVCONTAINER };
    } catch (error) {
      offlineReason = `pulling ${ref} failed (${describeError(error)})`;
      log(`${offlineReason}; building an offline image instead`);
    }
  }
  const toolchain: GoToolchain = await hostGoToolchain();
  const base = await ensureBaseImage(docker, log);
  const toolchainImage = toolchainImageTag(base.ref, toolchain, instance);
  const dockerfile = offlineDockerfile(toolchainImage, toolchain);
  const ref = devImageTag(dockerfile, toolchain, instance);
  return {
    source: 'generated-offline',
    ref,
    dockerfile,
    definitionFile: null,
    ensure: async (options) => {
      await ensureToolchainImage(docker, base.ref, toolchain, instance, log);
      await buildOfflineDevImage(docker, ref, dockerfile, { instance, noCache: options?.noCache }, log);
    },
    removable: true,
    instance,
    offlineReason,
    base: toolchainImage,
    lifecycleCommands: [],
    ...NO_DEVCONTAINER,
  };
}

/** The image EnvBench builds from the workspace's own Dockerfile.dev or devcontainer.json build, one per installation. */
function workspaceImageRef(workspace: WorkspaceInfo, instance: string, kind: string): string {
  return `envbench/ws-${workspaceKey(workspace.path)}-${instance}:${kind === 'Dockerfile.dev' ? 'dockerfile-dev' : 'devcontainer'}`;
}

/** The image a definition's own Dockerfile builds: with features, the stage they are installed on. */
function definitionBuildRef(workspace: WorkspaceInfo, instance: string, definition: WorkspaceDefinition): string {
  const featured = definition.kind === 'devcontainer.json' && definition.spec.features.length > 0;
  return `${workspaceImageRef(workspace, instance, definition.kind)}${featured ? '-without-features' : ''}`;
}

/**
 * What preparing the dev image will build or download for this workspace, told before a run
 * (its plan) without pulling or building anything: planDevImage's choices, and which images are
 * already there.
 */
export async function devImageWork(docker: Docker, workspace: WorkspaceInfo, offline: boolean, instance: string): Promise<string[]> {
  const definition = findWorkspaceDefinition(workspace);
  if (definition) {
    const work = await definitionImageWork(docker, workspace, definition, offline, instance);
    if (definition.kind !== 'devcontainer.json' || definition.spec.features.length === 0) return work;
    const remote = definition.spec.features.filter((f) => f.localDir === null).map((f) => f.key);
    const ref = workspaceImageRef(workspace, instance, definition.kind);
    if (offline && remote.length > 0) return [...work, `cannot install the Dev Container features ${remote.join(', ')} offline: the runtime will be refused`];
    if (await imageExists(docker, ref)) return [...work, `reuses ${ref}, with the Dev Container features installed`];
    return [...work, ...(remote.length > 0 ? [`fetches the Dev Container features ${remote.join(', ')} from their registry`] : []), `installs the Dev Container features ${definition.spec.features.map((f) => f.key).join(', ')} into ${ref}`];
  }
  return generatedImageWork(docker, workspace, offline, instance);
}

/** What the workspace's own definition needs before features: an image to use or pull, or a build. */
async function definitionImageWork(docker: Docker, workspace: WorkspaceInfo, definition: WorkspaceDefinition, offline: boolean, instance: string): Promise<string[]> {
  const file = path.relative(workspace.path, definition.file);
  if ('image' in definition) {
    if (await imageExists(docker, definition.image)) return [`uses ${definition.image} (${file}), already here`];
    return [offline ? `needs ${definition.image} (${file}), which is not here: an offline run cannot pull it` : `pulls ${definition.image} (${file})`];
  }
  const ref = definitionBuildRef(workspace, instance, definition);
  return [(await imageExists(docker, ref)) ? `reuses ${ref}, built from ${file}` : `builds ${ref} from ${file}`];
}

/** What EnvBench's generated image needs: the golang image online, offline the debootstrap base and this machine's toolchain. */
async function generatedImageWork(docker: Docker, workspace: WorkspaceInfo, offline: boolean, instance: string): Promise<string[]> {
  if (!offline) {
    const ref = `golang:${workspace.goVersion ?? 'latest'}`;
    return [(await imageExists(docker, ref)) ? `uses ${ref}, already here` : `pulls ${ref} (if that fails: builds an offline image from this machine's Go)`];
  }
  const work: string[] = [];
  if (!(await imageExists(docker, BASE_IMAGE))) work.push(`builds ${BASE_IMAGE} with debootstrap (once, about a minute)`);
  const toolchain = await hostGoToolchain();
  const toolchainImage = toolchainImageTag(BASE_IMAGE, toolchain, instance);
  const tools = toolchain.tools.map((t) => t.name).join(' and ');
  if (!(await imageExists(docker, toolchainImage))) work.push(`builds ${toolchainImage} from this machine's ${toolchain.version}${tools ? ` with ${tools}` : ''} (once, or takes over another installation's)`);
  const ref = devImageTag(offlineDockerfile(toolchainImage, toolchain), toolchain, instance);
  work.push((await imageExists(docker, ref)) ? `reuses ${ref}` : `builds ${ref} on it (or takes over another installation's)`);
  return work;
}

/** The runs (by id) whose log already says what of devcontainer.json was applied: docker and dind share one workspace file. */
const toldDevcontainer = new Set<string>();

/**
 * The facts recorded about devcontainer.json (none without one): the keys applied, those not
 * applied and why, and the lifecycle commands, which are never run. Said once per run in the log
 * as well: nothing of the file is dropped without a word.
 */
export function devcontainerFacts(plan: ImagePlan, runId: string, log: (line: string) => void): Record<string, string> {
  const facts: Record<string, string> = {};
  if (plan.devcontainer.applied.length > 0) facts.devcontainerApplied = plan.devcontainer.applied.join('; ');
  if (plan.devcontainer.notApplied.length > 0) facts.devcontainerNotApplied = `${plan.devcontainer.notApplied.join('; ')} (in ${plan.definitionFile})`;
  if (plan.lifecycleCommands.length > 0) facts.lifecycleCommands = `${plan.lifecycleCommands.join(', ')} in ${plan.definitionFile}: not run (EnvBench never runs a workspace's lifecycle commands)`;
  if (!toldDevcontainer.has(runId) && Object.keys(facts).length > 0) {
    toldDevcontainer.add(runId);
    if (facts.devcontainerApplied) log(`docker: applied from devcontainer.json: ${facts.devcontainerApplied}`);
    if (facts.devcontainerNotApplied) log(`docker: not applied from devcontainer.json: ${facts.devcontainerNotApplied}`);
    if (facts.lifecycleCommands) log(`docker: ${facts.lifecycleCommands}`);
  }
  return facts;
}

/** A runtime's Go build cache volume for a workspace, one per EnvBench installation (instanceKey()). */
export function cacheVolumeName(runtime: string, workspace: WorkspaceInfo, instance: string): string {
  return `envbench-gocache-${runtime}-${workspaceKey(workspace.path)}-${instance}`;
}

/**
 * Removes an image for a cold start: only one this installation made (its `envbench.instance`
 * label is `instance`), or, with `instance` null, one EnvBench pulled itself. The daemon's build
 * cache is left alone (it holds the user's builds too): the cold build runs with `noCache` instead.
 * Callers only pass images the plan marks removable.
 */
export async function removeOwnImage(docker: Docker, ref: string, instance: string | null): Promise<void> {
  let labels: Record<string, string>;
  try {
    labels = (await docker.getImage(ref).inspect()).Config?.Labels ?? {};
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  if (instance !== null && labels[LABEL_INSTANCE] !== instance) {
    throw new Error(`not removing the image ${ref} for a cold start: it is not this EnvBench's (its ${LABEL_INSTANCE} label is ${labels[LABEL_INSTANCE] ? `"${labels[LABEL_INSTANCE]}"` : 'missing'}, this installation's is "${instance}")`);
  }
  try {
    await docker.getImage(ref).remove({ force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

const DOCKER_SOURCES: Record<ImagePlan['source'], (plan: ImagePlan) => string> = {
  pulled: (plan) => `generated Dockerfile on the pulled image ${plan.ref}`,
  'generated-offline': (plan) => `generated offline Dockerfile (local base ${plan.base}, this machine's Go toolchain)`,
  'workspace Dockerfile.dev': () => "the workspace's own Dockerfile.dev",
  'workspace devcontainer.json': () => "the workspace's own devcontainer.json",
};

/** How a docker or dind image plan's definition came about, in words. */
export function dockerDefinitionSource(plan: ImagePlan): string {
  return DOCKER_SOURCES[plan.source](plan);
}
