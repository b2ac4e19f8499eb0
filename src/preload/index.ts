import { contextBridge, ipcRenderer } from 'electron';
import type { EnvbenchApi, EventChannel, InvokeChannel, IpcReply } from '../shared/ipc/contract';

// Listed here (type-checked against the contract) because the preload takes only types from shared.
const INVOKE_CHANNELS: Record<InvokeChannel, true> = {
  'app:info': true,
  'runtime:list': true,
  'hosts:list': true,
  'hosts:check': true,
  'scenario:list': true,
  'workspace:inspect': true,
  'workspace:recent': true,
  'workspace:pick': true,
  'definitions:preview': true,
  'definitions:write': true,
  'run:start': true,
  'run:plan': true,
  'run:cancel': true,
  'run:active': true,
  'run:get': true,
  'run:delete': true,
  'run:compare': true,
  'run:export': true,
  'run:download': true,
  'export:pick': true,
  'export:reveal': true,
  'history:query': true,
  'history:trend': true,
  'terminal:open': true,
  'terminal:write': true,
  'terminal:resize': true,
  'terminal:ack': true,
  'terminal:close': true,
  'terminal:list': true,
};
const EVENT_CHANNELS: Record<EventChannel, true> = { 'bench:progress': true, 'bench:log': true, 'bench:state': true, 'terminal:data': true, 'terminal:exit': true };

const api: EnvbenchApi = {
  async invoke(channel, ...args) {
    if (!Object.hasOwn(INVOKE_CHANNELS, channel)) throw new Error(`Unknown IPC channel ${String(channel)}`);
    const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<never>;
    if (!reply.ok) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      throw error;
    }
    return reply.value;
  },
  on(channel, listener) {
    if (!Object.hasOwn(EVENT_CHANNELS, channel)) throw new Error(`Unknown IPC event ${String(channel)}`);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('envbench', api);
