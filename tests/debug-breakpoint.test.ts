import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../src/shared/run';
import { envbench, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import { hasTool } from './support/require-runtime';

const haveDlv = hasTool('dlv', ['version']);
const haveDocker = haveDockerEngine();
const haveNix = hasTool('nix', ['--version']);
// Containers reach Delve through an exec relay (they have no network offline); nix shares the host's.
const RUNTIMES = ['native', ...(haveDocker ? ['docker', 'dind'] : []), ...(haveNix ? ['nix'] : [])];

function run(args: string[]): RunJson {
  const dataDir = tempDataDir();
  const jsonFile = path.join(dataDir, 'run.json');
  const result = envbench([...args, '--json', jsonFile], dataDir);
  if (!fs.existsSync(jsonFile)) throw new Error(`envbench run wrote no JSON (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
}

// The probe fails a sample unless Delve reports the program stopped at main.main, so a completed
// result is the proof that the breakpoint was really hit in that environment.
describe.skipIf(!haveDlv)(`debug-breakpoint hits main.main for real (${RUNTIMES.join(', ')})`, () => {
  let result: RunJson;

  beforeAll(() => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'module with space'));
    result = run(['run', '--offline', '--workspace', module, '--runtimes', RUNTIMES.join(','), '--scenarios', 'debug-breakpoint', '--runs', '2', '--warmup', '0']);
  }, 30 * 60_000);

  it('completes in every runtime', () => {
    expect(result.results.map((r) => `${r.runtime}/${r.status}/${r.reason ?? ''}`)).toEqual(RUNTIMES.map((r) => `${r}/completed/`));
    expect(result.status).toBe('completed');
  });

  it('times listening, attach and breakpoint in every sample, adding up to its wall time', () => {
    for (const r of result.results) {
      expect(r.samples).toHaveLength(2);
      for (const sample of r.samples) {
        expect(Object.keys(sample.phases ?? {}), r.runtime).toEqual(['listening', 'attach', 'breakpoint']);
        expect(Object.values(sample.phases!).every((ms) => ms > 0)).toBe(true);
        expect(sample.wallMs).toBeCloseTo(Object.values(sample.phases!).reduce((a, b) => a + b, 0), 3);
        // The helper measured dlv's whole tree: the build and the debugged program.
        expect(sample.userMs + sample.sysMs).toBeGreaterThan(0);
        expect(sample.maxRssKb).toBeGreaterThan(0);
      }
      expect(r.stats?.n).toBe(2);
    }
  });

  it('records that ptrace was allowed', () => {
    for (const { runtime, facts } of result.maintenance) expect(facts['debug-breakpoint.ptrace'], runtime).toBe('allowed');
  });
});

describe.skipIf(!haveDlv)('debug-breakpoint without a main package', () => {
  it('is not applicable, with the reason and the way out, instead of measuring something else', () => {
    const dataDir = tempDataDir();
    const module = writeGoModule(path.join(dataDir, 'library'));
    fs.rmSync(path.join(module, 'cmd'), { recursive: true });
    const result = run(['run', '--offline', '--workspace', module, '--runtimes', 'native', '--scenarios', 'debug-breakpoint', '--runs', '1', '--warmup', '0']);
    expect(result).toMatchObject({ status: 'completed' });
    expect(result.results[0]).toMatchObject({ status: 'not-applicable', samples: [] });
    expect(result.results[0]!.reason).toMatch(/has no main package \(package main with func main\) to debug; name one with --main \.\/cmd\/x$/);
  });
});
