import type { EventChannel, IpcEventMap } from '../shared/ipc/contract';

/** What the desktop can show of a run: the window's progress bar and a notification. */
export interface RunAttentionEffects {
  /** 0..1, or -1 to remove the bar (Electron's BrowserWindow.setProgressBar). */
  progress(value: number): void;
  notify(title: string, body: string): void;
}

/** The question before closing the window would cancel a run (Electron's dialog.showMessageBoxSync options). */
export interface CloseQuestion {
  title: string;
  message: string;
  detail: string;
  /** Index 0 keeps the window open (the default, and Escape); 1 cancels the run and closes. */
  buttons: [string, string];
}

/**
 * What the desktop shows of a run while the user looks elsewhere, from the same events the
 * renderer gets: the progress bar follows the run's steps, a notification says how it ended, and
 * closing the window while it measures asks first. No Electron here (run-attention.ts applies it),
 * so it is tested on a real run's events.
 */
export class RunAttention {
  private running: string | null = null;

  constructor(private readonly effects: RunAttentionEffects) {}

  onEvent(channel: EventChannel, payload: unknown): void {
    if (channel === 'bench:progress') {
      const progress = payload as IpcEventMap['bench:progress'];
      if (progress.runId === this.running && progress.totalSteps > 0) this.effects.progress(Math.min(1, progress.completedSteps / progress.totalSteps));
      return;
    }
    if (channel !== 'bench:state') return;
    const state = payload as IpcEventMap['bench:state'];
    if (state.status === 'running') {
      this.running = state.runId;
      this.effects.progress(0);
      return;
    }
    if (state.runId !== this.running) return;
    this.running = null;
    this.effects.progress(-1);
    const body =
      state.status === 'completed'
        ? 'Every measurement finished: open Results.'
        : state.status === 'cancelled'
          ? 'Cancelled: the samples measured so far are kept.'
          : `Failed${state.error ? `: ${state.error}` : ''}`;
    this.effects.notify(`EnvBench run ${state.runId} ${state.status}`, body);
  }

  /** What to ask before the window closes, or null when no run is measuring. */
  closeQuestion(): CloseQuestion | null {
    if (!this.running) return null;
    return {
      title: 'A run is measuring',
      message: `Run ${this.running} is still measuring.`,
      detail: 'Closing the window cancels it: its containers are removed, and the samples measured so far stay in the history.',
      buttons: ['Keep measuring', 'Cancel the run and close'],
    };
  }
}
