import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, shell } from 'electron';
import { createCore } from '../core/create-core';
import { createIpcService } from '../core/ipc-service';
import type { AppInfo } from '../shared/ipc/contract';
import { registerIpcHandlers } from './ipc-handlers';
import { printReportPdf } from './report-window';
import { attendRuns } from './run-attention';
import { isAppUrl, opensExternally, secureWebPreferences } from './window-security';

declare const __ENVBENCH_COMMIT__: string | undefined;
const ENVBENCH_COMMIT = typeof __ENVBENCH_COMMIT__ === 'string' && __ENVBENCH_COMMIT__ ? __ENVBENCH_COMMIT__ : null;

/** In a checkout, resources/ sits beside out/; in a packaged app, in process.resourcesPath. */
function resourcesDir(): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(app.getAppPath(), 'resources');
}

/**
 * better-sqlite3 is compiled per ABI; `npm run setup` builds a copy for Electron's ABI into
 * build/native/electron-abi<N>/ (see docs/app.md, "Native modules and Electron"). Node keeps its own
 * in node_modules.
 */
function sqliteBindingForElectron(): string | undefined {
  const candidate = path.join(app.getAppPath(), 'build', 'native', `electron-abi${process.versions.modules}`, 'better_sqlite3.node');
  return fs.existsSync(candidate) ? candidate : undefined;
}

const ALLOWED_PERMISSIONS = new Set(['clipboard-read', 'clipboard-sanitized-write']);

async function createWindow(): Promise<void> {
  const core = createCore({
    resourcesDir: resourcesDir(),
    sqliteNativeBinding: sqliteBindingForElectron(),
    envbench: { version: app.getVersion(), commit: ENVBENCH_COMMIT },
  });
  // Containers left by an EnvBench process that died (even with SIGKILL) go first.
  void core.reapOrphans();
  const appInfo: AppInfo = {
    version: app.getVersion(),
    commit: ENVBENCH_COMMIT,
    dataDir: core.dataDir,
    dbFile: core.dbFile,
    sampleWorkspace: core.sampleWorkspace(),
    shell: 'electron',
  };

  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'EnvBench',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const rendererDir = path.join(__dirname, '../renderer');
  const isTrusted = (url: string): boolean => isAppUrl(url, { devServerUrl: rendererUrl, rendererDirUrl: pathToFileURL(rendererDir).href });
  const service = createIpcService(core, appInfo, {
    report: { printPdf: (data) => printReportPdf(data, path.join(__dirname, '../renderer')) },
    async pickFolder() {
      const picked = await dialog.showOpenDialog(window, { title: 'Open a Go module', properties: ['openDirectory'] });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  });
  const ipc = registerIpcHandlers(service, (event) => isTrusted(event.senderFrame?.url ?? ''), window.webContents);
  const attention = attendRuns(window, service);

  // No new windows, ever: a link the user clicked opens in their browser when it is http(s).
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (opensExternally(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrusted(url)) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (!isTrusted(url)) event.preventDefault();
  });
  // Only the clipboard, for the terminals' copy and paste; no camera, notifications, ...
  window.webContents.session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    attention.dispose();
    ipc.dispose();
    // Runs are cancelled (their containers removed) and terminals closed before the history closes.
    void service.dispose().finally(() => core.dispose());
  });

  if (rendererUrl) await window.loadURL(rendererUrl);
  else await window.loadFile(path.join(rendererDir, 'index.html'));
}

app.whenReady().then(createWindow, (error: unknown) => {
  console.error('EnvBench could not start:', error);
  app.exit(1);
});

app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_event, contents) => contents.on('will-attach-webview', (event) => event.preventDefault()));
