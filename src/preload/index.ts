import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../shared/ipc/contract';
import type { EnvbenchApi, IpcReply } from '../shared/ipc/contract';

const invokeChannels = new Set<string>(INVOKE_CHANNELS);
const eventChannels = new Set<string>(EVENT_CHANNELS);

const api: EnvbenchApi = {
  async invoke(channel, ...args) {
    if (!invokeChannels.has(channel)) throw new Error(`Unknown IPC channel ${String(channel)}`);
    const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<never>;
    if (!reply.ok) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      throw error;
    }
    return reply.value;
  },
  on(channel, listener) {
    if (!eventChannels.has(channel)) throw new Error(`Unknown IPC event ${String(channel)}`);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('envbench', api);
