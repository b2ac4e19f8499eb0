import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { IpcService } from '../core/ipc-service';
import { UserError } from '../core/user-error';
import type { IpcEventMap } from '../shared/ipc/contract';
import { encodeTerminalFrame } from '../shared/ipc/terminal-frame';

/**
 * `envbench serve`: the IPC contract over HTTP (invoke) and a WebSocket (events), plus the built
 * renderer, so the app runs in a plain browser: what src/main's IPC handlers and src/preload are
 * in Electron (src/renderer/src/bridge-client.ts is the other end). Whoever holds the token
 * controls EnvBench (runs, terminals), so every request — static files included — must carry it
 * (query, cookie or Bearer), come from no Origin or our own, and name our address in Host (DNS
 * rebinding), before anything else is looked at.
 */
export interface BridgeOptions {
  service: IpcService;
  /** The built renderer (out/renderer): index.html and assets/. */
  rendererDir: string;
  /** Default 127.0.0.1. Anything but loopback needs allowRemote. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  allowRemote?: boolean;
  /** Tests pin it; otherwise 32 random bytes, base64url. */
  token?: string;
}

export interface Bridge {
  /** The address to open: http://HOST:PORT/?token=… */
  readonly url: string;
  readonly token: string;
  readonly host: string;
  readonly port: number;
  /** Closes every WebSocket and connection; the service is the caller's to dispose. */
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** A page this far behind on events is disconnected (1013, try again later); it reconnects. */
export const MAX_BUFFERED_EVENT_BYTES = 8 * 1024 * 1024;
export const EVENTS_PATH = '/api/events';
const INVOKE_PREFIX = '/api/invoke/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The cookie carries the token after the first load; per port, so two servers do not overwrite each other's. */
export function tokenCookieName(port: number): string {
  return `envbench_token_${port}`;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Refuses a non-loopback address unless the caller opted in: what, why and what to do. */
export function checkBindAddress(host: string, allowRemote: boolean): void {
  if (!host.trim()) throw new UserError('Empty --host', 'the server needs an address to listen on', 'Leave --host out to use 127.0.0.1');
  if (isLoopbackHost(host) || allowRemote) return;
  throw new UserError(
    `Refusing to serve on ${host}`,
    'that address can be reached from other machines, and whoever reaches it with the URL controls EnvBench: it starts runs and runs commands in terminals as you',
    'Use the default 127.0.0.1 (for another machine, forward the port with ssh -L), or pass --allow-remote if you accept that risk',
  );
}

export function remoteWarning(host: string, port: number): string {
  return (
    `envbench serve: WARNING: listening on ${host}:${port}, which other machines may reach. Anyone who can reach that address ` +
    'and has the URL (with its token) controls EnvBench: they can start and cancel runs, delete history, and run any command ' +
    'in terminals as this user. The traffic is plain HTTP, so anyone on the network path can read the token. Stop the server ' +
    '(Ctrl-C) when you are done; prefer 127.0.0.1 with an SSH tunnel (ssh -L).'
  );
}

function sameToken(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and length leaks nothing.
  const a = crypto.createHash('sha256').update(candidate).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Splits a Host header into a lower-case host (IPv6 without brackets) and a port (80 when absent). */
function parseHostHeader(header: string): { host: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match) return null;
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1').toLowerCase(), port: match[2] ? Number(match[2]) : 80 };
}

type Refusal = { status: 401 | 403; message: string };

interface Gate {
  /** null when the request may go on. */
  check(request: http.IncomingMessage, query: URLSearchParams): Refusal | null;
}

function createGate(token: string, boundHost: string, port: number): Gate {
  const bound = boundHost.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const hostAllowed = (header: string | undefined): boolean => {
    const parsed = header ? parseHostHeader(header) : null;
    if (!parsed || parsed.port !== port) return false;
    if (parsed.host === bound) return true;
    // `localhost` cannot be rebound by a foreign DNS, so it is as safe as the loopback address.
    if (isLoopbackHost(bound) && parsed.host === 'localhost') return true;
    // On a wildcard address, any IP literal of this machine: DNS rebinding needs a name.
    return isWildcardHost(boundHost) && (net.isIP(parsed.host) !== 0 || parsed.host === 'localhost');
  };
  return {
    check(request, query) {
      const host = request.headers.host;
      if (!hostAllowed(host)) {
        return { status: 403, message: `the Host header ${JSON.stringify(host ?? '')} is not this server's address (a guard against DNS rebinding). Open the URL \`envbench serve\` printed` };
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) {
        return { status: 403, message: `the request comes from another site (Origin ${JSON.stringify(origin)}); only EnvBench's own page may call it` };
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const candidate = query.get('token') ?? bearer ?? cookieValue(request.headers.cookie, tokenCookieName(port));
      if (!sameToken(candidate, token)) {
        return { status: 401, message: 'the request carries no valid token. Open the URL with its ?token= that `envbench serve` printed (a restarted server has a new token)' };
      }
      return null;
    },
  };
}

function securityHeaders(extra: http.OutgoingHttpHeaders = {}): http.OutgoingHttpHeaders {
  return { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cross-origin-resource-policy': 'same-origin', ...extra };
}

function sendText(response: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, securityHeaders({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }));
  response.end(`${text}\n`);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, securityHeaders({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }));
  response.end(JSON.stringify(value));
}

export function contentSecurityPolicy(hostHeader: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${hostHeader}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The file under root that a URL path names, or null (outside root, a dot segment, not a file). */
function staticFile(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return null;
  try {
    // realpath: a symlink inside the folder must not lead out of it either.
    const real = fs.realpathSync(file);
    return real.startsWith(root + path.sep) && fs.statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The body, or 'too-large' past MAX_BODY_BYTES (the rest is read and discarded, so the client sees the 413). */
function readBody(request: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      request.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.resume();
      resolve('too-large');
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.destroy();
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  checkBindAddress(host, options.allowRemote ?? false);
  const rendererDir = fs.realpathSync(path.resolve(options.rendererDir));
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const { service } = options;

  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  let gate: Gate | null = null;
  let port = 0;

  const onRequest = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://bridge.invalid');
    // The raw path: WHATWG URL parsing would already have resolved `..` segments.
    const rawPath = (request.url ?? '/').split('?')[0]!;
    const refusal = gate!.check(request, url.searchParams);
    if (refusal) {
      sendText(response, refusal.status, `EnvBench refused this request: ${refusal.message}.`);
      return;
    }
    const viaQuery = url.searchParams.has('token');
    const cookie = viaQuery ? { 'set-cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};

    if (rawPath.startsWith(INVOKE_PREFIX) || rawPath === '/api' || rawPath.startsWith('/api/')) {
      if (!rawPath.startsWith(INVOKE_PREFIX)) {
        sendJson(response, 404, { ok: false, error: { name: 'Error', message: `no such API: ${rawPath}` } }, cookie);
        return;
      }
      if (request.method !== 'POST') {
        sendJson(response, 405, { ok: false, error: { name: 'Error', message: `${INVOKE_PREFIX}<channel> takes POST only` } }, { allow: 'POST', ...cookie });
        return;
      }
      // Forces a CORS preflight on any cross-site attempt (that the Origin check refuses anyway).
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        sendJson(response, 415, { ok: false, error: { name: 'Error', message: 'the body must be JSON (Content-Type: application/json): the argument array' } }, cookie);
        return;
      }
      const body = await readBody(request);
      if (body === 'too-large') {
        sendJson(response, 413, { ok: false, error: { name: 'Error', message: `the request body is larger than ${MAX_BODY_BYTES} bytes` } }, { connection: 'close' });
        return;
      }
      let args: unknown;
      try {
        args = body.length === 0 ? [] : JSON.parse(body.toString('utf8'));
      } catch (error) {
        sendJson(response, 400, { ok: false, error: { name: 'SyntaxError', message: `the request body is not JSON: ${(error as Error).message}` } }, cookie);
        return;
      }
      if (!Array.isArray(args)) {
        sendJson(response, 400, { ok: false, error: { name: 'TypeError', message: 'the request body must be a JSON array: the channel\'s arguments' } }, cookie);
        return;
      }
      let channel: string;
      try {
        channel = decodeURIComponent(rawPath.slice(INVOKE_PREFIX.length));
      } catch {
        channel = rawPath.slice(INVOKE_PREFIX.length);
      }
      sendJson(response, 200, await service.handle(channel, args), cookie);
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'EnvBench serves its page with GET only.', { allow: 'GET, HEAD' });
      return;
    }
    const file = staticFile(rendererDir, rawPath);
    if (!file) {
      sendText(response, 404, `Not found: ${rawPath}`, cookie);
      return;
    }
    const isHtml = path.extname(file) === '.html';
    const headers = securityHeaders({
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': isHtml ? 'no-store' : 'private, no-cache',
      ...(isHtml ? { 'content-security-policy': contentSecurityPolicy(request.headers.host!) } : {}),
      ...cookie,
    });
    const content = await fs.promises.readFile(file);
    response.writeHead(200, { ...headers, 'content-length': content.length });
    response.end(request.method === 'HEAD' ? undefined : content);
  };

  server.on('request', (request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `EnvBench could not answer: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  });

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://bridge.invalid');
    const refusal = gate!.check(request, url.searchParams);
    if (refusal) {
      rejectUpgrade(socket, refusal.status, refusal.status === 401 ? 'Unauthorized' : 'Forbidden', `EnvBench refused this request: ${refusal.message}.`);
      return;
    }
    if ((request.url ?? '/').split('?')[0] !== EVENTS_PATH) {
      rejectUpgrade(socket, 404, 'Not Found', `No WebSocket here; events are at ${EVENTS_PATH}.`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => ws.terminate());
    });
  });

  const events = service.subscribe((channel, payload) => {
    if (clients.size === 0) return;
    // Terminal output as binary frames (terminal-frame.ts), every other event as JSON text.
    const message = channel === 'terminal:data' ? encodeTerminalFrame(payload as IpcEventMap['terminal:data']) : JSON.stringify({ channel, payload });
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_EVENT_BYTES) {
        // A page that does not keep up is dropped rather than buffered without bound; it reconnects.
        ws.close(1013, 'EnvBench: this page fell behind on events; reconnect');
        continue;
      }
      ws.send(message);
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    events.dispose();
    sockets.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`Port ${options.port} on ${host} is in use`, 'another program listens there', 'Pass another --port, or --port 0 for any free one');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UserError(`Cannot listen on ${host}`, `that is not an address of this machine (${code})`, 'Pass one of its addresses with --host, or leave --host out for 127.0.0.1');
    }
    if (code === 'EACCES') throw new UserError(`Cannot listen on port ${options.port}`, 'ports below 1024 need privileges', 'Pass a port above 1024, or --port 0 for any free one');
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  gate = createGate(token, host, port);

  // Only an IPv6 address has a ':' (cheaper than net.isIPv6, whose pattern costs ~2 ms of the start to compile).
  const urlHost = isWildcardHost(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    token,
    host,
    port,
    close() {
      closed ??= (async () => {
        events.dispose();
        for (const ws of clients) ws.close(1001, 'EnvBench is shutting down');
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          // WebSockets that do not answer the close handshake go at once.
          setTimeout(() => clients.forEach((ws) => ws.terminate()), 1000).unref();
        });
        await new Promise<void>((resolve) => sockets.close(() => resolve()));
      })();
      return closed;
    },
  };
}
