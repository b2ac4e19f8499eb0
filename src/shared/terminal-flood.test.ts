import { describe, expect, it } from 'vitest';
import { cutPtyChunks, floodCut, FloodGuard, isPtyPlainText, ScreenModes } from './terminal-flood';

describe('terminal flood cut', () => {
  it('cuts plain pty text right after a CR LF, keeping exactly the last keepLines line feeds', () => {
    const text = 'y\r\n'.repeat(100) + 'partial';
    const cut = floodCut(text, 10);
    expect(cut).toBeGreaterThan(0);
    expect(text.slice(cut - 2, cut)).toBe('\r\n');
    expect(text.slice(cut).split('\n')).toHaveLength(11);
    expect(text.slice(cut).endsWith('partial')).toBe(true);
  });

  it('never cuts text with an escape sequence, another control, a wide character, or a bare LF', () => {
    const lines = 'y\r\n'.repeat(100);
    expect(floodCut(lines + '\x1b[31mred', 10)).toBe(0);
    expect(floodCut(lines + '\x07', 10)).toBe(0);
    expect(floodCut(lines + 'é', 10)).toBe(0);
    expect(floodCut(lines + '\x9b31m', 10)).toBe(0);
    expect(floodCut(lines + 'a\nb', 10)).toBe(0);
    expect(floodCut('y\r\n'.repeat(10), 10)).toBe(0);
  });

  it('tells plain text in pty form: every LF after a CR, but for a first LF whose CR came before', () => {
    expect(isPtyPlainText('a\tb\r\nc\rd\r\n')).toBe(true);
    expect(isPtyPlainText('\nrest\r\n')).toBe(true);
    expect(isPtyPlainText('')).toBe(true);
    expect(isPtyPlainText('a\nb')).toBe(false);
    expect(isPtyPlainText('\n\n')).toBe(false);
    expect(isPtyPlainText('a\r\n\n')).toBe(false);
    expect(isPtyPlainText('a\r\nb\x1b[m')).toBe(false);
    expect(isPtyPlainText('\r\né')).toBe(false);
    // A long refusal stays linear (no backtracking): a flood that ends in an escape sequence.
    const started = performance.now();
    expect(isPtyPlainText('y\r\n'.repeat(200_000) + '\x1b')).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('cuts chunks as it cuts their text joined, copying only what it keeps', () => {
    // A fixed sequence (shared/ imports nothing): the same texts and chunkings every run.
    let state = 3;
    const random = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round++) {
      let text = '';
      const lines = 20 + Math.floor(random() * 60);
      for (let i = 0; i < lines; i++) text += 'x'.repeat(Math.floor(random() * 12)) + '\r\n';
      text += 'tail'.slice(0, Math.floor(random() * 5));
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      const keep = 1 + Math.floor(random() * 10);
      const cut = floodCut(text, keep);
      const chunked = cutPtyChunks(chunks, keep);
      if (cut === 0) expect(chunked).toBeNull();
      else expect(chunked).toEqual({ kept: text.slice(cut), cut });
    }
  });

  it('knows when every escape sequence written so far is complete', () => {
    const guard = new FloodGuard();
    expect(guard.ground).toBe(true);
    guard.written('plain\r\n');
    expect(guard.ground).toBe(true);
    guard.written('prompt \x1b[1;3');
    expect(guard.ground).toBe(false);
    guard.written('2m'); // the CSI completes in the next chunk
    expect(guard.ground).toBe(true);
    guard.written('\x1b]0;title');
    expect(guard.ground).toBe(false);
    guard.written(' still the title\x07text');
    expect(guard.ground).toBe(true);
    guard.written('\x1b]8;;http://x\x1b\\link');
    expect(guard.ground).toBe(true);
    guard.written('\x1b');
    expect(guard.ground).toBe(false);
    guard.written('7');
    expect(guard.ground).toBe(true);
    guard.written('\x1bP+q');
    expect(guard.ground).toBe(false);
    guard.written('\x9c');
    expect(guard.ground).toBe(true);
  });

  it('follows the alternate buffer, scroll margins and resets from the output alone', () => {
    const modes = new ScreenModes(24);
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[?1049h\x1b[22;0;0t'); // vim, less: the alternate buffer
    expect(modes.cuttable).toBe(false);
    modes.written('\x1b[?1049l');
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[?1;47h'); // among other modes
    expect(modes.cuttable).toBe(false);
    modes.written('\x1b[?47l');
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[5;20r'); // margins
    expect(modes.cuttable).toBe(false);
    modes.written('\x1b[r');
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[1;24r'); // the whole screen: no margins
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[1;12r');
    expect(modes.cuttable).toBe(false);
    modes.written('\x1b[!p'); // DECSTR
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[?1049h\x1b[3;9r\x1bc'); // RIS after both
    expect(modes.cuttable).toBe(true);
    modes.written('\x1bc\x1b[?1049h'); // ... and before one: order counts
    expect(modes.cuttable).toBe(false);
    modes.written('\x1b[?10'); // a switch cut in two by a chunk boundary
    modes.written('49l');
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b[?10');
    expect(modes.cuttable).toBe(false); // mid-sequence
    modes.written('49h');
    expect(modes.cuttable).toBe(false);
    modes.written('\x9b?1049l'); // C1 CSI
    expect(modes.cuttable).toBe(true);
    modes.written('\x1b]0;title');
    expect(modes.cuttable).toBe(false);
    modes.written('\x07plain');
    expect(modes.cuttable).toBe(true);
  });
});
