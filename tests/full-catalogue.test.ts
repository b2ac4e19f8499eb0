import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS as CATALOGUE } from '../src/core/scenarios/catalog';
import { RUNTIME_IDS } from '../src/core/environments/registry';
import type { RunJson } from '../src/shared/run';
import { haveDockerEngine } from './support/docker';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

/** A run on this machine: every scenario but those that need a remote host (remote-sync, only with --host). */
const SCENARIOS = CATALOGUE.filter((s) => s.only !== 'remote');

const haveRuntimes = haveDockerEngine() && hasTool('nix', ['--version']) && hasTool('go', ['version']);
const haveDevbox = hasDevbox();

function hasDevbox(): boolean {
  // Devbox cannot be installed on every machine (see docs/devbox.md): its absence is a result here, not a skip.
  const bin = process.env.ENVBENCH_DEVBOX ?? 'devbox';
  return fs.existsSync(bin) || (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, 'devbox')));
}

describe.skipIf(!haveRuntimes)('envbench run without --scenarios: the whole catalogue on every runtime', () => {
  it('has a result or a reason for every scenario × runtime, and prints every table', () => {
    const dataDir = tempDataDir();
    const jsonFile = path.join(dataDir, 'full.json');
    const result = envbench(['run', '--runtimes', RUNTIME_IDS.join(','), '--runs', '1', '--warmup', '0', '--json', jsonFile], dataDir, { timeout: 40 * 60_000 });
    const output = result.stdout + result.stderr;
    // Devbox is the one runtime that may be missing; everything else must measure.
    expect(result.status, output).toBe(haveDevbox ? 0 : 1);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(run.options.scenarios).toEqual(SCENARIOS.map((s) => s.id));

    for (const scenario of SCENARIOS) {
      for (const runtime of RUNTIME_IDS) {
        const r = run.results.find((x) => x.scenario === scenario.id && x.runtime === runtime);
        expect(r, `${runtime} ${scenario.id}`).toBeDefined();
        if (runtime === 'devbox' && !haveDevbox) {
          expect(r!.status).toBe('failed');
          expect(r!.reason).toMatch(/Devbox is not installed/);
          continue;
        }
        expect(r!.status, `${runtime} ${scenario.id}: ${r!.reason}`).toBe('completed');
        if (scenario.kind === 'check') {
          if (scenario.id !== 'consistency') expect(r!.verdict, `${runtime} ${scenario.id}`).toBeDefined();
        } else {
          expect(r!.stats?.n, `${runtime} ${scenario.id}`).toBe(1);
        }
      }
    }
    const measured = RUNTIME_IDS.filter((r) => r !== 'devbox' || haveDevbox);
    expect(Object.keys(run.scoring?.scores ?? {}).sort()).toEqual([...measured].sort());
    expect(run.consistency?.rows.length).toBeGreaterThan(5);

    for (const table of ['By phase:', 'Offline readiness', 'Environment consistency', 'Reproducible builds', 'Module cache isolation', 'Ranking']) {
      expect(result.stdout, table).toContain(table);
    }
    // The startup table has every phase of every runtime's cold start.
    expect(result.stdout).toMatch(/startup-cold\s+docker\s+image/);
    expect(result.stdout).toMatch(/startup-cold\s+dind\s+inner-image-load/);
    expect(result.stdout).toMatch(/startup-cold\s+nix\s+evaluate/);
    // A runtime that cannot run is named once with its reason, not once per scenario.
    if (!haveDevbox) expect(result.stdout.split(`devbox: ${SCENARIOS.length} scenarios failed`)).toHaveLength(2);
  }, 45 * 60_000);
});
