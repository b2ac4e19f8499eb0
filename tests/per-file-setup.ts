import { afterAll } from 'vitest';
import { removeCacheVolumesOf } from './support/docker';
import { removeTempDataDirs, tempDataDir } from './support/envbench-cli';

// Each test file gets its own cache directory (build caches, scratch copies, tool copies, Nix GC
// roots), inherited by every core it creates and every envbench it starts, and removed with its
// data directories: tests never touch ~/.cache/envbench, and a later file's cold start is cold.
process.env.ENVBENCH_CACHE_DIR = tempDataDir('envbench-cache-');

// After each test file (its own afterAll hooks have disposed its cores and closed its terminals):
// its data directories go, and with them any Nix GC root it made, so a later file's cold start
// can really empty the store; so do the Docker build cache volumes of those installations.
afterAll(() => removeCacheVolumesOf(removeTempDataDirs()));
