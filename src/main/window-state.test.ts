import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, loadWindowState, restoreWindowState, saveWindowState } from './window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const monitor = { x: 1920, y: 0, width: 2560, height: 1440 };

describe("the window's size and place between starts", () => {
  it('comes back where it was, on a display that is still there', () => {
    expect(restoreWindowState({ x: 2000, y: 40, width: 1400, height: 900, maximized: true }, [laptop, monitor])).toEqual({ x: 2000, y: 40, width: 1400, height: 900, maximized: true });
  });

  it('keeps its size but not a place no display shows (a monitor unplugged)', () => {
    expect(restoreWindowState({ x: 2000, y: 40, width: 1400, height: 900, maximized: false }, [laptop])).toEqual({ width: 1400, height: 900, maximized: false });
  });

  it('falls back to the defaults for nonsense', () => {
    expect(restoreWindowState({ width: -5, height: 'tall', x: NaN }, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    expect(restoreWindowState(null, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('is saved whole and read back; a missing or broken file gives the defaults', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-window-'));
    try {
      expect(loadWindowState(dir, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
      saveWindowState(dir, { x: 10, y: 20, width: 1000, height: 700, maximized: false });
      expect(loadWindowState(dir, [laptop])).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
      fs.writeFileSync(path.join(dir, 'window-state.json'), '{');
      expect(loadWindowState(dir, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
