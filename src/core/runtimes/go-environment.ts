import path from 'node:path';
import { runtimeCacheDir } from '../data-paths';

/**
 * Go settings every runtime applies so that runs are comparable and never touch the user's own
 * state: a build cache owned by the runtime (so `build-clean` can empty it), and, offline, no
 * network at all (module proxy off, no automatic toolchain download).
 */
export function goEnvironment(cacheDir: string, runtime: string, offline: boolean): Record<string, string> {
  const env: Record<string, string> = {
    GOCACHE: path.join(runtimeCacheDir(cacheDir, runtime), 'gocache'),
  };
  if (offline) {
    env.GOPROXY = 'off';
    env.GOTOOLCHAIN = 'local';
  }
  return env;
}
