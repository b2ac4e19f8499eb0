import type { EventChannel, IpcEventMap } from '../../shared/ipc/contract';
import { useEffect, useRef } from 'react';
import { installApi } from './bridge-client';

/** window.envbench: the Electron preload's, or the `envbench serve` bridge's in a browser. */
export const api = installApi();

/** Subscribes to a core event for the component's lifetime; the latest listener is always called. */
export function useApiEvent<C extends EventChannel>(channel: C, listener: (payload: IpcEventMap[C]) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => api.on(channel, (payload) => latest.current(payload)), [channel]);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
