import { describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import { RunAttention } from '../src/main/run-attention-model';
import { RESOURCES, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const haveGo = hasTool('go', ['version']);

// The desktop's side of a run (Electron's progress bar, notification and close question), decided
// by RunAttention from a real run's events; run-attention.ts only hands them to Electron, which
// cannot run here (no binary).
describe.skipIf(!haveGo)("the desktop's attention to a run", () => {
  async function attended(request: { runs: number }, whileRunning: (runId: string, service: ReturnType<typeof createIpcService>) => Promise<void>) {
    const core = createCore({ resourcesDir: RESOURCES, dataDir: tempDataDir(), envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0', commit: null, dataDir: core.dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    const progress: number[] = [];
    const notes: { title: string; body: string }[] = [];
    const attention = new RunAttention({ progress: (value) => progress.push(value), notify: (title, body) => notes.push({ title, body }) });
    service.subscribe((channel, payload) => attention.onEvent(channel, payload));
    try {
      const started = await service.handle('run:start', [{ workspace: core.sampleWorkspace(), runtimes: ['native'], scenarios: ['vet'], runs: request.runs, warmup: 0, offline: false }]);
      if (!started.ok) throw new Error(started.error.message);
      const { runId } = started.value as { runId: string };
      expect(attention.closeQuestion()).toMatchObject({ message: `Run ${runId} is still measuring.`, buttons: ['Keep measuring', 'Cancel the run and close'] });
      await whileRunning(runId, service);
      await expect.poll(() => notes.length, { timeout: 120_000 }).toBe(1);
      return { runId, progress, notes, closeQuestion: attention.closeQuestion() };
    } finally {
      await service.dispose();
      core.dispose();
    }
  }

  it('the progress bar follows the steps to the end, then goes; a notification says it completed; closing no longer asks', async () => {
    const { runId, progress, notes, closeQuestion } = await attended({ runs: 3 }, async () => {});
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(-1);
    const steps = progress.slice(1, -1);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((value, i) => value > 0 && value <= 1 && (i === 0 || value >= steps[i - 1]!))).toBe(true);
    expect(notes).toEqual([{ title: `EnvBench run ${runId} completed`, body: 'Every measurement finished: open Results.' }]);
    expect(closeQuestion).toBeNull();
  }, 180_000);

  it('a cancelled run: the bar goes and the notification says what was kept', async () => {
    const { runId, progress, notes, closeQuestion } = await attended({ runs: 100 }, async (id, service) => {
      expect(await service.handle('run:cancel', [{ runId: id }])).toEqual({ ok: true, value: { cancelled: true } });
    });
    expect(progress.at(-1)).toBe(-1);
    expect(notes).toEqual([{ title: `EnvBench run ${runId} cancelled`, body: 'Cancelled: the samples measured so far are kept.' }]);
    expect(closeQuestion).toBeNull();
  }, 180_000);
});
