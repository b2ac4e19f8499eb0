import { describe, expect, it } from 'vitest';
import { decodeTerminalFrame, encodeTerminalFrame } from './terminal-frame';

describe('terminal frames', () => {
  it('carry the id and the output, control characters and non-ASCII as they are', () => {
    const data = 'y\r\n\x1b[31mrouge\x1b[0m é 漢字 🙂\x00\x07';
    const frame = encodeTerminalFrame({ id: 'native-1a2b', data });
    expect(frame[0]).toBe(1);
    expect(frame.length).toBe(2 + 'native-1a2b'.length + new TextEncoder().encode(data).length);
    expect(decodeTerminalFrame(frame)).toEqual({ id: 'native-1a2b', data });
    // As the page gets it: an ArrayBuffer of exactly the frame.
    expect(decodeTerminalFrame(frame.slice().buffer)).toEqual({ id: 'native-1a2b', data });
    expect(decodeTerminalFrame(encodeTerminalFrame({ id: 'x', data: '' }))).toEqual({ id: 'x', data: '' });
  });

  it('refuses what is not a terminal frame', () => {
    expect(decodeTerminalFrame(new Uint8Array([]))).toBeNull();
    expect(decodeTerminalFrame(new Uint8Array([2, 0]))).toBeNull();
    expect(decodeTerminalFrame(new Uint8Array([1, 5, 65]))).toBeNull();
    expect(() => encodeTerminalFrame({ id: 'i'.repeat(256), data: '' })).toThrow(/255 at most/);
  });
});
