import type { WebPreferences } from 'electron';

/**
 * The Electron security checklist for EnvBench's one window, kept apart from the window code so a
 * test can assert it without the Electron binary: the renderer gets no Node, runs sandboxed and
 * isolated, and talks to the core only through the preload's listed channels.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * Whether a URL is the app's own page: the dev server's origin in development, else the built
 * renderer's folder (not any file:// URL). Navigation elsewhere is refused, and IPC from any other
 * frame is ignored.
 */
export function isAppUrl(url: string, app: { devServerUrl?: string; rendererDirUrl: string }): boolean {
  if (app.devServerUrl) {
    try {
      return new URL(url).origin === new URL(app.devServerUrl).origin;
    } catch {
      return false;
    }
  }
  const base = app.rendererDirUrl.endsWith('/') ? app.rendererDirUrl : `${app.rendererDirUrl}/`;
  return url.startsWith(base) && !url.slice(base.length).split(/[?#]/)[0]!.split('/').includes('..');
}

/** A link the user clicked may open in their browser only when it is plain http(s). */
export function opensExternally(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
