import { RUNTIME_IDS } from '../../shared/run';
import type { RuntimeId } from '../../shared/run';
import { UserError } from '../user-error';
import { DevboxRuntime } from './devbox/devbox';
import { DindRuntime } from './dind/dind';
import { DockerRuntime } from './docker/docker';
import { NativeRuntime } from './native/native';
import { NixRuntime } from './nix/nix';
import type { Runtime } from './runtime';

/** Clean-up of what EnvBench left on the container engine docker and dind share. */
export { cleanEngine, reapEngineOrphans } from './docker/docker-cleanup';
export type { CleanupReport } from './docker/docker-cleanup';

/** The one place that lists runtimes: adding one is a new file plus one line here. */
export function createRuntimes(resourcesDir: string): Runtime[] {
  return [
    new NativeRuntime(resourcesDir),
    new DockerRuntime(resourcesDir),
    new DindRuntime(resourcesDir),
    new NixRuntime(resourcesDir),
    new DevboxRuntime(resourcesDir),
  ];
}

/** The runtimes `ids` names, in that order (ids already checked: the IPC contract, parseRuntimeIds). */
export function runtimesNamed(runtimes: readonly Runtime[], ids: readonly RuntimeId[]): Runtime[] {
  return ids.map((id) => {
    const runtime = runtimes.find((r) => r.id === id);
    if (!runtime) throw new Error(`no runtime ${id} in the registry`);
    return runtime;
  });
}

export function parseRuntimeIds(list: string): RuntimeId[] {
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) {
    throw new UserError('No runtime given', 'the runtime list is empty', `Name one or more of: ${RUNTIME_IDS.join(', ')}`);
  }
  const unknown = ids.filter((id) => !(RUNTIME_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    throw new UserError(`Unknown runtime ${unknown.map((u) => `"${u}"`).join(', ')}`, `EnvBench knows ${RUNTIME_IDS.join(', ')}`, 'Use one of those names, separated by commas');
  }
  return [...new Set(ids)] as RuntimeId[];
}
