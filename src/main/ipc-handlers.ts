import type { IpcMainInvokeEvent } from 'electron';
import { ipcMain } from 'electron';
import type { Core } from '../core/create-core';
import { describeError } from '../core/user-error';
import type { AppInfo, InvokeChannel, IpcInvokeMap, IpcReply } from '../shared/ipc/contract';
import { ipcInvokeArgs } from '../shared/ipc/contract';

type Handlers = { [C in InvokeChannel]: (...args: IpcInvokeMap[C]['args']) => Promise<IpcInvokeMap[C]['result']> | IpcInvokeMap[C]['result'] };

export interface Disposable {
  dispose(): void;
}

/**
 * Serves the IPC contract from the core. Each call is checked twice: it must come from our own
 * window (isTrustedSender) and its arguments must match the contract's zod schema.
 */
export function registerIpcHandlers(core: Core, appInfo: AppInfo, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): Disposable {
  const handlers: Handlers = {
    'app:info': () => appInfo,
    'runtime:list': () => core.doctor(),
    'history:query': ({ limit }) => core.listRuns().slice(0, limit ?? 200),
    'run:get': ({ id }) => core.getRun(id),
  };
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...rawArgs: unknown[]): Promise<IpcReply<unknown>> => {
      try {
        if (!isTrustedSender(event)) throw new Error(`refused ${channel} from an untrusted frame`);
        const parsed = ipcInvokeArgs[channel].safeParse(rawArgs);
        if (!parsed.success) throw new Error(`invalid arguments for ${channel}: ${parsed.error.message}`);
        const handler = handlers[channel] as (...args: unknown[]) => unknown;
        return { ok: true, value: await handler(...parsed.data) };
      } catch (error) {
        return { ok: false, error: { name: error instanceof Error ? error.name : 'Error', message: describeError(error) } };
      }
    });
  }
  return { dispose: () => channels.forEach((channel) => ipcMain.removeHandler(channel)) };
}
