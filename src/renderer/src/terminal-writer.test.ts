// @vitest-environment jsdom
import type { Terminal } from '@xterm/xterm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TERMINAL_SCROLLBACK } from '../../shared/terminal-flood';
import { TerminalWriter, WRITE_SLICE_CHARS } from './terminal-writer';

/** xterm.js measures characters on a canvas (from its import on), which jsdom does not draw; unopened, it needs none. */
const noCanvas = (): unknown => vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);

let Xterm: typeof Terminal;
beforeAll(async () => {
  noCanvas();
  ({ Terminal: Xterm } = await import('@xterm/xterm'));
});

/** A real xterm.js terminal, never opened (no DOM renderer): its parser and buffer are the ones the app uses. */
function terminal(): Terminal {
  noCanvas();
  return new Xterm({ scrollback: TERMINAL_SCROLLBACK, cols: 80, rows: 24 });
}

/** Every line of the active buffer, top to bottom. */
function bufferLines(term: Terminal): string[] {
  const buffer = term.buffer.active;
  return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)!.translateToString(true));
}

/** Feeds `text` through a TerminalWriter in chunks as the core sends them, and resolves once every character is acknowledged. */
async function throughWriter(term: Terminal, text: string, chunkChars: number): Promise<{ writes: number[] }> {
  const writes: number[] = [];
  const write = term.write.bind(term);
  vi.spyOn(term, 'write').mockImplementation((data: string | Uint8Array, callback?: () => void) => {
    writes.push(data.length);
    write(data, callback);
  });
  let acked = 0;
  let done: () => void = () => {};
  const allAcked = new Promise<void>((resolve) => (done = resolve));
  const writer = new TerminalWriter(term, (chars) => {
    acked += chars;
    if (acked === text.length) done();
  });
  for (let at = 0; at < text.length; at += chunkChars) writer.push(text.slice(at, at + chunkChars));
  await allAcked;
  writer.dispose();
  return { writes };
}

function written(term: Terminal, text: string): Promise<void> {
  return new Promise((resolve) => term.write(text, resolve));
}

describe('TerminalWriter', () => {
  it('gives xterm.js a flood in slices it can parse between frames, and leaves the buffer exactly as one write of it would', async () => {
    const lines = 60_000;
    const flood = Array.from({ length: lines }, (_, i) => `${i + 1}\r\n`).join('') + 'END\r\n';
    const term = terminal();
    const { writes } = await throughWriter(term, flood, 65_536);
    // Before slicing, a batch went whole: about 70 000 characters in one write here.
    expect(Math.max(...writes)).toBeLessThanOrEqual(WRITE_SLICE_CHARS);
    // The flood was cut, so xterm.js parsed far less than all of it.
    expect(writes.reduce((a, b) => a + b, 0)).toBeLessThan(flood.length / 2);

    const reference = terminal();
    await written(reference, flood);
    const kept = bufferLines(term);
    expect(kept).toHaveLength(TERMINAL_SCROLLBACK + 24);
    expect(kept).toEqual(bufferLines(reference));
    expect(kept.at(-2)).toBe('END');
  });

  it('never splits a surrogate pair between two slices', async () => {
    // The emoji's high surrogate is the last character a slice could take.
    const line = 'a'.repeat(WRITE_SLICE_CHARS - 1) + '😀' + 'b\r\n';
    const term = terminal();
    const { writes } = await throughWriter(term, line, line.length);
    expect(writes).toEqual([WRITE_SLICE_CHARS - 1, 5]);
    const reference = terminal();
    await written(reference, line);
    expect(bufferLines(term)).toEqual(bufferLines(reference));
    expect(bufferLines(term).join('')).toContain('a😀b');
  });
});
