import { describe, expect, it } from 'vitest';
import type { RuntimeHealth } from '../src/shared/run';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

describe('envbench doctor', () => {
  it('reports every runtime with available, version and reason', () => {
    const result = envbench(['doctor', '--json'], tempDataDir());
    expect(result.status).toBe(0);
    const health = JSON.parse(result.stdout) as RuntimeHealth[];
    expect(health.map((h) => h.id)).toEqual(['native', 'docker', 'dind', 'nix', 'devbox']);
    for (const entry of health) {
      expect(typeof entry.available).toBe('boolean');
      expect(entry).toHaveProperty('version');
      if (!entry.available) expect(entry.reason?.length ?? 0).toBeGreaterThan(20);
      else expect(entry.reason).toBeNull();
    }
  });

  it('finds the native runtime where Go is installed', () => {
    if (!hasTool('go', ['version'])) return;
    const health = JSON.parse(envbench(['doctor', '--json'], tempDataDir()).stdout) as RuntimeHealth[];
    expect(health[0]).toMatchObject({ id: 'native', available: true, reason: null, offlineReadiness: null });
    expect(health[0]!.version).toMatch(/^go1\.\d+/);
  });

  it('prints a readable table', () => {
    const result = envbench(['doctor'], tempDataDir());
    expect(result.stdout).toMatch(/^RUNTIME\s+STATUS\s+VERSION\s+OFFLINE\s+REASON/);
  });
});
