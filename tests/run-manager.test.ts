import { describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import type { IpcEventMap } from '../src/shared/ipc/contract';
import { RESOURCES, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

describe.skipIf(!haveGo)('runs started from the app', () => {
  it('measures one run at a time, even when two starts arrive together, and cancels on request', async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    const states: IpcEventMap['bench:state'][] = [];
    service.subscribe((channel, payload) => channel === 'bench:state' && states.push(payload as IpcEventMap['bench:state']));
    try {
      const request = { workspace: core.sampleWorkspace(), runtimes: ['native'], scenarios: ['vet'], runs: 100, warmup: 0, offline: false };
      // A double click: both requests before the first run exists in the history.
      const [first, second] = await Promise.all([service.handle('run:start', [request]), service.handle('run:start', [request])]);
      expect(first.ok).toBe(true);
      expect(second).toMatchObject({ ok: false, error: { message: expect.stringMatching(/still measuring.*one at a time/) } });
      const runId = (first as { ok: true; value: { runId: string } }).value.runId;
      expect(await service.handle('run:cancel', [{ runId }])).toEqual({ ok: true, value: { cancelled: true } });
      await expect.poll(() => states.find((s) => s.runId === runId && s.status !== 'running')?.status, { timeout: 60_000 }).toBe('cancelled');
      expect(core.getRun(runId)?.status).toBe('cancelled');
    } finally {
      await service.dispose();
      core.dispose();
    }
  }, 120_000);
});
