import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a stream of concatenated JSON objects (Go's net/rpc JSON codec: one object per message,
 * each followed by a newline) into whole objects, however the bytes arrive in chunks. Counts
 * braces outside strings, so it never parses half a message.
 */
export class JsonObjectSplitter {
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  push(text: string): unknown[] {
    const objects: unknown[] = [];
    let start = 0;
    const chunk = this.pending + text;
    // Resume scanning where the previous chunk stopped; the state above carries across chunks.
    for (let i = this.pending.length; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
      } else if (c === '{') {
        if (this.depth === 0) start = i;
        this.depth++;
      } else if (c === '}') {
        this.depth--;
        if (this.depth === 0) {
          objects.push(JSON.parse(chunk.slice(start, i + 1)));
          start = i + 1;
        }
      } else if (this.depth === 0 && !/\s/.test(c!)) {
        throw new Error(`not a JSON-RPC message: unexpected ${JSON.stringify(c)} between messages`);
      }
    }
    this.pending = this.depth > 0 ? chunk.slice(start) : '';
    return objects;
  }
}

/** A Go net/rpc JSON request. */
export function rpcRequest(id: number, method: string, param: unknown): string {
  return `${JSON.stringify({ method, params: [param], id })}\n`;
}

interface RpcReply {
  id: number;
  result: unknown;
  error: string | null;
}

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Delve's JSON-RPC API (v2) over any byte stream: a TCP socket on the host, or a relay into a container. */
export class DelveClient {
  private readonly splitter = new JsonObjectSplitter();
  private readonly decoder = new StringDecoder('utf8');
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedReason: string | null = null;

  constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      let replies: unknown[];
      try {
        replies = this.splitter.push(this.decoder.write(chunk));
      } catch (error) {
        this.close(`Delve answered something that is not JSON-RPC (${(error as Error).message})`);
        return;
      }
      for (const reply of replies as RpcReply[]) {
        const call = this.pending.get(reply.id);
        if (!call) continue;
        this.pending.delete(reply.id);
        if (reply.error) call.reject(new Error(`Delve refused ${call.method}: ${reply.error}`));
        else call.resolve(reply.result);
      }
    });
    stream.on('error', (error: Error) => this.close(`the connection to Delve failed: ${error.message}`));
    stream.on('close', () => this.close('Delve closed the connection'));
    stream.on('end', () => this.close('Delve closed the connection'));
  }

  /** Calls one method; rejects on Delve's error, a timeout, a cancel or a lost connection. */
  call<T>(method: string, param: unknown, options: CallOptions): Promise<T> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    if (options.signal?.aborted) return Promise.reject(new Error('cancelled'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Delve did not answer ${method} within ${Math.round(options.timeoutMs / 1000)} s`));
      }, options.timeoutMs);
      const onAbort = (): void => {
        finish();
        reject(new Error('cancelled'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: (result) => {
          finish();
          resolve(result as T);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      this.stream.write(rpcRequest(id, `RPCServer.${method}`, param));
    });
  }

  close(reason = 'the client closed the connection'): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const call of [...this.pending.values()]) call.reject(new Error(`${reason} while waiting for ${call.method}`));
    this.pending.clear();
    this.stream.destroy();
  }
}

/** The parts of Delve's api.DebuggerState the probe reads (service/api/types.go). */
export interface DebuggerState {
  Running?: boolean;
  exited?: boolean;
  exitStatus?: number;
  currentThread?: {
    function?: { name?: string } | null;
    breakPoint?: { functionName?: string } | null;
  } | null;
}

/**
 * Where the target stopped, when it stopped at a breakpoint: the breakpoint's function. Null when
 * it exited or stopped for another reason, so a run that never reached the breakpoint never counts.
 */
export function breakpointHit(state: DebuggerState): string | null {
  if (state.exited || state.Running) return null;
  return state.currentThread?.breakPoint?.functionName ?? null;
}
