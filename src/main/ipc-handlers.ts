import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import type { IpcService } from '../core/ipc-service';

export interface Disposable {
  dispose(): void;
}

/**
 * Serves the core's IPC service over ipcMain, only to our own window's frames (isTrustedSender),
 * and forwards the core's events (progress, logs, terminal output) to that window.
 */
export function registerIpcHandlers(service: IpcService, isTrustedSender: (event: IpcMainInvokeEvent) => boolean, window: WebContents): Disposable {
  for (const channel of service.channels) {
    ipcMain.handle(channel, (event, ...rawArgs: unknown[]) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { name: 'Error', message: `refused ${channel} from an untrusted frame` } };
      }
      return service.handle(channel, rawArgs);
    });
  }
  const events = service.subscribe((channel, payload) => {
    if (!window.isDestroyed()) window.send(channel, payload);
  });
  return {
    dispose: () => {
      events.dispose();
      service.channels.forEach((channel) => ipcMain.removeHandler(channel));
    },
  };
}
