import crypto from 'node:crypto';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { lastLines } from '../measure/command-failure';
import type { DebugServer, ExecOptions, ExecOutcome } from './runtime';

/** What `dlv --headless` prints on stdout once its API accepts connections. */
const LISTENING = /API server listening at: \S*:(\d+)/;
/** How long dlv gets to exit after a Detach (or a stop) before it is stopped harder. */
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL = 64 * 1024;

/**
 * `dlv debug` headless on a free loopback port (printed back, so nothing has to be reserved). The
 * binary goes to /tmp: by default dlv writes `__debug_bin*` into the working directory, which is
 * the user's tree (read-only in containers).
 */
export function delveArgv(dlv: string, mainPackage: string): string[] {
  const output = `/tmp/envbench-debug-${crypto.randomBytes(4).toString('hex')}`;
  return [dlv, 'debug', '--headless', '--api-version=2', '--accept-multiclient', '--listen=127.0.0.1:0', `--output=${output}`, mainPackage];
}

/** dlv ended before it listened: its measured outcome says why (no dlv, no ptrace permission, a build error, a timeout). */
export class DebugServerEnded extends Error {
  constructor(readonly outcome: ExecOutcome) {
    super(`dlv ended before listening (exit ${outcome.exitCode}): ${lastLines(outcome.stderr + '\n' + outcome.stdout, 5) || 'no output'}`);
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

/**
 * Starts dlv through a runtime's own measured exec (so it runs exactly where commands run, under
 * the helper) and resolves once it listens. `connect` reaches a port inside the environment.
 */
export async function launchDebugServer(
  start: (options: ExecOptions) => Promise<ExecOutcome>,
  connect: (port: number) => Promise<Duplex>,
  options: ExecOptions,
): Promise<DebugServer> {
  // Stops dlv through the exec's own cancel path (the helper kills the whole tree and still reports).
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const started = performance.now();
  let output = '';
  let listening: { port: number; ms: number } | null = null;
  let onListening: () => void = () => {};
  const listened = new Promise<'listening'>((resolve) => (onListening = () => resolve('listening')));
  const ended = start({
    timeoutMs: options.timeoutMs,
    signal,
    onOutput: (stream, text) => {
      options.onOutput?.(stream, text);
      if (listening) return;
      output = (output + text).slice(-OUTPUT_TAIL);
      const match = LISTENING.exec(output);
      if (match) {
        listening = { port: Number(match[1]), ms: performance.now() - started };
        onListening();
      }
    },
  });
  ended.catch(() => {});
  const first = await Promise.race([listened, ended]);
  if (first !== 'listening') throw new DebugServerEnded(first);
  const { port, ms } = listening!;

  return {
    listeningMs: ms,
    connect: () => connect(port),
    async stop(): Promise<ExecOutcome> {
      const graceful = await Promise.race([ended, delay(STOP_GRACE_MS, null)]);
      if (graceful) return graceful;
      stopper.abort();
      const forced = await Promise.race([ended, delay(STOP_GRACE_MS, null)]);
      if (forced) return forced;
      throw new Error(`dlv did not stop within ${(2 * STOP_GRACE_MS) / 1000} s; it is removed with the environment`);
    },
  };
}

/** A TCP connection to a port on the host's loopback (native, nix and devbox share the host's network). */
export function connectLoopback(port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
