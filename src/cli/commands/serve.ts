import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBindAddress, isLoopbackHost, remoteWarning, startBridge } from '../../serve/bridge-server';
import type { Core } from '../../core/create-core';
import { createIpcService } from '../../core/ipc-service';
import { UserError } from '../../core/user-error';
import type { AppInfo } from '../../shared/ipc/contract';
import { ENVBENCH_BUILD, builtRendererDir } from '../cli-core';

export interface ServeOptions {
  port?: string;
  host?: string;
  allowRemote?: boolean;
  open?: boolean;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new UserError(`Invalid --port "${value}"`, 'it must be a whole number from 0 to 65535', 'Pass for example --port 8080, or --port 0 for any free one');
  return port;
}

/**
 * Opens the URL in the desktop's browser through a redirect file only this user can read, so the
 * token never appears in a command line (`ps` shows those to every user), as Jupyter does.
 */
function openInBrowser(url: string): { dispose(): void } {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open';
  const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (!opener || noDisplay) {
    process.stderr.write(`envbench serve: not opening a browser: ${opener ? 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' : 'not supported on this platform'}; open the URL yourself.\n`);
    return { dispose: () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-open-'));
  const file = path.join(dir, 'open.html');
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  fs.writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}"><title>EnvBench</title><a href="${escaped}">Open EnvBench</a>\n`, { mode: 0o600 });
  const child = spawn(opener, [file], { stdio: 'ignore', detached: true });
  child.on('error', (error) => process.stderr.write(`envbench serve: could not open a browser with ${opener} (${error.message}); open the URL yourself.\n`));
  child.on('exit', (code) => {
    if (code) process.stderr.write(`envbench serve: ${opener} could not open a browser (exit ${code}); open the URL yourself.\n`);
  });
  child.unref();
  return { dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves with the first SIGINT or SIGTERM; a second one while shutting down quits at once. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let count = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      count++;
      if (count === 1) resolve(signal);
      else process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `envbench serve`: the renderer and the IPC contract over local HTTP + WebSocket until SIGINT/SIGTERM. */
export async function serveCommand(core: Core, options: ServeOptions): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? false;
  checkBindAddress(host, allowRemote);
  const port = parsePort(options.port);
  const rendererDir = builtRendererDir();
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new UserError('The browser app is not built', `${path.join(rendererDir, 'index.html')} is missing`, 'Run `npm run build` (or `npm run setup`) first');
  }

  const appInfo: AppInfo = {
    version: ENVBENCH_BUILD.version,
    commit: ENVBENCH_BUILD.commit,
    dataDir: core.dataDir,
    dbFile: core.dbFile,
    sampleWorkspace: core.sampleWorkspace(),
    shell: 'browser',
  };
  const service = createIpcService(core, appInfo, { report: { rendererDir } });
  const stopped = untilStopped();
  let bridge;
  try {
    bridge = await startBridge({ service, rendererDir, host, port, allowRemote });
  } catch (error) {
    await service.dispose();
    throw error;
  }
  if (!isLoopbackHost(host)) process.stderr.write(`${remoteWarning(host, bridge.port)}\n`);
  process.stdout.write(`${bridge.url}\n`);
  process.stderr.write(
    `envbench serve: EnvBench is at the URL above (port ${bridge.port}; history in ${core.dbFile}). Open it in a browser; its token is new each start. Ctrl-C stops the server.\n`,
  );
  const opened = options.open ? openInBrowser(bridge.url) : { dispose: () => {} };

  const signal = await stopped;
  process.stderr.write(`envbench serve: ${signal}: stopping; cancelling runs and closing terminals (again to quit at once)...\n`);
  try {
    await bridge.close();
    await service.dispose();
  } finally {
    opened.dispose();
  }
  return 0;
}
