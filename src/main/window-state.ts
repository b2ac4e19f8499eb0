import fs from 'node:fs';
import path from 'node:path';

// The window's size and place, kept between starts in Electron's userData folder. A saved place
// that no display shows any more (a monitor unplugged) is dropped, keeping the size.

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
const FILE = 'window-state.json';
/** The part of the window's title bar that must be on a display to be reachable. */
const VISIBLE_PX = 100;

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isFinite(n) && n >= min;

/** The saved state checked against the displays there are now (their work areas). */
export function restoreWindowState(saved: unknown, displays: readonly Rect[]): WindowState {
  if (!saved || typeof saved !== 'object') return DEFAULT_WINDOW_STATE;
  const s = saved as Record<string, unknown>;
  const state: WindowState = {
    width: isCount(s.width, 400) ? Math.round(s.width) : DEFAULT_WINDOW_STATE.width,
    height: isCount(s.height, 300) ? Math.round(s.height) : DEFAULT_WINDOW_STATE.height,
    maximized: s.maximized === true,
  };
  if (typeof s.x === 'number' && typeof s.y === 'number' && Number.isFinite(s.x) && Number.isFinite(s.y)) {
    const x = s.x;
    const y = s.y;
    // The title bar's left part lies on some display.
    const reachable = displays.some((d) => x + VISIBLE_PX > d.x && x < d.x + d.width - VISIBLE_PX / 2 && y >= d.y && y < d.y + d.height - VISIBLE_PX / 2);
    if (reachable) Object.assign(state, { x: Math.round(x), y: Math.round(y) });
  }
  return state;
}

export function loadWindowState(userDataDir: string, displays: readonly Rect[]): WindowState {
  try {
    return restoreWindowState(JSON.parse(fs.readFileSync(path.join(userDataDir, FILE), 'utf8')), displays);
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

/** Written whole (a temporary file renamed), so a crash never leaves half a file. */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  try {
    fs.mkdirSync(userDataDir, { recursive: true });
    const file = path.join(userDataDir, FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // Not saved: the next start opens at the default size.
  }
}
