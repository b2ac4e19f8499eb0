import { createCore } from '../../src/core/create-core';
import type { Core } from '../../src/core/create-core';
import type { IpcService } from '../../src/core/ipc-service';
import { createIpcService } from '../../src/core/ipc-service';
import type { EnvbenchApi, EventChannel, IpcEventMap } from '../../src/shared/ipc/contract';
import { RESOURCES, tempDataDir } from '../support/envbench-cli';

export interface RealApi {
  core: Core;
  service: IpcService;
  dispose(): Promise<void>;
}

/**
 * window.envbench backed by the real core in this process (a fresh data directory): components are
 * tested against the same contract and the same answers the app gets, without a transport.
 * Install it before importing a view (src/renderer/src/api.ts picks the API up at import).
 */
export function installRealApi(): RealApi {
  const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
  const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
  const api: EnvbenchApi = {
    async invoke(channel, ...args) {
      const reply = await service.handle(channel, args);
      if (!reply.ok) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
      return reply.value as never;
    },
    on<C extends EventChannel>(channel: C, listener: (payload: IpcEventMap[C]) => void) {
      const subscription = service.subscribe((c, payload) => {
        if ((c as string) === channel) listener(payload as unknown as IpcEventMap[C]);
      });
      return () => subscription.dispose();
    },
  };
  window.envbench = api;
  return {
    core,
    service,
    async dispose() {
      await service.dispose();
      core.dispose();
    },
  };
}
