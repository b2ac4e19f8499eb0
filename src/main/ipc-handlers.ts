import type { IpcMainInvokeEvent } from 'electron';
import { ipcMain } from 'electron';
import type { IpcService } from '../core/ipc-service';

export interface Disposable {
  dispose(): void;
}

/** Serves the core's IPC service over ipcMain, only to our own window's frames (isTrustedSender). */
export function registerIpcHandlers(service: IpcService, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): Disposable {
  for (const channel of service.channels) {
    ipcMain.handle(channel, (event, ...rawArgs: unknown[]) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { name: 'Error', message: `refused ${channel} from an untrusted frame` } };
      }
      return service.handle(channel, rawArgs);
    });
  }
  return { dispose: () => service.channels.forEach((channel) => ipcMain.removeHandler(channel)) };
}
