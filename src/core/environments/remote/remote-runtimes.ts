import type { RuntimeHealth, RuntimeId } from '../../../shared/run';
import type { RemoteHost } from '../../hosts/remote-host';
import { RUNTIME_IDS } from '../registry';
import type { PrepareContext, Runtime, RuntimeSession } from '../runtime';
import { RemoteDockerRuntime } from './remote-docker';
import { RemoteNativeRuntime } from './remote-native';

/**
 * An environment this EnvBench cannot yet run on a remote host: listed (so `--runtimes` names
 * every id everywhere) and unavailable, saying so.
 */
class NotYetRemoteRuntime implements Runtime {
  readonly displayName: string;
  constructor(
    readonly id: RuntimeId,
    private readonly host: RemoteHost,
  ) {
    this.displayName = `${id} on ${host.entry.name}`;
  }
  portableDefinition(): null {
    return null;
  }
  async detect(): Promise<RuntimeHealth> {
    return { id: this.id, available: false, version: null, reason: `this EnvBench measures native and docker on a remote host so far (${this.host.entry.name}); measure ${this.id} here, or native or docker there` };
  }
  prepare(_context: PrepareContext): Promise<RuntimeSession> {
    return Promise.reject(new Error(`${this.id} cannot run on ${this.host.entry.name} yet`));
  }
}

/** The environments of a remote host, by the registry's ids and in its order. */
export function createRemoteRuntimes(host: RemoteHost, resourcesDir: string): Runtime[] {
  return RUNTIME_IDS.map((id) => {
    if (id === 'native') return new RemoteNativeRuntime(host, resourcesDir);
    if (id === 'docker') return new RemoteDockerRuntime(host, resourcesDir);
    return new NotYetRemoteRuntime(id, host);
  });
}
