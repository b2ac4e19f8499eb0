import type { RuntimeId } from '../../shared/run';
import { UserError } from '../user-error';
import { DevboxRuntime } from './devbox/devbox';
import { DindRuntime } from './dind/dind';
import { DockerRuntime } from './docker/docker';
import { NativeRuntime } from './native/native';
import { NixRuntime } from './nix/nix';
import type { Runtime } from './runtime';

/** Clean-up of what EnvBench left on the container engine docker and dind share. */
export { cleanEngine, reapEngineOrphans, removeCacheVolumes } from './docker/docker-cleanup';
export type { CleanupReport } from './docker/docker-cleanup';

/**
 * The environments EnvBench measures, in the order every output lists them (native first: the
 * baseline). The one list every layer uses: the CLI and the IPC contract check ids against it,
 * and the renderer gets it through `runtime:list`. Adding an environment is its folder and one
 * line here (docs/adding-an-environment.md).
 */
const ENVIRONMENTS: readonly { id: RuntimeId; create(resourcesDir: string): Runtime }[] = [
  { id: 'native', create: (resourcesDir) => new NativeRuntime(resourcesDir) },
  { id: 'docker', create: (resourcesDir) => new DockerRuntime(resourcesDir) },
  { id: 'dind', create: (resourcesDir) => new DindRuntime(resourcesDir) },
  { id: 'nix', create: (resourcesDir) => new NixRuntime(resourcesDir) },
  { id: 'devbox', create: (resourcesDir) => new DevboxRuntime(resourcesDir) },
];

/** Every environment's id, in the registry's order. */
export const RUNTIME_IDS: readonly RuntimeId[] = ENVIRONMENTS.map((e) => e.id);

export function createRuntimes(resourcesDir: string): Runtime[] {
  return ENVIRONMENTS.map((entry) => {
    const runtime = entry.create(resourcesDir);
    if (runtime.id !== entry.id) throw new Error(`registry: ${entry.id} creates a runtime whose id is ${runtime.id}`);
    return runtime;
  });
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
