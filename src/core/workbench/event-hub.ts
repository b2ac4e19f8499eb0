import type { EventChannel, IpcEventMap } from '../../shared/ipc/contract';

export interface Disposable {
  dispose(): void;
}

export type EventListener = <C extends EventChannel>(channel: C, payload: IpcEventMap[C]) => void;

/**
 * The core's events for the renderer (run progress, logs, terminal output), typed by the IPC
 * contract. Electron's main process forwards them to the window; `envbench serve` to its WebSockets.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<C extends EventChannel>(channel: C, payload: IpcEventMap[C]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(channel, payload);
      } catch {
        // One broken listener (a closed socket) must not stop the others or the run.
      }
    }
  }

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
