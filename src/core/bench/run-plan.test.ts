import { describe, expect, it } from 'vitest';
import type { StepTime } from '../history/run-store';
import { findScenario } from '../scenarios/catalog';
import type { Scenario } from '../scenarios/catalog';
import type { PlanInput } from './run-plan';
import { floorMsFrom, planRun, tailMs } from './run-plan';

const scenarios = (...ids: string[]): Scenario[] => ids.map((id) => findScenario(id)!);

/** `count` steps of one kind, alternating ±spread around `ms`. */
function steps(runtime: string, scenario: string | null, step: StepTime['step'], ms: number, count = 10, spread = 0): StepTime[] {
  return Array.from({ length: count }, (_, i) => ({ runtime, scenario, step, ms: ms * (1 + (i % 2 === 0 ? spread : -spread)), failed: false }));
}

const base: PlanInput = { scenarios: [], runtimes: ['native', 'docker'], warmup: 1, runs: null, budgetMs: 15 * 60_000, maxRuns: 30, targetHalfWidth: 0.02, history: [] };

describe('run plan', () => {
  it('gives every scenario the fixed samples of --runs N, with no budget, and warmups only where a sample leaves state for the next', () => {
    const plan = planRun({ ...base, scenarios: scenarios('startup-cold', 'startup-warm', 'build-clean', 'vet', 'consistency'), runs: 4, warmup: 0 });
    expect(plan.budgetMs).toBeNull();
    expect(plan.scenarios.map((s) => [s.scenario, s.warmups, s.samples])).toEqual([
      // A cold start and a clean build reset their state before every sample: a warmup would be one more such sample.
      ['startup-cold', 0, 4],
      // A warm start needs one entry first, whatever --warmup says.
      ['startup-warm', 1, 4],
      ['build-clean', 0, 4],
      ['vet', 0, 4],
      ['consistency', 0, 1],
    ]);
    expect(planRun({ ...base, scenarios: scenarios('startup-cold', 'build-clean', 'vet'), runs: 4, warmup: 2 }).scenarios.map((s) => s.warmups)).toEqual([0, 0, 2]);
    expect(plan.totalMs).toBeCloseTo(plan.bookkeepingMs + plan.runtimes.reduce((sum, r) => sum + r.totalMs, 0), 6);
  });

  it('estimates from the history: the median of the newest steps, preparations included', () => {
    const history = [
      ...steps('native', null, 'preparation', 500, 1),
      ...steps('docker', null, 'preparation', 4_000, 3),
      ...steps('native', 'vet', 'sample', 1_000),
      ...steps('docker', 'vet', 'sample', 2_000),
      ...steps('native', 'vet', 'warmup', 3_000, 1),
      ...steps('docker', 'vet', 'warmup', 5_000, 1),
    ];
    const plan = planRun({ ...base, scenarios: scenarios('vet'), runs: 10, history });
    expect(plan.runtimes.map((r) => [r.runtime, r.preparationMs, r.preparationSource])).toEqual([
      ['native', 500, 'history'],
      ['docker', 4_000, 'history'],
    ]);
    const vet = plan.scenarios[0]!;
    expect(vet).toMatchObject({ source: 'history', stepMs: { native: 1_000, docker: 2_000 }, warmupMs: { native: 3_000, docker: 5_000 } });
    expect(vet.totalMs).toBe(3_000 + 5_000 + 10 * 3_000);
    // EnvBench's own work outside the steps counts too: a first guess of 0.5 s per result without past runs...
    expect(plan.bookkeepingMs).toBe(2 * 500);
    expect(plan.totalMs).toBe(4_500 + vet.totalMs + 1_000);
    expect(plan.notes).toEqual([]);
    // ...else the median per result of past runs.
    const withBookkeeping = planRun({ ...base, scenarios: scenarios('vet'), runs: 10, history, bookkeepingPerResult: [100, 300, 200] });
    expect(withBookkeeping.bookkeepingMs).toBe(2 * 200);
    expect(withBookkeeping.totalMs).toBe(4_500 + vet.totalMs + 400);
  });

  it('says which figures are first guesses when the machine has no history of the workspace', () => {
    const plan = planRun({ ...base, scenarios: scenarios('vet'), runs: 3 });
    expect(plan.scenarios[0]!.source).toBe('first guess');
    expect(plan.notes.join(' ')).toMatch(/First guesses .*native preparation, docker preparation, vet/);
  });

  it('within a budget: six samples each, then rounds where they narrow a CI the most per second, never past the budget', () => {
    const history = [
      ...steps('native', null, 'preparation', 100, 1),
      ...steps('docker', null, 'preparation', 100, 1),
      // vet is quiet (0.5%): six samples put its median within 2%. test is noisy (10%) and cheap.
      ...['native', 'docker'].flatMap((r) => steps(r, 'vet', 'sample', 1_000, 10, 0.005)),
      ...['native', 'docker'].flatMap((r) => steps(r, 'test', 'sample', 1_000, 10, 0.1)),
    ];
    const plan = planRun({ ...base, warmup: 0, scenarios: scenarios('vet', 'test'), budgetMs: 60_000, history });
    const [vet, test] = plan.scenarios;
    expect(vet).toMatchObject({ samples: 6, minSamples: 6 });
    expect(vet!.reason).toMatch(/^6 samples: a predicted CI of ±\d\.\d%, within the ±2\.0% target \(spread \d\.\d% here\)$/);
    expect(test!.samples).toBeGreaterThan(6);
    expect(test!.samples).toBeLessThanOrEqual(30);
    // The plan keeps 3% of the budget for a run's usual deviation from its plan.
    expect(plan.totalMs).toBeLessThanOrEqual(0.97 * 60_000);
    expect(plan.totalMs + 2_000).toBeGreaterThan(0.97 * 60_000); // a further round would not fit
  });

  it('cuts starts to three samples when six do not fit, and says when even the fewest exceed the budget', () => {
    const history = [...['native', 'docker'].flatMap((r) => steps(r, 'startup-cold', 'sample', 60_000)), ...['native', 'docker'].flatMap((r) => steps(r, 'vet', 'sample', 1_000))];
    const plan = planRun({ ...base, warmup: 0, scenarios: scenarios('startup-cold', 'vet'), budgetMs: 5 * 60_000, history });
    const [cold, vet] = plan.scenarios;
    expect(cold).toMatchObject({ samples: 3, minSamples: 3 });
    expect(cold!.reason).toMatch(/^3 samples, the fewest for a start/);
    expect(vet!.samples).toBeGreaterThanOrEqual(6);
    expect(plan.notes.join(' ')).toMatch(/take about 7m15s, more than the budget of 5m00s: the run will take that long\. Raise the budget to 8m \(--budget 8m\)/);
  });

  it('--min-runs raises the fewest samples of every result, a start\'s too, whatever the budget', () => {
    const history = [...['native', 'docker'].flatMap((r) => steps(r, 'startup-cold', 'sample', 60_000)), ...['native', 'docker'].flatMap((r) => steps(r, 'vet', 'sample', 1_000))];
    const plan = planRun({ ...base, warmup: 0, scenarios: scenarios('startup-cold', 'vet'), budgetMs: 5 * 60_000, history, minRuns: 8 });
    expect(plan.scenarios.map((s) => [s.scenario, s.samples, s.minSamples])).toEqual([
      ['startup-cold', 8, 8],
      ['vet', 8, 8],
    ]);
  });

  it('keeps the time the later scenarios need for their fewest samples', () => {
    const history = ['native', 'docker'].flatMap((r) => [...steps(r, 'vet', 'sample', 1_000), ...steps(r, 'test', 'sample', 2_000), ...steps(r, 'test', 'warmup', 3_000)]);
    const plan = planRun({ ...base, scenarios: scenarios('vet', 'test'), history });
    expect(floorMsFrom(plan, 0)).toBe(2 * (6 * 1_000 + 1 * 1_000) + 2 * (6 * 2_000 + 3_000));
    expect(floorMsFrom(plan, 1)).toBe(2 * (6 * 2_000 + 3_000));
    expect(floorMsFrom(plan, 2)).toBe(0);
  });

  it('keeps the bookkeeping of the scenarios still to come, the run\'s cleanup included', () => {
    const plan = planRun({ ...base, scenarios: scenarios('vet', 'test'), history: [], bookkeepingPerResult: [1_000] });
    expect(plan.bookkeepingMs).toBe(4 * 1_000);
    expect(tailMs(plan, 0)).toBe(4_000);
    expect(tailMs(plan, 1)).toBe(2_000);
    expect(tailMs(plan, 2)).toBe(0);
  });
});
