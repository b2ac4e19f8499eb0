import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Where EnvBench keeps its history and per-runtime caches. The CLI and the desktop app resolve
 * the same directory so they share one history: $ENVBENCH_DATA_DIR, else the platform's
 * user-data directory ($XDG_DATA_HOME/envbench on Linux).
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

export function historyFile(dataDir: string): string {
  return path.join(dataDir, 'history.sqlite');
}

/** Caches that belong to one runtime (e.g. its GOCACHE), so cleaning them never touches the user's own. */
export function runtimeCacheDir(dataDir: string, runtime: string): string {
  return path.join(dataDir, 'runtimes', runtime);
}

/** A short stable key for a workspace path: names its volumes, images and generated files. */
export function workspaceKey(workspacePath: string): string {
  return crypto.createHash('sha256').update(workspacePath).digest('hex').slice(0, 12);
}

/** Where generated environment definitions for one workspace live (never in the workspace itself). */
export function workspaceDataDir(dataDir: string, workspacePath: string): string {
  return path.join(dataDir, 'workspaces', workspaceKey(workspacePath));
}

export function scratchDir(dataDir: string, runId: string): string {
  return path.join(dataDir, 'scratch', runId);
}
