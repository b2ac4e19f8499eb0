import fs from 'node:fs';
import type Docker from 'dockerode';
import { UserError } from '../../user-error';
import { checkEngine, createDockerClient, dockerEndpoint, withTimeout } from './docker-client';
import { isNotFound } from './engine-stream';
import { LIST_TIMEOUT_MS } from './owned-objects';
import { checkOwner, isEnvbenchContainer, LABEL_INSTANCE, LABEL_KIND, LABEL_MANAGED, LABEL_OWNER, MANAGED_FILTER } from './labels';


/** What a clean-up removed, and what it found but left alone, each as one line for a person. */
export interface CleanupReport {
  removed: string[];
  left: string[];
}

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function describeContainer(info: Docker.ContainerInfo): string {
  return `container ${shortId(info.Id)} (${info.Labels[LABEL_KIND] ?? 'envbench'}, ${info.Image})`;
}

function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 409;
}

/**
 * Removes containers EnvBench started for a process that is gone (killed with SIGKILL, crashed).
 * Called when any EnvBench command starts; a Docker that is not there is not an error. Only
 * containers EnvBench created are considered (see isEnvbenchContainer): a user's container of an
 * EnvBench image is never touched. An owner that cannot be checked from here (another machine
 * sharing the daemon) is left alone and reported.
 */
export async function reapOrphanContainers(docker: Docker): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], left: [] };
  let containers: Docker.ContainerInfo[];
  try {
    containers = await withTimeout(docker.listContainers({ all: true, filters: MANAGED_FILTER }), LIST_TIMEOUT_MS);
  } catch {
    return report;
  }
  for (const info of containers) {
    if (!isEnvbenchContainer(info)) continue;
    const owner = checkOwner(info.Labels[LABEL_OWNER]);
    if (owner.state === 'alive') continue;
    if (owner.state === 'unchecked') {
      report.left.push(`${describeContainer(info)}: ${owner.why}`);
      continue;
    }
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      report.removed.push(describeContainer(info));
    } catch {
      // Removed concurrently, or the engine went away: the next start tries again.
    }
  }
  // Per-sample volumes (a DinD cold start's data root) carry their owner too; shared caches do not.
  try {
    const volumes = await withTimeout(docker.listVolumes({ filters: MANAGED_FILTER }), LIST_TIMEOUT_MS);
    for (const volume of volumes.Volumes ?? []) {
      if (!volume.Labels?.[LABEL_OWNER]) continue;
      const owner = checkOwner(volume.Labels[LABEL_OWNER]);
      if (owner.state === 'alive') continue;
      if (owner.state === 'unchecked') {
        report.left.push(`volume ${volume.Name}: ${owner.why}`);
        continue;
      }
      await docker.getVolume(volume.Name).remove().catch(() => {});
      report.removed.push(`volume ${volume.Name}`);
    }
  } catch {
    // The engine went away: the next start tries again.
  }
  return report;
}

/**
 * `envbench clean`: every container, volume, network and image EnvBench made (by label), nothing
 * else. Containers are removed only when EnvBench created them and their owner is on this
 * machine; an image a user's container still uses is left (never forced) and reported, as is a
 * container owned by another machine.
 */
