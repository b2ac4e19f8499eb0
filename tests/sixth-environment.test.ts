import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createRuntimes } from '../src/core/environments/registry';
import { NativeRuntime } from '../src/core/environments/native/native';
import type { Runtime, RuntimeSession } from '../src/core/environments/runtime';
import { exportRun } from '../src/core/export/exporters';
import { createIpcService } from '../src/core/ipc-service';
import { formatRunSummary } from '../src/cli/format/run-summary';
import { ipcInvokeArgs } from '../src/shared/ipc/invoke-args';
import { RESOURCES, SAMPLE_WORKSPACE, tempDataDir } from './support/envbench-cli';

/**
 * Issue 15: adding an environment is its folder and one registry line (docs/adding-an-environment.md).
 * The proof: a throwaway environment the rest of EnvBench has never heard of ("host-twin", the host
 * under another id, as a folder of its own would define it), added to the registry's list, goes
 * through doctor, a run, the scores, the consistency table, the CLI summary, every export and the
 * IPC contract with no other change anywhere.
 */
const TWIN = 'host-twin';

/** The host under another id: every call goes to a native session, which answers as TWIN. */
class HostTwinRuntime implements Runtime {
  readonly id = TWIN;
  readonly displayName = 'Host twin (test)';
  private readonly native: NativeRuntime;

  constructor(resourcesDir: string) {
    this.native = new NativeRuntime(resourcesDir);
  }

  async detect(): Promise<Awaited<ReturnType<Runtime['detect']>>> {
    return { ...(await this.native.detect()), id: TWIN };
  }

  portableDefinition(): null {
    return null;
  }

  async prepare(context: Parameters<Runtime['prepare']>[0]): Promise<RuntimeSession> {
    const session = await this.native.prepare(context);
    return new Proxy(session, {
      get(target, key) {
        if (key === 'runtime') return TWIN;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

// The registry's list plus one line: what adding a folder to src/core/environments does.
const withTwin = [...(await createRuntimes(RESOURCES)), new HostTwinRuntime(RESOURCES)];

describe('a sixth environment', () => {
  const dataDir = tempDataDir('envbench-sixth-');
  const core = createCore({
    resourcesDir: RESOURCES,
    dataDir,
    cacheDir: path.join(dataDir, 'cache'),
    envbench: { version: '0.0.0-test', commit: null },
    runtimes: withTwin,
  });
  afterAll(() => core.dispose());

  it('goes through doctor, a run, the scores, the consistency table, the summary and every export with no other change', async () => {
    const health = await core.doctor();
    expect(health.map((h) => h.id)).toContain(TWIN);
    expect(health.find((h) => h.id === TWIN)!.available).toBe(true);

    const run = await core.run({ workspace: SAMPLE_WORKSPACE, runtimes: ['native', TWIN], scenarios: ['vet', 'consistency'], runs: 3, warmup: 0, offline: true });
    expect(run.status).toBe('completed');
    const twin = run.results.filter((r) => r.runtime === TWIN);
    expect(twin.map((r) => [r.scenario, r.status])).toEqual([
      ['vet', 'completed'],
      ['consistency', 'completed'],
    ]);
    expect(twin.find((r) => r.scenario === 'vet')!.samples.filter((s) => !s.warmup)).toHaveLength(3);
    expect(Object.keys(run.scoring!.scores).sort()).toEqual(['host-twin', 'native']);
    const goVersion = run.consistency!.rows.find((r) => r.key === 'env.GOVERSION')!;
    expect(goVersion.values[TWIN]).toBe(goVersion.values.native);
    expect(goVersion.differs).toEqual([]);

    expect(formatRunSummary(run)).toMatch(/^vet +host-twin +completed/m);
    for (const format of ['json', 'csv', 'csv-summary', 'md', 'benchfmt']) {
      const file = path.join(dataDir, `run.${format}`);
      await exportRun(run, format, file, { envbench: core.envbench });
      expect(fs.readFileSync(file, 'utf8'), format).toContain(TWIN);
    }
  }, 300_000);

  it("is accepted by the IPC contract and named in core's answers; an id no environment has is a user error", async () => {
    expect(ipcInvokeArgs['run:start'].safeParse([{ workspace: SAMPLE_WORKSPACE, runtimes: [TWIN], scenarios: ['vet'], runs: 1, warmup: 0, offline: true }]).success).toBe(true);
    const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    expect(await service.handle('definitions:preview', [{ workspace: SAMPLE_WORKSPACE, runtimes: [TWIN, 'nix'] }])).toMatchObject({ ok: true, value: [{ runtime: 'nix', file: 'flake.nix' }] });
    expect(await service.handle('definitions:preview', [{ workspace: SAMPLE_WORKSPACE, runtimes: ['nope'] }])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Unknown runtime "nope"/) } });
    await expect(core.run({ workspace: SAMPLE_WORKSPACE, runtimes: ['native', 'nope'], scenarios: ['vet'], runs: 1, warmup: 0 })).rejects.toThrow(/Unknown runtime "nope"/);
  });
});
