import type { BrowserWindow } from 'electron';
import { dialog, Notification } from 'electron';
import type { IpcEventMap } from '../shared/ipc/contract';
import type { IpcService } from '../core/ipc-service';

/**
 * What the desktop shows of a run while the user looks elsewhere: the window's progress bar
 * (taskbar, dock), a notification when it ends, and a question before closing the window would
 * cancel it. Listens to the same events the renderer gets.
 */
export function attendRuns(window: BrowserWindow, service: IpcService): { dispose(): void } {
  let running: string | null = null;
  const subscription = service.subscribe((channel, payload) => {
    if (window.isDestroyed()) return;
    if (channel === 'bench:progress') {
      const progress = payload as IpcEventMap['bench:progress'];
      if (progress.totalSteps > 0) window.setProgressBar(progress.completedSteps / progress.totalSteps);
      return;
    }
    if (channel !== 'bench:state') return;
    const state = payload as IpcEventMap['bench:state'];
    if (state.status === 'running') {
      running = state.runId;
      window.setProgressBar(0);
      return;
    }
    running = null;
    window.setProgressBar(-1);
    if (Notification.isSupported()) {
      const body = state.status === 'completed' ? 'Every measurement finished: open Results.' : state.status === 'cancelled' ? 'Cancelled: the samples measured so far are kept.' : `Failed${state.error ? `: ${state.error}` : ''}`;
      new Notification({ title: `EnvBench run ${state.runId} ${state.status}`, body }).show();
    }
  });
  const onClose = (event: Electron.Event): void => {
    if (!running) return;
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Keep measuring', 'Cancel the run and close'],
      defaultId: 0,
      cancelId: 0,
      title: 'A run is measuring',
      message: `Run ${running} is still measuring.`,
      detail: 'Closing the window cancels it: its containers are removed, and the samples measured so far stay in the history.',
    });
    if (choice === 0) event.preventDefault();
  };
  window.on('close', onClose);
  return {
    dispose() {
      subscription.dispose();
      if (!window.isDestroyed()) window.off('close', onClose);
    },
  };
}
