import { describe, expect, it } from 'vitest';
import type { RuntimeHealth, ToolHealth } from '../src/shared/run';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

describe('envbench doctor', () => {
  it('reports every runtime with available, version and reason', () => {
    const result = envbench(['doctor', '--json'], tempDataDir());
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout) as (RuntimeHealth | ToolHealth)[];
    // The runtimes first, then the host tools, marked `kind: 'tool'`.
    expect(entries.map((h) => h.id)).toEqual(['native', 'docker', 'dind', 'nix', 'devbox', 'pdf-reports']);
    expect(entries.map((h) => ('kind' in h ? h.kind : 'runtime'))).toEqual(['runtime', 'runtime', 'runtime', 'runtime', 'runtime', 'tool']);
    const health = entries.filter((h): h is RuntimeHealth => !('kind' in h));
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
    expect(result.stdout).toMatch(/^TOOL\s+STATUS\s+VERSION\s+REASON\n-+.*\npdf-reports\s+(available|unavailable)/m);
  });
});
