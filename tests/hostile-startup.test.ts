import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import type { RunJson } from '../src/shared/run';
import { CLI, RESOURCES, ROOT, envbench, tempDataDir } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);
// Every runtime this machine can run (with CI=true a missing one fails instead: require-runtime.ts).
const runtimes = ['native', ...(haveGo && haveDockerEngine() ? ['docker', 'dind'] : []), ...(haveGo && hasTool('nix', ['--version']) ? ['nix'] : [])];
const DEFAULT_FIRST_RUN = 'go build -o /dev/null ./cmd/server';
const havePdf = hasTool('pdftotext', ['-v']) && hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']);

/** A module whose only main package is a server: `go run` of it never ends. */
function writeServerModule(dir: string): string {
  fs.mkdirSync(path.join(dir, 'cmd', 'server'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/server\n\ngo 1.22\n');
  fs.writeFileSync(
    path.join(dir, 'cmd', 'server', 'main.go'),
    // A plain TCP server (net, not net/http): a cold build compiles half as much, and still ten times a warm one.
    'package main\n\nimport (\n\t"log"\n\t"net"\n)\n\nfunc main() {\n\tl, err := net.Listen("tcp", "127.0.0.1:0")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tfor {\n\t\tc, err := l.Accept()\n\t\tif err != nil {\n\t\t\tlog.Fatal(err)\n\t\t}\n\t\tc.Close()\n\t}\n}\n',
  );
  return dir;
}

/** `envbench run` with this data directory and a cache directory of its own inside it (so a cold start is cold). */
function run(args: string[], dataDir: string, timeoutMs: number): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, 'run', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ENVBENCH_DATA_DIR: dataDir, ENVBENCH_CACHE_DIR: path.join(dataDir, 'cache') },
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

describe.skipIf(!haveGo)('startup figures mean "ready" on a module whose only main package is a server', () => {
  it(`startup-cold and startup-warm complete in every runtime here (${runtimes.join(', ')}), timing the build of the main packages`, () => {
    const dataDir = tempDataDir();
    const module = writeServerModule(path.join(dataDir, 'server'));
    const jsonFile = path.join(dataDir, 'run.json');
    // --warmup 0: a warm start must still be entered once, unmeasured, before its sample.
    const result = run(
      ['--offline', '--workspace', module, '--runtimes', runtimes.join(','), '--scenarios', 'startup-cold,startup-warm', '--runs', '1', '--warmup', '0', '--timeout', '120', '--json', jsonFile],
      dataDir,
      14 * 60_000,
    );
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`first-run: ${DEFAULT_FIRST_RUN}`);
    const stored = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(stored.options.firstRun).toBe(DEFAULT_FIRST_RUN);
    for (const runtime of runtimes) {
      const cold = stored.results.find((r) => r.runtime === runtime && r.scenario === 'startup-cold')!;
      const warm = stored.results.find((r) => r.runtime === runtime && r.scenario === 'startup-warm')!;
      expect([cold.status, warm.status], `${runtime}: ${cold.reason ?? ''} ${warm.reason ?? ''}`).toEqual(['completed', 'completed']);
      expect(cold.samples.map((s) => s.warmup)).toEqual([false]);
      // The warm start's entry that fills the caches is stored as a warmup, never as its sample.
      expect(warm.samples.map((s) => s.warmup), runtime).toEqual([true, false]);
      const coldMs = cold.samples[0]!.wallMs;
      const warmMs = warm.samples[1]!.wallMs;
      // A cold start compiles net from an empty build cache; a warm one only links.
      expect(warmMs, `${runtime}: warm ${warmMs} ms vs cold ${coldMs} ms`).toBeLessThan(coldMs / 3);
    }
    // The Markdown report says which command was timed.
    const md = path.join(dataDir, 'run.md');
    const exported = envbench(['export', stored.id, '--format', 'md', '--out', md], dataDir);
    expect(exported.status, exported.stderr).toBe(0);
    expect(fs.readFileSync(md, 'utf8')).toContain(`first-run: ${DEFAULT_FIRST_RUN}`);
  }, 15 * 60_000);

  it('a first-run command that cannot end fails each startup scenario after one try, not once per sample', () => {
    const dataDir = tempDataDir();
    const module = writeServerModule(path.join(dataDir, 'server'));
    const tries = path.join(dataDir, 'tries');
    // The user's own choice of a command that never ends: each try leaves a line, then hangs.
    const firstRun = `bash -c 'echo try >> ${tries}; exec sleep 120' tries`;
    const jsonFile = path.join(dataDir, 'run.json');
    const result = run(
      ['--workspace', module, '--runtimes', 'native', '--scenarios', 'startup-cold,startup-warm', '--runs', '3', '--warmup', '1', '--timeout', '3', '--first-run', firstRun, '--json', jsonFile],
      dataDir,
      5 * 60_000,
    );
    expect(result.status, result.stdout + result.stderr).toBe(1);
    // One cold sample and the warm start's first entry: 2 tries, where 3 + 4 would repeat the limit.
    expect(fs.readFileSync(tries, 'utf8').trim().split('\n')).toEqual(['try', 'try']);
    const stored = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as RunJson;
    expect(stored.options.firstRun).toBe(`bash -c 'echo try >> ${tries}; exec sleep 120' tries`);
    for (const r of stored.results) {
      expect(r.status).toBe('failed');
      expect(r.samples).toEqual([]);
      expect(r.reason).toMatch(/start failed: `bash -c .*` timed out after 3 s and was killed with its process tree; a start ends when the first-run command exits/);
    }
  }, 6 * 60_000);

  it.each([
    ['go build ./... ; rm -rf /tmp/x', /shell operator ";"/],
    ['go run ./cmd/server | head -1', /shell operator "\|"/],
    ['go run $(pwd)/cmd/server', /\$\(…\).*without a shell/],
  ])('--first-run %s is refused with exit 2 and one line, before anything is measured', (firstRun, why) => {
    const dataDir = tempDataDir();
    const module = writeServerModule(path.join(dataDir, 'server'));
    const result = run(['--workspace', module, '--runtimes', 'native', '--scenarios', 'startup-warm', '--runs', '1', '--first-run', firstRun], dataDir, 60_000);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^envbench: Invalid --first-run /);
    expect(lines[0]).toMatch(why);
    expect(JSON.parse(envbench(['history', '--json'], dataDir).stdout)).toEqual([]);
  });
});

