import type { IpcInvokeMap, TerminalInfo } from '../../shared/ipc/contract';

/**
 * Real terminals inside each environment (node-pty): a host shell, `docker exec -it` into the
 * runtime's container, a shell inside DinD, `nix develop`, `devbox shell`. Output goes out as
 * 'terminal:data' events on the hub, with flow control (see terminal-manager.ts).
 */
export interface TerminalManager {
  open(request: IpcInvokeMap['terminal:open']['args'][0]): Promise<TerminalInfo>;
  write(id: string, data: string): void;
  resize(id: string, cols: number, rows: number): void;
  /** The renderer has drawn `chars` more characters: resume a paused pty below the low watermark. */
  ack(id: string, chars: number): void;
  close(id: string): void;
  list(): TerminalInfo[];
  /** Kills every terminal and what it started. */
  dispose(): Promise<void> | void;
}