export async function removeAllManaged(docker: Docker): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], left: [] };
  for (const info of await docker.listContainers({ all: true, filters: MANAGED_FILTER })) {
    if (!isEnvbenchContainer(info)) {
      report.left.push(`${describeContainer(info)}: not created by EnvBench (it carries envbench.managed from its image); remove it yourself with \`docker rm -f ${shortId(info.Id)}\` if you want it gone`);
      continue;
    }
    const owner = checkOwner(info.Labels[LABEL_OWNER]);
    if (owner.state === 'unchecked') {
      report.left.push(`${describeContainer(info)}: ${owner.why}`);
      continue;
    }
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      report.removed.push(describeContainer(info));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const volumes = await docker.listVolumes({ filters: MANAGED_FILTER });
  for (const volume of volumes.Volumes ?? []) {
    const owner = volume.Labels?.[LABEL_OWNER] ? checkOwner(volume.Labels[LABEL_OWNER]) : null;
    if (owner?.state === 'unchecked') {
      report.left.push(`volume ${volume.Name}: ${owner.why}`);
      continue;
    }
    try {
      await docker.getVolume(volume.Name).remove();
      report.removed.push(`volume ${volume.Name}`);
    } catch (error) {
      if (isConflict(error)) report.left.push(`volume ${volume.Name}: in use by a container EnvBench did not remove`);
      else if (!isNotFound(error)) throw error;
    }
  }
  for (const network of await docker.listNetworks({ filters: MANAGED_FILTER })) {
    await docker.getNetwork(network.Id).remove();
    report.removed.push(`network ${network.Name}`);
  }
  // Images built on top of others first (dev images, then the Go image, then the base), so each removal succeeds.
  const images = await docker.listImages({ all: false, filters: MANAGED_FILTER });
  const order = (kind: string | undefined): number => (kind === 'base-image' ? 2 : kind === 'toolchain-image' ? 1 : 0);
  images.sort((a, b) => order(a.Labels?.[LABEL_KIND]) - order(b.Labels?.[LABEL_KIND]));
  for (const image of images) {
    const name = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>').join(', ') || shortId(image.Id);
    const users = await docker.listContainers({ all: true, filters: { ancestor: [image.Id] } });
    if (users.length > 0) {
      report.left.push(`image ${name}: in use by ${users.map((u) => `container ${shortId(u.Id)}`).join(', ')}; remove ${users.length === 1 ? 'it' : 'them'}, then run \`envbench clean\` again`);
      continue;
    }
    try {
      await removeImageUnforced(docker, image);
      report.removed.push(`image ${name}`);
    } catch (error) {
      if (isConflict(error)) report.left.push(`image ${name}: in use (${firstLine(error)}); remove the container that uses it, then run \`envbench clean\` again`);
      else if (!isNotFound(error)) throw error;
    }
  }
  return report;
}

/** Each tag, then the image itself, without force: the engine refuses while a container uses it. */
async function removeImageUnforced(docker: Docker, image: Docker.ImageInfo): Promise<void> {
  const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  for (const tag of tags.slice(0, -1)) await docker.getImage(tag).remove();
  await docker.getImage(tags.at(-1) ?? image.Id).remove();
}

function firstLine(error: unknown): string {
  const text = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message ?? String(error);
  return text.replace(/^\(HTTP code \d+\)\s*\S+\s*-\s*/, '').split('\n')[0]!.trim();
}

/**
 * `envbench clean`: every EnvBench object on the engine docker and dind share (removeAllManaged),
 * once the engine answers.
 */
export async function cleanEngine(): Promise<CleanupReport> {
  const endpoint = dockerEndpoint();
  const docker = createDockerClient(endpoint);
  const engine = await checkEngine(docker, endpoint);
  if (!engine.ok) throw new UserError('Cannot clean up Docker objects', engine.reason ?? 'Docker is unavailable', 'Start Docker and run `envbench clean` again');
  return removeAllManaged(docker);
}

/**
 * `envbench clean --caches`, in Docker: the Go build cache volumes of one EnvBench installation
 * (`envbench.instance`), docker's and dind's, so that after it every runtime's first build is
 * cold, not only the host's. Other installations' volumes and every image stay. A Docker that is
 * not running cannot be asked: that is said (its volumes, if any, stay), not an error.
 */
export async function removeCacheVolumes(instance: string): Promise<CleanupReport> {
  const endpoint = dockerEndpoint();
  if (endpoint.socketPath && !fs.existsSync(endpoint.socketPath)) return { removed: [], left: [] };
  const docker = createDockerClient(endpoint);
  const engine = await checkEngine(docker, endpoint);
  if (!engine.ok) return { removed: [], left: [`Docker's build cache volumes: not removed, ${engine.reason}; run \`envbench clean --caches\` again once it answers`] };
  const report: CleanupReport = { removed: [], left: [] };
  const filters = { label: [`${LABEL_MANAGED}=true`, `${LABEL_KIND}=cache-volume`, `${LABEL_INSTANCE}=${instance}`] };
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) {
    try {
      await docker.getVolume(volume.Name).remove();
      report.removed.push(`volume ${volume.Name}`);
    } catch (error) {
      if (isConflict(error)) report.left.push(`volume ${volume.Name}: in use by a container (a terminal or a run of this EnvBench?); close it and run \`envbench clean --caches\` again`);
      else if (!isNotFound(error)) throw error;
    }
  }
  return report;
}

/**
 * At start, once the engine's socket said it holds something to look at (owned-objects.ts): the
 * containers of EnvBench processes that died (reapOrphanContainers).
 */
export async function reapEngineOrphans(): Promise<CleanupReport> {
  return reapOrphanContainers(createDockerClient(dockerEndpoint()));
}
