import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Bridge } from '../src/serve/bridge-server';
import { startBridge, tokenCookieName } from '../src/serve/bridge-server';
import type { Core } from '../src/core/create-core';
import { createCore } from '../src/core/create-core';
import type { IpcService } from '../src/core/ipc-service';
import { createIpcService } from '../src/core/ipc-service';
import type { EventListener } from '../src/core/workbench/event-hub';
import { ipcInvokeArgs } from '../src/shared/ipc/invoke-args';
import { decodeTerminalFrame } from '../src/shared/ipc/terminal-frame';
import type { EnvbenchApi, IpcEventMap } from '../src/shared/ipc/contract';
import { CLI, RESOURCES, ROOT, SAMPLE_WORKSPACE, tempDataDir } from './support/envbench-cli';
import { serve, stopServers } from './support/envbench-serve';
import { launchChromium } from './support/renderer-bridge';
import { hasTool } from './support/require-runtime';

const RENDERER = path.join(ROOT, 'out', 'renderer');

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Plain node:http, so paths go out exactly as written (fetch would resolve `..` and `%2e%2e`). */
function raw(port: number, rawPath: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A WebSocket handshake by hand: 101 when upgraded, else the refusal's status. */
function upgrade(port: number, rawPath: string, headers: http.OutgoingHttpHeaders = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: rawPath,
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': crypto.randomBytes(16).toString('base64'), ...headers },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

const json = { 'content-type': 'application/json' };

describe('envbench serve: the bridge server', () => {
  let core: Core;
  let service: IpcService;
  let bridge: Bridge;
  const emitters: EventListener[] = [];
  const emit = <C extends keyof IpcEventMap>(channel: C, payload: IpcEventMap[C]): void => emitters.forEach((l) => l(channel, payload));

  beforeAll(async () => {
    core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    const real = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    // The real service, with a hand on its event stream so the tests can emit.
    service = {
      ...real,
      subscribe: (listener) => {
        emitters.push(listener);
        return real.subscribe(listener);
      },
    };
    bridge = await startBridge({ service, rendererDir: RENDERER });
  });

  afterAll(async () => {
    await bridge?.close();
    await service?.dispose();
    core?.dispose();
  });

  const cookie = (): string => `${tokenCookieName(bridge.port)}=${bridge.token}`;
  const paths = ['/', '/index.html', '/assets/anything.js', '/favicon.ico'];

  it('listens on loopback and prints a URL with a 32-byte base64url token', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${bridge.token}`);
    expect(Buffer.from(bridge.token, 'base64url')).toHaveLength(32);
  });

  it('refuses every request without a token with 401, before reading any file or calling any handler', async () => {
    for (const p of paths) {
      const response = await raw(bridge.port, p);
      expect(response.status, p).toBe(401);
      expect(response.body).toMatch(/no valid token/);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    const invoke = await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: json, body: '[]' });
    expect(invoke.status).toBe(401);
    expect(invoke.body).not.toContain('browser');
    expect(await upgrade(bridge.port, '/api/events')).toBe(401);
  });

  it('refuses a wrong token (same length or not; query, cookie or Bearer) with 401', async () => {
    const sameLength = (bridge.token[0] === 'A' ? 'B' : 'A') + bridge.token.slice(1);
    for (const wrong of [sameLength, 'short', `${bridge.token}x`]) {
      for (const p of paths) {
        expect((await raw(bridge.port, `${p}?token=${wrong}`)).status, `${p} ${wrong}`).toBe(401);
        expect((await raw(bridge.port, p, { headers: { cookie: `${tokenCookieName(bridge.port)}=${wrong}` } })).status).toBe(401);
      }
      expect((await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, authorization: `Bearer ${wrong}` }, body: '[]' })).status).toBe(401);
      expect((await raw(bridge.port, `/api/invoke/app:info?token=${wrong}`, { method: 'POST', headers: json, body: '[]' })).status).toBe(401);
      expect(await upgrade(bridge.port, `/api/events?token=${wrong}`)).toBe(401);
      expect(await upgrade(bridge.port, '/api/events', { cookie: `${tokenCookieName(bridge.port)}=${wrong}` })).toBe(401);
    }
    // Another server's cookie (another port) is not this one's.
    expect((await raw(bridge.port, '/', { headers: { cookie: `${tokenCookieName(bridge.port + 1)}=${bridge.token}` } })).status).toBe(401);
  });

  it('refuses a foreign Origin and a foreign Host header with 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${bridge.port + 1}`, `https://127.0.0.1:${bridge.port}`]) {
      const page = await raw(bridge.port, `/?token=${bridge.token}`, { headers: { origin } });
      expect(page.status, origin).toBe(403);
      expect(page.headers['set-cookie']).toBeUndefined();
      expect((await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, origin, cookie: cookie() }, body: '[]' })).status).toBe(403);
      expect(await upgrade(bridge.port, `/api/events?token=${bridge.token}`, { origin })).toBe(403);
    }
    for (const host of ['evil.example', `evil.example:${bridge.port}`, `127.0.0.1:${bridge.port + 1}`, `127.0.0.2:${bridge.port}`]) {
      expect((await raw(bridge.port, `/?token=${bridge.token}`, { headers: { host } })).status, host).toBe(403);
      expect((await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, host, cookie: cookie() }, body: '[]' })).status).toBe(403);
      expect(await upgrade(bridge.port, `/api/events?token=${bridge.token}`, { host })).toBe(403);
    }
    // Its own origin is welcome, by its address or as localhost (which no foreign DNS can rebind).
    expect((await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, origin: `http://127.0.0.1:${bridge.port}`, cookie: cookie() }, body: '[]' })).status).toBe(200);
    const local = `localhost:${bridge.port}`;
    expect((await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, host: local, origin: `http://${local}`, cookie: cookie() }, body: '[]' })).status).toBe(200);
  });

  it('serves the page with a strict CSP and the cookie, then its assets and the API with that cookie', async () => {
    const page = await raw(bridge.port, `/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['set-cookie']).toEqual([`${tokenCookieName(bridge.port)}=${bridge.token}; HttpOnly; SameSite=Strict; Path=/`]);
    expect(page.body).toBe(fs.readFileSync(path.join(RENDERER, 'index.html'), 'utf8'));

    const asset = /src="\.?(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(asset).toBeDefined();
    const script = await raw(bridge.port, asset!, { headers: { cookie: cookie() } });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toBe(fs.readFileSync(path.join(RENDERER, asset!), 'utf8'));
    expect((await raw(bridge.port, '/assets/anything.js', { headers: { cookie: cookie() } })).status).toBe(404);

    const info = await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, cookie: cookie() }, body: '[]' });
    expect(info.status).toBe(200);
    expect(info.headers['cache-control']).toBe('no-store');
    expect(info.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { shell: 'browser', dataDir: core.dataDir } });
    // The Bearer header works as well as the cookie.
    const bearer = await raw(bridge.port, '/api/invoke/app:info', { method: 'POST', headers: { ...json, authorization: `Bearer ${bridge.token}` }, body: '[]' });
    expect(JSON.parse(bearer.body)).toMatchObject({ ok: true, value: { shell: 'browser' } });
  });

  it('turns bad arguments and unknown channels into error replies, and refuses wrong methods and big bodies', async () => {
    const post = (channel: string, body: string | Buffer, headers: http.OutgoingHttpHeaders = json) => raw(bridge.port, `/api/invoke/${channel}`, { method: 'POST', headers: { ...headers, cookie: cookie() }, body });
    const bad = await post('run:get', JSON.stringify([{}]));
    expect(bad.status).toBe(200);
    const zodMessage = ipcInvokeArgs['run:get'].safeParse([{}]).error!.message;
    expect(JSON.parse(bad.body)).toEqual({ ok: false, error: { name: 'Error', message: `invalid arguments for run:get: ${zodMessage}` } });
    // A run that is not in the history is the core's one "No run" error, not an empty answer.
    expect(JSON.parse((await post('run:get', JSON.stringify([{ id: 'no-such-run' }]))).body)).toEqual({
      ok: false,
      error: { name: 'UserError', message: expect.stringMatching(/^No run "no-such-run": it is not in .*history\.sqlite\. List the runs with `envbench history`/) },
    });
    expect(JSON.parse((await post('nope:never', '[]')).body)).toEqual({ ok: false, error: { name: 'Error', message: 'unknown IPC channel "nope:never"' } });
    expect((await post('app:info', '{"not":"an array"}')).status).toBe(400);
    expect((await post('app:info', 'not json')).status).toBe(400);
    expect((await post('app:info', '[]', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await raw(bridge.port, '/api/invoke/app:info', { headers: { cookie: cookie() } })).status).toBe(405);
    expect((await raw(bridge.port, '/', { method: 'POST', headers: { cookie: cookie() } })).status).toBe(405);
    const big = await post('terminal:write', JSON.stringify([{ id: 't', data: 'x'.repeat(3 * 1024 * 1024) }]));
    expect(big.status).toBe(413);
  });

  it('never serves a file outside the renderer folder', async () => {
    const traversals = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/assets/../../../package.json',
      '/assets/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/..%5c..%5cpackage.json',
      `/${encodeURIComponent(path.join(ROOT, 'package.json'))}`,
      '/%00index.html',
    ];
    for (const p of traversals) {
      const response = await raw(bridge.port, p, { headers: { cookie: cookie() } });
      expect(response.status, p).toBe(404);
      expect(response.body).not.toContain('"devDependencies"');
    }
  });

  it('sends events to WebSocket clients as {channel, payload} (terminal output as binary frames), and drops a client that falls 8 MB behind with 1013', async () => {
    const connect = (headers: Record<string, string>): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events`, { headers });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const ws = await connect({ cookie: cookie(), origin: `http://127.0.0.1:${bridge.port}` });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    emit('bench:state', { runId: 'r1', status: 'running' });
    expect(await received).toEqual({ channel: 'bench:state', payload: { runId: 'r1', status: 'running' } });
    // Terminal output comes as a binary frame: no JSON escaping of its control characters.
    const binary = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
    emit('terminal:data', { id: 't1', data: 'y\r\n\x1b[0m é' });
    const frame = await binary;
    expect(frame.isBinary).toBe(true);
    expect(decodeTerminalFrame(frame.data)).toEqual({ id: 't1', data: 'y\r\n\x1b[0m é' });

    const slow = await connect({ cookie: cookie() });
    slow.pause();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => slow.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    // Output arrives in chunks over time, as a terminal's does: the client that reads keeps up.
    const chunk = 'x'.repeat(1024 * 1024);
    let fastBytes = 0;
    ws.on('message', (data: Buffer) => (fastBytes += data.length));
    for (let i = 0; i < 48; i++) {
      emit('terminal:data', { id: 't1', data: chunk });
      await new Promise((r) => setTimeout(r, 5));
    }
    slow.resume();
    const { code, reason } = await closed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/fell behind/);
    // The client that keeps up stays connected and got everything.
    expect(ws.readyState).toBe(WebSocket.OPEN);
    await expect.poll(() => fastBytes, { timeout: 10_000 }).toBeGreaterThan(48 * chunk.length);
    ws.close();
  });
});

