import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Where EnvBench keeps what it cannot make again: the history and the generated definitions. The
 * CLI and the desktop app resolve the same directory so they share one history: $ENVBENCH_DATA_DIR,
 * else the platform's user-data directory ($XDG_DATA_HOME/envbench on Linux). Caches live apart,
 * in defaultCacheDir().
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ENVBENCH_DATA_DIR) return path.resolve(env.ENVBENCH_DATA_DIR);
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'EnvBench');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'EnvBench');
    default:
      return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'envbench');
  }
}

/**
 * Where EnvBench keeps what it can make again (the runtimes' build caches, Nix's evaluation cache,
 * scratch copies of workspaces, shared copies of gopls and dlv), so that backups and cache
 * cleaners treat them as caches and `envbench clean --caches` can drop them whole:
 * $ENVBENCH_CACHE_DIR, else the platform's cache directory ($XDG_CACHE_HOME/envbench on Linux).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ENVBENCH_CACHE_DIR) return path.resolve(env.ENVBENCH_CACHE_DIR);
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Caches', 'EnvBench');
    case 'win32':
      return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'EnvBench', 'Cache');
    default:
      return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'envbench');
  }
}

export function historyFile(dataDir: string): string {
  return path.join(dataDir, 'history.sqlite');
}

/** Caches that belong to one runtime (e.g. its GOCACHE), so cleaning them never touches the user's own. */
export function runtimeCacheDir(cacheDir: string, runtime: string): string {
  return path.join(cacheDir, 'runtimes', runtime);
}

/** Host tools (gopls, dlv) copied for environments, one folder per content hash, shared by every workspace. */
export function toolsCacheDir(cacheDir: string): string {
  return path.join(cacheDir, 'tools');
}

/** A short stable key for a workspace path: names its volumes, images and generated files. */
export function workspaceKey(workspacePath: string): string {
  return crypto.createHash('sha256').update(workspacePath).digest('hex').slice(0, 12);
}

/**
 * A short key for one EnvBench installation, from its data directory: it names and labels the
 * images, volumes and Nix store paths this installation creates, so that EnvBench installations
 * on one machine (other users, other data directories) never share them and a cold start of one
 * never removes another's.
 */
export function instanceKey(dataDir: string): string {
  return crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 8);
}

/** Where generated environment definitions for one workspace live (never in the workspace itself). */
export function workspaceDataDir(dataDir: string, workspacePath: string): string {
  return path.join(dataDir, 'workspaces', workspaceKey(workspacePath));
}

/** A run's scratch copy of the workspace (for scenarios that change files). */
export function scratchDir(cacheDir: string, runId: string): string {
  return path.join(cacheDir, 'scratch', runId);
}

/** Where a run parks what it deletes between samples until its last one (DeferredRemovals). */
export function trashDir(cacheDir: string): string {
  return path.join(cacheDir, 'trash');
}

/** Doctor's remembered probe answers for host tools (Chromium), so a warm doctor stays fast. */
export function probesCacheDir(cacheDir: string): string {
  return path.join(cacheDir, 'probes');
}

/** Every folder EnvBench fills in the cache directory (runtimeCacheDir, scratchDir, toolsCacheDir and probesCacheDir live in them). */
export function cacheFolders(cacheDir: string): string[] {
  return ['runtimes', 'scratch', 'tools', 'probes', 'trash'].map((name) => path.join(cacheDir, name));
}

/**
 * Caches earlier versions of EnvBench kept in the data directory, relative to it: removed by
 * `envbench clean --caches` along with the cache directory.
 */
export const LEGACY_DATA_DIR_CACHES = ['runtimes', 'scratch'] as const;
/** Per-workspace tool copies earlier versions kept in each workspaces/<key> folder. */
export const LEGACY_WORKSPACE_TOOL_COPIES = ['nix-tools', 'devbox-tools'] as const;
