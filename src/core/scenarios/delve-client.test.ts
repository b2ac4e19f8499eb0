import { PassThrough, Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { breakpointHit, DelveClient, JsonObjectSplitter, rpcRequest } from './delve-client';

describe('JsonObjectSplitter', () => {
  const cases: { name: string; chunks: string[]; objects: unknown[] }[] = [
    { name: 'one message', chunks: ['{"id":1,"result":{},"error":null}\n'], objects: [{ id: 1, result: {}, error: null }] },
    { name: 'two messages in one chunk', chunks: ['{"id":1}\n{"id":2}\n'], objects: [{ id: 1 }, { id: 2 }] },
    { name: 'a message split mid-string', chunks: ['{"id":3,"result":{"file":"/a/b', '.go"}}\n'], objects: [{ id: 3, result: { file: '/a/b.go' } }] },
    { name: 'braces and escaped quotes inside strings', chunks: ['{"s":"}{\\"', '}"}'], objects: [{ s: '}{"}' }] },
    { name: 'a split right after a backslash', chunks: ['{"s":"a\\', '"b"}'], objects: [{ s: 'a"b' }] },
    { name: 'nested objects across three chunks', chunks: ['{"a":{"b":', '{"c":1}', '}}\n'], objects: [{ a: { b: { c: 1 } } }] },
    { name: 'nothing whole yet', chunks: ['{"id":'], objects: [] },
  ];
  for (const { name, chunks, objects } of cases) {
    it(name, () => {
      const splitter = new JsonObjectSplitter();
      expect(chunks.flatMap((c) => splitter.push(c))).toEqual(objects);
    });
  }

  it('rejects bytes that are not JSON-RPC', () => {
    expect(() => new JsonObjectSplitter().push('HTTP/1.1 400 Bad Request\r\n')).toThrow(/not a JSON-RPC message/);
  });
});

describe('rpcRequest', () => {
  it('writes one Go net/rpc JSON request per line', () => {
    expect(rpcRequest(2, 'RPCServer.Command', { name: 'continue' })).toBe('{"method":"RPCServer.Command","params":[{"name":"continue"}],"id":2}\n');
  });
});

describe('breakpointHit', () => {
  const cases: { name: string; state: Parameters<typeof breakpointHit>[0]; hit: string | null }[] = [
    { name: 'stopped at the breakpoint', state: { Running: false, currentThread: { breakPoint: { functionName: 'main.main' } } }, hit: 'main.main' },
    { name: 'exited without stopping', state: { Running: false, exited: true, exitStatus: 0 }, hit: null },
    { name: 'stopped elsewhere (a signal)', state: { Running: false, currentThread: { function: { name: 'runtime.raise' }, breakPoint: null } }, hit: null },
    { name: 'still running', state: { Running: true, currentThread: { breakPoint: { functionName: 'main.main' } } }, hit: null },
  ];
  for (const { name, state, hit } of cases) {
    it(name, () => expect(breakpointHit(state)).toBe(hit));
  }
});

/** Both ends of a fake connection: what the client writes, and a way to answer. */
function fakeDelve(): { stream: Duplex; written: string[]; answer: (text: string) => void; hangUp: () => void } {
  const toClient = new PassThrough();
  const written: string[] = [];
  const stream = Duplex.from({
    readable: toClient,
    writable: new (class extends PassThrough {
      override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
        written.push(chunk.toString());
        done();
      }
    })(),
  });
  return { stream, written, answer: (text) => toClient.write(Buffer.from(text)), hangUp: () => toClient.end() };
}

describe('DelveClient', () => {
  it('matches replies to calls by id, whatever the chunking', async () => {
    const delve = fakeDelve();
    const client = new DelveClient(delve.stream);
    const first = client.call<{ Breakpoint: { functionName: string } }>('CreateBreakpoint', { Breakpoint: { FunctionName: 'main.main' } }, { timeoutMs: 1000 });
    const second = client.call<object>('Command', { name: 'continue' }, { timeoutMs: 1000 });
    delve.answer('{"id":2,"result":{"State":{}},"error":null}\n{"id":1,"res');
    delve.answer('ult":{"Breakpoint":{"functionName":"main.main"}},"error":null}\n');
    await expect(first).resolves.toEqual({ Breakpoint: { functionName: 'main.main' } });
    await expect(second).resolves.toEqual({ State: {} });
    expect(delve.written.join('')).toBe(
      '{"method":"RPCServer.CreateBreakpoint","params":[{"Breakpoint":{"FunctionName":"main.main"}}],"id":1}\n' +
        '{"method":"RPCServer.Command","params":[{"name":"continue"}],"id":2}\n',
    );
    client.close();
  });

  it("surfaces Delve's own error", async () => {
    const delve = fakeDelve();
    const client = new DelveClient(delve.stream);
    const call = client.call('CreateBreakpoint', {}, { timeoutMs: 1000 });
    delve.answer('{"id":1,"result":null,"error":"could not find function main.nope"}\n');
    await expect(call).rejects.toThrow('Delve refused CreateBreakpoint: could not find function main.nope');
    client.close();
  });

  it('times out and cancels', async () => {
    const client = new DelveClient(fakeDelve().stream);
    await expect(client.call('Command', { name: 'continue' }, { timeoutMs: 20 })).rejects.toThrow('Delve did not answer Command within 0 s');
    const abort = new AbortController();
    const call = client.call('Command', { name: 'continue' }, { timeoutMs: 5000, signal: abort.signal });
    abort.abort();
    await expect(call).rejects.toThrow('cancelled');
    client.close();
  });

  it('fails pending calls when the connection closes', async () => {
    const delve = fakeDelve();
    const client = new DelveClient(delve.stream);
    const call = client.call('Command', { name: 'continue' }, { timeoutMs: 5000 });
    delve.hangUp();
    await expect(call).rejects.toThrow(/Delve closed the connection while waiting for Command/);
  });
});
