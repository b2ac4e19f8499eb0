import type { RunJson, RunPlan } from '../../shared/run';
import { formatMs } from '../../shared/format/units';
import { textTable } from './text-table';

/**
 * `envbench run --plan`: samples per scenario, the estimated time of each scenario on each
 * runtime (warmups and samples together) with the runtimes' preparation first, the totals, why
 * each scenario gets its samples, and what preparing each runtime builds or downloads. Figures
 * from a first guess (no history on this machine yet) are marked with `*`.
 */
export function formatPlan(plan: RunPlan): string {
  const runtimes = plan.runtimes.map((r) => r.runtime);
  const guessed = (source: string): string => (source === 'first guess' ? '*' : '');
  const rows: string[][] = [
    ['preparation', '', ...plan.runtimes.map((r) => formatMs(r.preparationMs) + guessed(r.preparationSource)), formatMs(plan.runtimes.reduce((sum, r) => sum + r.preparationMs, 0))],
  ];
  for (const scenario of plan.scenarios) {
    const samples = scenario.warmups > 0 ? `${scenario.samples} +${scenario.warmups}w` : String(scenario.samples);
    const perRuntime = runtimes.map((r) => formatMs(scenario.warmups * (scenario.warmupMs[r] ?? 0) + scenario.samples * (scenario.stepMs[r] ?? 0)) + (scenario.guessed.includes(r) ? '*' : ''));
    rows.push([scenario.scenario, samples, ...perRuntime, formatMs(scenario.totalMs)]);
  }
  if (plan.bookkeepingMs > 0) rows.push(['bookkeeping', '', ...plan.runtimes.map(() => ''), formatMs(plan.bookkeepingMs)]);
  rows.push(['total', '', ...plan.runtimes.map((r) => formatMs(r.totalMs)), formatMs(plan.totalMs)]);
  const right = new Set(Array.from({ length: runtimes.length + 2 }, (_, i) => i + 1));
  const budget = plan.budgetMs === null ? 'samples fixed by --runs' : `budget ${formatMs(plan.budgetMs)}`;
  const lines = [`Plan: about ${formatMs(plan.totalMs)} in all (${budget}).`, '', textTable(['SCENARIO', 'SAMPLES', ...runtimes, 'TOTAL'], rows, right)];
  const guesses = plan.runtimes.some((r) => r.preparationSource === 'first guess') || plan.scenarios.some((s) => s.source === 'first guess');
  lines.push('', `SAMPLES: measured samples per runtime, at most (+w: unmeasured warmups first).${guesses ? ' *: a first guess.' : ''}${plan.bookkeepingMs > 0 ? " bookkeeping: EnvBench's own work outside the steps (detection, cleanup), from past runs or a first guess." : ''}`);
  if (plan.budgetMs !== null) {
    lines.push('', 'Why these samples (a result stops sooner once its median is known within the target):');
    for (const scenario of plan.scenarios) lines.push(`  ${scenario.scenario}: ${scenario.reason}`);
  }
  const work = plan.runtimes.filter((r) => r.work.length > 0);
  if (work.length > 0) {
    lines.push('', 'Preparing the runtimes:');
    for (const runtime of work) for (const item of runtime.work) lines.push(`  ${runtime.runtime}: ${item}`);
  }
  for (const note of plan.notes) lines.push('', note);
  return lines.join('\n');
}

/**
 * Where a run's time went, beside its plan: each runtime's preparation and each scenario's steps
 * (warmups, samples, checks), per runtime; the run's wall-clock time includes EnvBench's own
 * bookkeeping between steps as well. Empty for runs from before EnvBench kept step times.
 */
export function formatDurations(run: RunJson): string[] {
  const durations = run.durations;
  if (!durations) return [];
  const runtimes = run.options.runtimes;
  const plannedOf = (scenario: string): string => {
    const planned = run.plan?.scenarios.find((s) => s.scenario === scenario);
    return planned ? formatMs(planned.totalMs) : '-';
  };
  const cell = (ms: number | undefined): string => (ms === undefined ? '-' : formatMs(ms));
  const sum = (values: Partial<Record<string, number>>): number => Object.values(values).reduce<number>((a, b) => a + (b ?? 0), 0);
  const rows: string[][] = [
    ['preparation', ...runtimes.map((r) => cell(durations.preparationMs[r])), formatMs(sum(durations.preparationMs)), run.plan ? formatMs(run.plan.runtimes.reduce((a, r) => a + r.preparationMs, 0)) : '-'],
    ...durations.scenarios.map((s) => [s.scenario, ...runtimes.map((r) => cell(s.byRuntime[r])), formatMs(sum(s.byRuntime)), plannedOf(s.scenario)]),
  ];
  const perRuntime = runtimes.map((r) => (durations.preparationMs[r] ?? 0) + durations.scenarios.reduce((a, s) => a + (s.byRuntime[r] ?? 0), 0));
  rows.push(['total', ...perRuntime.map(formatMs), formatMs(durations.totalMs), run.plan ? formatMs(run.plan.totalMs) : '-']);
  const wall = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  const heading = `Where the time went (${run.plan ? `planned ${formatMs(run.plan.totalMs)}, ` : ''}${wall !== null ? `took ${formatMs(wall)} from start to end, ` : ''}${formatMs(durations.totalMs)} of it in the steps below):`;
  const right = new Set(Array.from({ length: runtimes.length + 2 }, (_, i) => i + 1));
  return ['', heading, textTable(['STEP', ...runtimes, 'TOTAL', 'PLANNED'], rows, right)];
}
