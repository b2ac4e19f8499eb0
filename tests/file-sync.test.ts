import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunJson } from '../src/shared/run';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';

const haveDocker = haveDockerEngine();

describe.skipIf(!haveDocker)('file-sync: a file the host writes, seen inside the environment', () => {
  it('measures the latency in native and through a bind mount, on a scratch copy, never in the workspace', () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module'));
    const before = fs.readdirSync(module).sort();
    const jsonFile = path.join(dataDir, 'run.json');
    const result = envbench(['run', '--offline', '--workspace', module, '--runtimes', 'native,docker', '--scenarios', 'file-sync', '--runs', '3', '--warmup', '0', '--json', jsonFile], dataDir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const run = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    for (const r of run.results) {
      expect(r.status, r.reason).toBe('completed');
      expect(r.samples).toHaveLength(3);
      for (const sample of r.samples) {
        expect(Object.keys(sample.phases ?? {})).toEqual(['visible']);
        expect(sample.wallMs).toBeGreaterThan(0);
        // Seen within the 30 s the environment waits, and far sooner on Linux bind mounts.
        expect(sample.wallMs).toBeLessThan(30_000);
      }
    }
    expect(fs.readdirSync(module).sort()).toEqual(before);
  }, 10 * 60_000);
});
