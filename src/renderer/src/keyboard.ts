import type { ParseKeys } from 'i18next';
import { useEffect, useRef } from 'react';

// The app's keyboard shortcuts, in one list: the help overlay (`?`) shows it, each description in the chosen language.

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The modifier a user of this system expects: Cmd on macOS, Ctrl elsewhere. */
export const MOD = IS_MAC ? '⌘' : 'Ctrl';

/** `does`: the catalogue key of what the shortcut does. */
export const SHORTCUTS: readonly { keys: string; does: ParseKeys }[] = [
  { keys: `${MOD}+Enter`, does: 'app.shortcuts.does.start' },
  { keys: 'Alt+1 … Alt+6', does: 'app.shortcuts.does.views' },
  { keys: '?', does: 'app.shortcuts.does.help' },
  { keys: 'Esc', does: 'app.shortcuts.does.close' },
];

/** A key typed into a field (or a terminal) is text, not a shortcut. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target || typeof target.closest !== 'function') return false;
  return Boolean(target.closest('input, textarea, select, [contenteditable="true"], .xterm'));
}

/** Cmd on macOS, Ctrl elsewhere, held. */
export function withMod(event: KeyboardEvent): boolean {
  return IS_MAC ? event.metaKey : event.ctrlKey;
}

/** Listens to keydown on the document while mounted; the latest handler is always the one called. */
export function useKeydown(handler: (event: KeyboardEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => latest.current(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