describe.skipIf(!haveGo)('the app names the first-run command as the CLI does', () => {
  it('run:start carries it through the IPC contract into the stored run, and refuses a shell operator', async () => {
    const dataDir = tempDataDir();
    const module = writeServerModule(path.join(dataDir, 'server'));
    const core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    try {
      const request = { workspace: module, runtimes: ['native'], scenarios: ['startup-warm'], runs: 1, warmup: 0, offline: true };
      const refused = await service.handle('run:start', [{ ...request, firstRun: 'go version; go env' }]);
      expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Invalid --first-run .*shell operator ";"/) } });
      const started = await service.handle('run:start', [{ ...request, firstRun: 'go version' }]);
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const runId = (started as { ok: true; value: { runId: string } }).value.runId;
      await expect.poll(() => core.getRun(runId)?.status, { timeout: 60_000 }).toBe('completed');
      // The status is written before the run's cleanup; the machine is free only once that has ended.
      await expect.poll(() => core.measuringNow(), { timeout: 60_000 }).toBeNull();
      expect(core.getRun(runId)?.options.firstRun).toBe('go version');
      if (havePdf) {
        // The PDF report says which command was timed.
        const pdf = path.join(dataDir, 'run.pdf');
        expect(envbench(['export', runId, '--format', 'pdf', '--out', pdf], dataDir).status).toBe(0);
        expect(spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/[ \t]+/g, ' ')).toContain('first-run: go version');
      }
    } finally {
      await service.dispose();
      core.dispose();
    }
  }, 120_000);
});
