import type { BrowserWindow } from 'electron';
import { dialog, Notification } from 'electron';
import type { IpcService } from '../core/ipc-service';
import { RunAttention } from './run-attention-model';

/**
 * The window's progress bar (taskbar, dock), a notification when a run ends, and a question
 * before closing the window would cancel it: RunAttention (run-attention-model.ts) decides,
 * this applies it with Electron.
 */
export function attendRuns(window: BrowserWindow, service: IpcService): { dispose(): void } {
  const attention = new RunAttention({
    progress: (value) => {
      if (!window.isDestroyed()) window.setProgressBar(value);
    },
    notify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
  });
  const subscription = service.subscribe((channel, payload) => attention.onEvent(channel, payload));
  const onClose = (event: Electron.Event): void => {
    const question = attention.closeQuestion();
    if (!question) return;
    const choice = dialog.showMessageBoxSync(window, { type: 'question', defaultId: 0, cancelId: 0, ...question });
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
