import type { RuntimeId } from '../../shared/run';
import { UserError } from '../user-error';
import type { CleanupReport } from './docker/docker-cleanup';
import type { Runtime } from './runtime';

export type { CleanupReport };

/** Clean-up of what EnvBench left on the container engine docker and dind share (./docker/docker-cleanup, loaded when called). */
export const cleanEngine = async (): Promise<CleanupReport> => (await import('./docker/docker-cleanup')).cleanEngine();
/** At every command's start: removes containers of EnvBench processes that died, asking the engine's socket alone when there are none (most starts). */
export async function reapEngineOrphans(): Promise<CleanupReport> {
  if (!(await (await import('./docker/owned-objects')).engineMayHoldOrphans())) return { removed: [], left: [] };
  return (await import('./docker/docker-cleanup')).reapEngineOrphans();
}
export const removeCacheVolumes = async (instance: string): Promise<CleanupReport> => (await import('./docker/docker-cleanup')).removeCacheVolumes(instance);

/**
 * The environments EnvBench measures, in the order every output lists them (native first: the
 * baseline). The one list every layer uses: the CLI and the IPC contract check ids against it,
 * and the renderer gets it through `runtime:list`. Adding an environment is its folder and one
 * line here (docs/adding-an-environment.md). Each folder is loaded when the runtimes are first
 * created, not when this list is: `envbench history` and `--version` never load an environment.
 */
const ENVIRONMENTS: readonly { id: RuntimeId; create(resourcesDir: string): Promise<Runtime> }[] = [
  { id: 'native', create: async (resourcesDir) => new (await import('./native/native')).NativeRuntime(resourcesDir) },
  { id: 'docker', create: async (resourcesDir) => new (await import('./docker/docker')).DockerRuntime(resourcesDir) },
  { id: 'dind', create: async (resourcesDir) => new (await import('./dind/dind')).DindRuntime(resourcesDir) },
  { id: 'nix', create: async (resourcesDir) => new (await import('./nix/nix')).NixRuntime(resourcesDir) },
  { id: 'devbox', create: async (resourcesDir) => new (await import('./devbox/devbox')).DevboxRuntime(resourcesDir) },
];

/** Every environment's id, in the registry's order. */
export const RUNTIME_IDS: readonly RuntimeId[] = ENVIRONMENTS.map((e) => e.id);

export async function createRuntimes(resourcesDir: string): Promise<Runtime[]> {
  return Promise.all(
    ENVIRONMENTS.map(async (entry) => {
      const runtime = await entry.create(resourcesDir);
      if (runtime.id !== entry.id) throw new Error(`registry: ${entry.id} creates a runtime whose id is ${runtime.id}`);
      return runtime;
    }),
  );
}

/**
 * The runtimes `ids` names, in that order. An id no runtime has is the caller's mistake (the app
 * and the CLI list what exists): a UserError.
 */
export function runtimesNamed(runtimes: readonly Runtime[], ids: readonly RuntimeId[]): Runtime[] {
  return ids.map((id) => {
    const runtime = runtimes.find((r) => r.id === id);
    if (!runtime) throw unknownRuntimes([id], runtimes.map((r) => r.id), 'Use one of those names');
    return runtime;
  });
}

export function parseRuntimeIds(list: string, known: readonly RuntimeId[] = RUNTIME_IDS): RuntimeId[] {
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) {
    throw new UserError('No runtime given', 'the runtime list is empty', `Name one or more of: ${known.join(', ')}`);
  }
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw unknownRuntimes(unknown, known, 'Use one of those names, separated by commas');
  return [...new Set(ids)];
}

/** "Unknown runtime "x"": what EnvBench knows, and what to do. */
export function unknownRuntimes(unknown: readonly string[], known: readonly RuntimeId[], fix: string): UserError {
  return new UserError(`Unknown runtime ${unknown.map((u) => `"${u}"`).join(', ')}`, `EnvBench knows ${known.join(', ')}`, fix);
}
