// The one IPC contract between the renderer and the core. Channels are 'domain:verb'.
// The main process validates every argument list with these zod schemas before calling the core;
// the preload and the renderer import only the types.
import { z } from 'zod';
import type { RunJson, RunProgress, RunSummary, RuntimeHealth } from '../run';

export interface AppInfo {
  version: string;
  commit: string | null;
  dataDir: string;
  dbFile: string;
  sampleWorkspace: string;
}

/** Renderer -> main requests: argument tuple and result. */
export interface IpcInvokeMap {
  'app:info': { args: []; result: AppInfo };
  'runtime:list': { args: []; result: RuntimeHealth[] };
  'history:query': { args: [{ limit?: number }]; result: RunSummary[] };
  'run:get': { args: [{ id: string }]; result: RunJson | null };
}

/** Main -> renderer events. */
export interface IpcEventMap {
  'bench:progress': RunProgress;
}

export type InvokeChannel = keyof IpcInvokeMap;
export type EventChannel = keyof IpcEventMap;

export const ipcInvokeArgs = {
  'app:info': z.tuple([]),
  'runtime:list': z.tuple([]),
  'history:query': z.tuple([z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict()]),
  'run:get': z.tuple([z.object({ id: z.string().min(1).max(200) }).strict()]),
} satisfies { [K in InvokeChannel]: z.ZodType<IpcInvokeMap[K]['args']> };

/** Errors cross the boundary as data and are re-thrown in the preload with their real message. */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: { name: string; message: string } };

/** What the preload exposes on window.envbench. */
export interface EnvbenchApi {
  invoke<C extends InvokeChannel>(channel: C, ...args: IpcInvokeMap[C]['args']): Promise<IpcInvokeMap[C]['result']>;
  on<C extends EventChannel>(channel: C, listener: (payload: IpcEventMap[C]) => void): () => void;
}
