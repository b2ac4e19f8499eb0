import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_SETTINGS, loadRunSettings, saveRunSettings } from './run-settings';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) } as unknown as Storage & { data: Map<string, string> };
}

describe('the Run form remembers the last run started', () => {
  it('restores what was saved', () => {
    const storage = memoryStorage();
    const settings = { ...DEFAULT_RUN_SETTINGS, runtimes: ['native', 'nix'] as const, scenarios: ['vet'], auto: false, runs: 7, offline: true, testArgs: '-run TestX' };
    saveRunSettings({ ...settings, runtimes: [...settings.runtimes] }, storage);
    expect(loadRunSettings(storage)).toEqual({ ...settings, runtimes: ['native', 'nix'] });
  });

  it('keeps the defaults for nothing saved, broken JSON, or fields of the wrong type', () => {
    const storage = memoryStorage();
    expect(loadRunSettings(storage)).toEqual(DEFAULT_RUN_SETTINGS);
    storage.data.set('envbench.run-settings.v1', '{ broken');
    expect(loadRunSettings(storage)).toEqual(DEFAULT_RUN_SETTINGS);
    storage.data.set('envbench.run-settings.v1', JSON.stringify({ runs: 'ten', runtimes: [1, 2], warmup: 3, main: null }));
    expect(loadRunSettings(storage)).toEqual({ ...DEFAULT_RUN_SETTINGS, warmup: 3 });
    expect(loadRunSettings(undefined)).toEqual(DEFAULT_RUN_SETTINGS);
  });
});
