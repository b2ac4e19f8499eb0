import type { RuntimeId } from '../../shared/run';

// The Run form's settings of the last run started, kept in the renderer's storage (the browser's
// for `envbench serve`, Electron's profile for the app) and restored when the app starts again.

export interface RunSettings {
  runtimes: RuntimeId[] | null;
  scenarios: string[] | null;
  runs: number;
  auto: boolean;
  budgetMinutes: number;
  warmup: number;
  offline: boolean;
  firstRun: string;
  main: string;
  testArgs: string;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = { runtimes: null, scenarios: null, runs: 10, auto: true, budgetMinutes: 15, warmup: 1, offline: false, firstRun: '', main: '', testArgs: '' };

const KEY = 'envbench.run-settings.v1';

/** The last run's settings; a field that is missing or of the wrong type keeps its default. */
export function loadRunSettings(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): RunSettings {
  let saved: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') saved = parsed as Record<string, unknown>;
  } catch {
    // Unreadable: the defaults.
  }
  const out: Record<string, unknown> = { ...DEFAULT_RUN_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_RUN_SETTINGS)) {
    const value = saved[key];
    const listOrNull = fallback === null;
    if (listOrNull ? value === null || (Array.isArray(value) && value.every((v) => typeof v === 'string')) : typeof value === typeof fallback) out[key] = value;
  }
  return out as unknown as RunSettings;
}

export function saveRunSettings(settings: RunSettings, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Storage full or disabled: the next start uses the defaults.
  }
}
