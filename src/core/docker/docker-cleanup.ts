import type Docker from 'dockerode';
import { isProcessAlive } from '../history/process-identity';
import { withTimeout } from './docker-client';
import { LABEL_KIND, LABEL_OWNER, MANAGED_FILTER, parseOwnerLabel } from './labels';

const LIST_TIMEOUT_MS = 3_000;

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Removes containers EnvBench started for a run whose process is gone (killed with SIGKILL,
 * crashed). Called when any EnvBench command starts; a Docker that is not there is not an error.
 */
export async function reapOrphanContainers(docker: Docker): Promise<string[]> {
  let containers: Docker.ContainerInfo[];
  try {
    containers = await withTimeout(docker.listContainers({ all: true, filters: MANAGED_FILTER }), LIST_TIMEOUT_MS);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const info of containers) {
    const owner = parseOwnerLabel(info.Labels[LABEL_OWNER]);
    if (owner && isProcessAlive(owner)) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(`container ${shortId(info.Id)} (${info.Labels[LABEL_KIND] ?? 'envbench'}, ${info.Image})`);
    } catch {
      // Removed concurrently, or the engine went away: the next start tries again.
    }
  }
  // Per-sample volumes (a DinD cold start's data root) carry their owner too; shared caches do not.
  try {
    const volumes = await withTimeout(docker.listVolumes({ filters: MANAGED_FILTER }), LIST_TIMEOUT_MS);
    for (const volume of volumes.Volumes ?? []) {
      const owner = parseOwnerLabel(volume.Labels?.[LABEL_OWNER]);
      if (!owner || isProcessAlive(owner)) continue;
      await docker.getVolume(volume.Name).remove().catch(() => {});
      removed.push(`volume ${volume.Name}`);
    }
  } catch {
    // The engine went away: the next start tries again.
  }
  return removed;
}

/** `envbench clean`: every container, volume, network and image EnvBench made (by label), nothing else. */
export async function removeAllManaged(docker: Docker): Promise<string[]> {
  const removed: string[] = [];
  for (const info of await docker.listContainers({ all: true, filters: MANAGED_FILTER })) {
    await docker.getContainer(info.Id).remove({ force: true, v: true });
    removed.push(`container ${shortId(info.Id)} (${info.Labels[LABEL_KIND] ?? 'envbench'}, ${info.Image})`);
  }
  const volumes = await docker.listVolumes({ filters: MANAGED_FILTER });
  for (const volume of volumes.Volumes ?? []) {
    await docker.getVolume(volume.Name).remove();
    removed.push(`volume ${volume.Name}`);
  }
  for (const network of await docker.listNetworks({ filters: MANAGED_FILTER })) {
    await docker.getNetwork(network.Id).remove();
    removed.push(`network ${network.Name}`);
  }
  // Images built on top of others first (dev images before their base), so each removal succeeds.
  const images = await docker.listImages({ all: false, filters: MANAGED_FILTER });
  const order = (kind: string | undefined): number => (kind === 'base-image' ? 1 : 0);
  images.sort((a, b) => order(a.Labels?.[LABEL_KIND]) - order(b.Labels?.[LABEL_KIND]));
  for (const image of images) {
    await docker.getImage(image.Id).remove({ force: true });
    removed.push(`image ${(image.RepoTags ?? []).join(', ') || shortId(image.Id)}`);
  }
  return removed;
}
