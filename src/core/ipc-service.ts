import type { AppInfo, InvokeChannel, IpcInvokeMap, IpcReply } from '../shared/ipc/contract';
import { ipcInvokeArgs } from '../shared/ipc/contract';
import type { Core } from './create-core';
import { describeError } from './user-error';

type Handlers = { [C in InvokeChannel]: (...args: IpcInvokeMap[C]['args']) => Promise<IpcInvokeMap[C]['result']> | IpcInvokeMap[C]['result'] };

/**
 * The IPC contract served by the core, independent of the transport: Electron's ipcMain uses it,
 * and so does any local bridge that serves the renderer in a plain browser. Arguments are
 * validated with the contract's zod schemas; errors come back as data with their real message.
 */
export interface IpcService {
  readonly channels: readonly InvokeChannel[];
  handle(channel: string, rawArgs: unknown[]): Promise<IpcReply<unknown>>;
}

export function createIpcService(core: Core, appInfo: AppInfo): IpcService {
  const handlers: Handlers = {
    'app:info': () => appInfo,
    'runtime:list': () => core.doctor(),
    'history:query': ({ limit }) => core.listRuns().slice(0, limit ?? 200),
    'run:get': ({ id }) => core.getRun(id),
  };
  const channels = Object.keys(handlers) as InvokeChannel[];
  return {
    channels,
    async handle(channel, rawArgs) {
      try {
        if (!(channels as string[]).includes(channel)) throw new Error(`unknown IPC channel ${JSON.stringify(channel)}`);
        const known = channel as InvokeChannel;
        const parsed = ipcInvokeArgs[known].safeParse(rawArgs);
        if (!parsed.success) throw new Error(`invalid arguments for ${known}: ${parsed.error.message}`);
        const handler = handlers[known] as (...args: unknown[]) => unknown;
        return { ok: true, value: await handler(...parsed.data) };
      } catch (error) {
        return { ok: false, error: { name: error instanceof Error ? error.name : 'Error', message: describeError(error) } };
      }
    },
  };
}
