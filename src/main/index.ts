import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, screen, shell } from 'electron';
import { createCore } from '../core/create-core';
import { createIpcService } from '../core/ipc-service';
import type { AppInfo } from '../shared/ipc/contract';
import { registerIpcHandlers } from './ipc-handlers';
import { printReportPdf } from './report-window';
import { attendRuns } from './run-attention';
import { isAppUrl, opensExternally, secureWebPreferences } from './window-security';
import { loadWindowState, saveWindowState } from './window-state';

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

  // The size and place it had when it was last closed (window-state.ts).
  const state = loadWindowState(app.getPath('userData'), screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    title: 'EnvBench',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  if (state.maximized) window.maximize();
  mainWindow = window;
  window.on('close', () => saveWindowState(app.getPath('userData'), { ...window.getNormalBounds(), maximized: window.isMaximized() }));
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const rendererDir = path.join(__dirname, '../renderer');
  const isTrusted = (url: string): boolean => isAppUrl(url, { devServerUrl: rendererUrl, rendererDirUrl: pathToFileURL(rendererDir).href });
  const service = createIpcService(core, appInfo, {
    report: { printPdf: (data) => printReportPdf(data, path.join(__dirname, '../renderer')) },
    async pickFolder() {
      const picked = await dialog.showOpenDialog(window, { title: 'Open a Go module', properties: ['openDirectory'] });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
    async pickSaveFile(suggested, extension) {
      const picked = await dialog.showSaveDialog(window, { title: 'Export the run', defaultPath: suggested, filters: [{ name: extension.toUpperCase(), extensions: [extension.split('.').pop()!] }], properties: ['showOverwriteConfirmation', 'createDirectory'] });
      return picked.canceled ? null : (picked.filePath ?? null);
    },
    revealFile: (file) => shell.showItemInFolder(file),
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

/** The one window; a second start of the app brings it forward instead of opening another history. */
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(createWindow, (error: unknown) => {
    console.error('EnvBench could not start:', error);
    app.exit(1);
  });
}

app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_event, contents) => contents.on('will-attach-webview', (event) => event.preventDefault()));
