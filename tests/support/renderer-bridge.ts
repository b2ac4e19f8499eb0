import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { IpcService } from '../../src/core/ipc-service';

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Serves the built renderer on loopback (module scripts do not load from file:// in Chromium). */
export async function serveDirectory(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = path.join(root, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * Gives the page the same window.envbench API the preload exposes in Electron, backed by the
 * core's IPC service in this process: the renderer runs unchanged against the real contract.
 */
export async function installBridge(page: Page, service: IpcService): Promise<void> {
  await page.exposeFunction('__envbenchInvoke', (channel: string, args: unknown[]) => service.handle(channel, args));
  await page.addInitScript(() => {
    type Reply = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };
    const invoke = (globalThis as unknown as { __envbenchInvoke(c: string, a: unknown[]): Promise<Reply> }).__envbenchInvoke;
    (globalThis as unknown as { envbench: unknown }).envbench = {
      async invoke(channel: string, ...args: unknown[]) {
        const reply = await invoke(channel, args);
        if (!reply.ok) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
        return reply.value;
      },
      on: () => () => {},
    };
  });
}
