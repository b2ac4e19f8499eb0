import { RUNTIME_IDS } from '../../shared/run';
import type { RuntimeId } from '../../shared/run';
import { UserError } from '../user-error';
import { DevboxRuntime } from './devbox';
import { DindRuntime } from './dind';
import { DockerRuntime } from './docker';
import { NativeRuntime } from './native';
import { NixRuntime } from './nix';
import type { Runtime } from './runtime';

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
