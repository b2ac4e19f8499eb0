import path from 'node:path';
import { runtimeCacheDir } from '../data-paths';

/**
 * Settings every runtime applies so that runs are comparable and never touch the user's own
 * state (docs/scenario-inputs.md):
 * - GOCACHE: a build cache owned by the runtime (so `build-clean` can empty it);
 * - XDG_CACHE_HOME: tool caches owned by the runtime (gopls's file cache and goimports' module
 *   index, Nix's evaluation cache), so no environment starts with a cache another one lacks
 *   (the user's ~/.cache gave native a cold gopls while Nix had a warm one);
 * - offline, no network at all (module proxy off, no automatic toolchain download).
 * Containers get the same inside the container (go-container.ts).
 */
export function goEnvironment(cacheDir: string, runtime: string, offline: boolean): Record<string, string> {
  const own = runtimeCacheDir(cacheDir, runtime);
  const env: Record<string, string> = {
    GOCACHE: path.join(own, 'gocache'),
    XDG_CACHE_HOME: path.join(own, 'xdg-cache'),
  };
  if (offline) {
    env.GOPROXY = 'off';
    env.GOTOOLCHAIN = 'local';
  }
  return env;
}
