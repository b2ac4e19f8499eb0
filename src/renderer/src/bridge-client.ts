import type { EnvbenchApi, EventChannel, IpcEventMap, IpcReply } from '../../shared/ipc/contract';
import { decodeTerminalFrame } from '../../shared/ipc/terminal-frame';

// window.envbench in a plain browser, served by `envbench serve` (src/serve/bridge-server.ts):
// invoke is a same-origin POST /api/invoke/<channel>; events come over one WebSocket at /api/events.
// The token travels in an HttpOnly cookie the server set when the page was opened with ?token=.

export const REFUSED_MESSAGE = 'EnvBench refused this page: open the URL with its token that `envbench serve` printed';

const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 10_000;

type Listener = (payload: unknown) => void;

/** One WebSocket for every subscription; reconnects after 1 s, 2 s, 4 s, 8 s, then every 10 s. */
class EventSocket {
  private readonly listeners = new Map<string, Set<Listener>>();
  private socket: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly url: string) {}

  add(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    if (!this.socket && !this.timer) this.connect();
    return () => {
      set.delete(listener);
    };
  }

  private connect(): void {
    this.timer = null;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempts = 0;
    });
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', (event: MessageEvent) => {
      let message: { channel?: unknown; payload?: unknown };
      if (event.data instanceof ArrayBuffer) {
        const payload = decodeTerminalFrame(event.data);
        if (!payload) return;
        message = { channel: 'terminal:data', payload };
      } else {
        if (typeof event.data !== 'string') return;
        try {
          message = JSON.parse(event.data) as typeof message;
        } catch {
          return;
        }
      }
      if (typeof message.channel !== 'string') return;
      for (const listener of [...(this.listeners.get(message.channel) ?? [])]) {
        try {
          listener(message.payload);
        } catch (error) {
          // One broken listener must not starve the others; the console still shows it.
          console.error(`EnvBench: a listener of ${message.channel} failed`, error);
        }
      }
    });
    // Closed by the server (shutdown, or 1013 when this page fell behind) or the network: try again.
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const delay = Math.min(RECONNECT_FIRST_MS * 2 ** this.attempts, RECONNECT_MAX_MS);
      this.attempts++;
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }
}

function errorFromReply(reply: IpcReply<unknown>): Error | null {
  if (reply.ok) return null;
  const error = new Error(reply.error.message);
  error.name = reply.error.name;
  return error;
}

/** The contract over `envbench serve`'s HTTP API and event socket, on this page's own origin. */
export function createBridgeApi(base: string = window.location.href): EnvbenchApi {
  const origin = new URL(base);
  const eventsUrl = new URL('/api/events', origin);
  eventsUrl.protocol = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  const events = new EventSocket(eventsUrl.href);

  const call = async (channel: string, args: unknown[]): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(new URL(`/api/invoke/${encodeURIComponent(channel)}`, origin), {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (error) {
      throw new Error(`EnvBench's server at ${origin.host} does not answer (${error instanceof Error ? error.message : String(error)}): is \`envbench serve\` still running?`);
    }
    if (response.status === 401 || response.status === 403) throw new Error(REFUSED_MESSAGE);
    let reply: IpcReply<unknown> | null = null;
    try {
      reply = (await response.json()) as IpcReply<unknown>;
    } catch {
      reply = null;
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
      throw new Error(`EnvBench's server answered ${channel} with HTTP ${response.status} ${response.statusText} and no reply`);
    }
    const error = errorFromReply(reply);
    if (error) throw error;
    return (reply as { value: unknown }).value;
  };

  return {
    invoke: ((channel: string, ...args: unknown[]) => call(channel, args)) as EnvbenchApi['invoke'],
    on<C extends EventChannel>(channel: C, listener: (payload: IpcEventMap[C]) => void): () => void {
      return events.add(channel, listener as Listener);
    },
  };
}

/** The token stays out of the address bar, history and bookmarks: the cookie carries it on. */
function dropTokenFromAddressBar(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

/** window.envbench: the Electron preload's when it defined one, else the `envbench serve` bridge. */
export function installApi(): EnvbenchApi {
  const existing = (window as { envbench?: EnvbenchApi }).envbench;
  if (existing) return existing;
  const api = createBridgeApi();
  window.envbench = api;
  dropTokenFromAddressBar();
  return api;
}
