import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsOfThisFile } from '../../../tests/support/temp-dirs';
import type { RunProgress, RuntimeId } from '../../shared/run';
import { RunStore } from '../history/run-store';
import { NativeRuntime } from '../environments/native/native';
import type { Runtime } from '../environments/runtime';
import type { Scenario } from '../scenarios/catalog';
import { inspectWorkspace } from '../workspace/inspect-workspace';
import { buildRunJson } from './run-report';
import { executeRun, inRoundOrder } from './run-scheduler';
import { testMachine } from '../../../tests/support/run-fixtures';

const tempDir = tempDirsOfThisFile('envbench-sched-');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RESOURCES = path.join(ROOT, 'resources');

/**
 * Two runtimes that both really run on the host (the second under another id), recording the
 * order in which samples are taken. Only the ordering is under test here; the commands are real.
 */
function recordingRuntimes(order: string[]): Runtime[] {
  const native = new NativeRuntime(RESOURCES);
  const as = (id: RuntimeId): Runtime => ({
    id,
    displayName: id,
    portableDefinition: () => null,
    detect: async () => ({ ...(await native.detect()), id }),
    async prepare(context) {
      const session = await native.prepare(context);
      return {
        ...session,
        runtime: id,
        workspaceDir: session.workspaceDir,
        exec: (command, options) => {
          order.push(`${id}:${command.argv.join(' ')}`);
          return session.exec(command, options);
        },
        startup: (temperature, options) => session.startup(temperature, options),
        facts: () => session.facts(),
        evictCaches: () => session.evictCaches(),
        footprint: () => session.footprint(),
        dispose: () => session.dispose(),
      };
    },
  });
  return [as('native'), as('docker')];
}

const scenario = (id: string, argv: string[]): Scenario => ({ id, kind: 'command', dimension: 'performance', title: id, counts: id, argv });

describe('inRoundOrder', () => {
  it('starts each round one runtime later, so every runtime takes every place alike', () => {
    expect([0, 1, 2, 3].map((round) => inRoundOrder(['a', 'b', 'c'], round).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
    expect(inRoundOrder([], 5)).toEqual([]);
  });
});

describe('executeRun', () => {
  it('interleaves runtimes within each round, each round starting one later, stores every sample, and reports progress', async () => {
    const dataDir = tempDir();
    const store = RunStore.open(path.join(dataDir, 'history.sqlite'));
    const order: string[] = [];
    const progress: RunProgress[] = [];
    const workspace = await inspectWorkspace(path.join(RESOURCES, 'sample-workspace'));
    const machine = testMachine();
    const runId = await executeRun(
      { store, runtimes: recordingRuntimes(order), dataDir, cacheDir: dataDir, resourcesDir: RESOURCES, machine, envbench: { version: 't', commit: null } },
      { workspace, runtimes: ['native', 'docker'], scenarios: [scenario('true', ['true']), scenario('echo', ['echo', 'hi'])], runs: 2, warmup: 1, offline: true, timeoutMs: 10_000 },
      { onProgress: (p) => progress.push(p) },
    );
    // Each result's inputs are read once, before its first measured sample (environment-inputs.ts).
    const inputReads = order.filter((o) => o.endsWith('envbench-inputs'));
    // Round 0 is the warmup (native first), round 1 the first sample (docker first).
    expect(inputReads.map((o) => o.split(':')[0])).toEqual(['docker', 'native', 'docker', 'native']);
    expect(order.indexOf(inputReads[0]!)).toBe(2);
    expect(order.filter((o) => !o.endsWith('envbench-inputs'))).toEqual([
      'native:true', 'docker:true', 'docker:true', 'native:true', 'native:true', 'docker:true',
      'native:echo hi', 'docker:echo hi', 'docker:echo hi', 'native:echo hi', 'native:echo hi', 'docker:echo hi',
    ]);
    const run = buildRunJson(store.getRun(runId)!);
    expect(run.status).toBe('completed');
    for (const result of run.results) {
      expect(result.inputs).toMatchObject({ uid: expect.stringMatching(/^\d+/), workspace: 'the workspace as the environment mounts it', beforeEachSample: 'nothing' });
      expect(result.samples.map((s) => s.warmup)).toEqual([true, false, false]);
      expect(result.stats?.n).toBe(2);
    }
    expect(run.comparisons.map((c) => `${c.runtime}/${c.scenario}`)).toEqual(['docker/true', 'docker/echo']);
    expect(run.comparisons.every((c) => c.significant === false && /too few samples/.test(c.warning ?? ''))).toBe(true);
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toMatchObject({ completedSteps: 12, totalSteps: 12, etaMs: 0 });
    expect(progress[0]).toMatchObject({ phase: 'warmup', sample: 1, of: 1 });
    expect(progress[2]).toMatchObject({ phase: 'measure', sample: 1, of: 2 });
    store.close();
  });

  it('samples a probe like a command: phases summed into the wall time, the tool\'s resources, facts kept even when it fails', async () => {
    const dataDir = tempDir();
    const store = RunStore.open(path.join(dataDir, 'history.sqlite'));
    const workspace = await inspectWorkspace(path.join(RESOURCES, 'sample-workspace'));
    const machine = testMachine();
    const probe: Scenario = {
      id: 'probe',
      kind: 'probe',
      dimension: 'performance',
      title: 'probe',
      counts: 'probe',
      probe: async ({ session, cwd, execOptions }) => {
        if (session.runtime === 'docker') return { failure: 'refused on purpose', facts: { ptrace: 'denied on purpose' } };
        const measured = await session.exec({ argv: ['true'], cwd }, execOptions);
        return { phases: [{ name: 'listening', ms: 2 }, { name: 'breakpoint', ms: 3 }], measured, facts: { ptrace: 'allowed' } };
      },
    };
    const runId = await executeRun(
      { store, runtimes: recordingRuntimes([]), dataDir, cacheDir: dataDir, resourcesDir: RESOURCES, machine, envbench: { version: 't', commit: null } },
      { workspace, runtimes: ['native', 'docker'], scenarios: [probe], runs: 2, warmup: 1, offline: true, timeoutMs: 10_000 },
    );
    const run = buildRunJson(store.getRun(runId)!);
    const [native, docker] = run.results;
    expect(native).toMatchObject({ status: 'completed', stats: { n: 2, medianMs: 5 } });
    expect(native!.samples.map((s) => [s.warmup, s.wallMs, s.phases])).toEqual([true, false, false].map((w) => [w, 5, { listening: 2, breakpoint: 3 }]));
    expect(native!.samples.every((s) => s.maxRssKb > 0)).toBe(true);
    expect(docker).toMatchObject({ status: 'failed', reason: 'refused on purpose', samples: [] });
    const facts = Object.fromEntries(run.maintenance.map((m) => [m.runtime, m.facts]));
    expect(facts.native!['probe.ptrace']).toBe('allowed');
    expect(facts.docker!['probe.ptrace']).toBe('denied on purpose');
    store.close();
  });
});
