import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, shell } from 'electron';
import { createCore } from '../core/create-core';
import { createIpcService } from '../core/ipc-service';
import type { AppInfo } from '../shared/ipc/contract';
import { registerIpcHandlers } from './ipc-handlers';

declare const __ENVBENCH_COMMIT__: string | undefined;
const ENVBENCH_COMMIT = typeof __ENVBENCH_COMMIT__ === 'string' && __ENVBENCH_COMMIT__ ? __ENVBENCH_COMMIT__ : null;

/** In a checkout, resources/ sits beside out/; in a packaged app, in process.resourcesPath. */
function resourcesDir(): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(app.getAppPath(), 'resources');
}

/**
 * better-sqlite3 is compiled per ABI; `npm run setup` builds a copy for Electron's ABI into
 * build/native/electron-abi<N>/ (see README, "Native modules"). Node keeps its own in node_modules.
 */
function sqliteBindingForElectron(): string | undefined {
  const candidate = path.join(app.getAppPath(), 'build', 'native', `electron-abi${process.versions.modules}`, 'better_sqlite3.node');
  return fs.existsSync(candidate) ? candidate : undefined;
}

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
  };

  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'EnvBench',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const isTrusted = (url: string): boolean => (rendererUrl ? url.startsWith(rendererUrl) : url.startsWith('file://'));
  const ipc = registerIpcHandlers(createIpcService(core, appInfo), (event) => isTrusted(event.senderFrame?.url ?? ''));

  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrusted(url)) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    ipc.dispose();
    core.dispose();
  });

  if (rendererUrl) await window.loadURL(rendererUrl);
  else await window.loadFile(path.join(__dirname, '../renderer/index.html'));
}

app.whenReady().then(createWindow, (error: unknown) => {
  console.error('EnvBench could not start:', error);
  app.exit(1);
});

app.on('window-all-closed', () => app.quit());
