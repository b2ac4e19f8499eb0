import fs from 'node:fs';
import path from 'node:path';
import { cacheFolders, instanceKey, LEGACY_DATA_DIR_CACHES, LEGACY_WORKSPACE_TOOL_COPIES } from './data-paths';
import { removeCacheVolumes } from './environments/registry';
import { directorySize } from './machine/disk-usage';

export interface CacheCleanup {
  /** Each folder removed, with the bytes it held. */
  removed: { path: string; bytes: number }[];
  freedBytes: number;
  /** This installation's Go build cache volumes in Docker (docker's and dind's), removed. */
  volumes: string[];
  /** What could not be removed, each as a line for a person: a volume in use, a Docker that did not answer. */
  left: string[];
}

/**
 * The folders of the cache directory EnvBench fills (never the directory itself: ENVBENCH_CACHE_DIR
 * may name a folder that holds other things), and the caches earlier versions kept in the data
 * directory. The history and the generated definitions stay.
 */
function foldersToRemove(cacheDir: string, dataDir: string): string[] {
  const folders = cacheFolders(cacheDir);
  folders.push(...LEGACY_DATA_DIR_CACHES.map((name) => path.join(dataDir, name)));
  const workspaces = path.join(dataDir, 'workspaces');
  for (const key of safeReaddir(workspaces)) folders.push(...LEGACY_WORKSPACE_TOOL_COPIES.map((name) => path.join(workspaces, key, name)));
  return folders;
}

/**
 * `envbench clean --caches`: removes the runtimes' build caches (the host's folders and this
 * installation's Docker volumes), Nix's evaluation cache and GC roots, scratch copies and the
 * shared tool copies; the next run fills them again (its first builds are then cold in every
 * runtime). Returns what it removed and how many bytes of folders that freed.
 */
export async function cleanCaches(cacheDir: string, dataDir: string): Promise<CacheCleanup> {
  const removed: CacheCleanup['removed'] = [];
  for (const folder of foldersToRemove(cacheDir, dataDir)) {
    if (!fs.existsSync(folder)) continue;
    const bytes = await directorySize(folder);
    await fs.promises.rm(folder, { recursive: true, force: true });
    removed.push({ path: folder, bytes });
  }
  // The cache directory itself goes too when nothing else is in it.
  try {
    fs.rmdirSync(cacheDir);
  } catch {
    // Not empty, or not there.
  }
  const docker = await removeCacheVolumes(instanceKey(dataDir));
  return { removed, freedBytes: removed.reduce((sum, r) => sum + r.bytes, 0), volumes: docker.removed, left: docker.left };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