afterEach(stopServers);

describe('envbench serve: the command', () => {
  it('refuses a non-loopback address without --allow-remote, before listening', () => {
    const result = spawnSync(process.execPath, [CLI, 'serve', '--host', '0.0.0.0'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ENVBENCH_DATA_DIR: tempDataDir() }, timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Refusing to serve on 0\.0\.0\.0: that address can be reached from other machines.*controls EnvBench.*--allow-remote/);
    const badPort = spawnSync(process.execPath, [CLI, 'serve', '--port', 'eighty'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ENVBENCH_DATA_DIR: tempDataDir() }, timeout: 60_000 });
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toMatch(/Invalid --port "eighty"/);
  });

  it('with --allow-remote, warns on stderr, serves, and exits 0 on SIGTERM', async () => {
    const served = await serve(['--host', '0.0.0.0', '--allow-remote'], tempDataDir());
    expect(served.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0:\d+, which other machines may reach\. Anyone who can reach that address and has the URL.*controls EnvBench.*terminals/);
    const url = new URL(served.url);
    expect(url.hostname).toBe('127.0.0.1');
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${url.port}/`)).status).toBe(401);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });
});

/** What the page's scripts see (this file compiles without the DOM's types). */
interface BrowserGlobals {
  envbench: EnvbenchApi;
  location: { href: string };
  WebSocket: new (url: string) => { onopen: (() => void) | null; onerror: (() => void) | null; close(): void };
}

const haveChromium = hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']);
const haveGo = hasTool('go', ['version']);

describe.skipIf(!haveChromium)('envbench serve: the renderer in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads the page and its assets with the printed URL, calls the API and receives events', async () => {
    const served = await serve([], tempDataDir());
    const page = await browser.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text()));
    const assets: Array<[string, number]> = [];
    page.on('response', (r) => new URL(r.url()).pathname.startsWith('/assets/') && assets.push([r.url(), r.status()]));

    const response = await page.goto(served.url);
    expect(response?.status()).toBe(200);
    await page.waitForLoadState('load');
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.every(([, status]) => status === 200)).toBe(true);
    // The page installed the bridge (src/renderer/src/bridge-client.ts, installApi) and took the
    // token out of the address bar; the cookie carries on.
    await page.waitForFunction(() => (globalThis as unknown as Partial<BrowserGlobals>).envbench !== undefined);
    expect(page.url()).toBe(served.url.replace(/\?token=.*$/, ''));

    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).envbench.invoke('app:info').then((i) => i.shell))).toBe('browser');
    const failure = await page.evaluate(() =>
      (globalThis as unknown as BrowserGlobals).envbench.invoke('run:get', {} as { id: string }).then(
        () => null,
        (e: Error) => ({ name: e.name, message: e.message }),
      ),
    );
    expect(failure?.message).toMatch(/^invalid arguments for run:get: /);

    // A WebSocket of the page's own connects to the events.
    expect(await page.evaluate(() => new Promise<string>((resolve, reject) => {
      const g = globalThis as unknown as BrowserGlobals;
      const ws = new g.WebSocket(new URL('/api/events', g.location.href).href.replace(/^http/, 'ws'));
      ws.onopen = () => {
        ws.close();
        resolve('open');
      };
      ws.onerror = () => reject(new Error('the WebSocket did not connect'));
    }))).toBe('open');

    // A reload (no token in the URL any more) still gets in with the cookie.
    await page.reload();
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).envbench.invoke('app:info').then((i) => i.shell))).toBe('browser');
    // The app's own calls got through too: it shows no refusal.
    await page.waitForLoadState('networkidle');
    expect(await page.locator('body').innerText()).not.toMatch(/refused this page|does not answer/);

    if (haveGo) {
      // A real run's state changes arrive through envbench.on over the shared WebSocket.
      const states = await page.evaluate(async (workspace) => {
        const api = (globalThis as unknown as BrowserGlobals).envbench;
        const seen: string[] = [];
        const done = new Promise<void>((resolve) => {
          api.on('bench:state', (s) => {
            seen.push(s.status);
            if (s.status !== 'running') resolve();
          });
        });
        await new Promise((r) => setTimeout(r, 1000)); // the shared socket opens
        await api.invoke('run:start', { workspace, runtimes: ['native'], scenarios: ['vet'], runs: 1, warmup: 0, offline: false });
        await done;
        return seen;
      }, SAMPLE_WORKSPACE);
      expect(states[0]).toBe('running');
      expect(states.at(-1)).toBe('completed');
    }
    expect(cspErrors).toEqual([]);
    await page.close();

    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });
});
