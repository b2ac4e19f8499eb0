import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunJson, RunPlan } from '../shared/run';
import { formatMs } from '../shared/format/units';
import { formatDurations } from '../cli/format/plan-table';
import { textTable } from '../cli/format/text-table';

/**
 * The whole comparison as a new user starts it (issue 16): the default `envbench run` on the
 * embedded sample (or ENVBENCH_BENCH_WORKSPACE), every available runtime, twice in a fresh data
 * and cache directory. Each run keeps the plan it made before it started (what `--plan` prints);
 * the clock around it says how long it took, and its step times where the time went. The first plan rests on first guesses,
 * the second on the first run's times: its error is the planner's. Goals: under 15 minutes on
 * the sample, 30 on a module of cobra's size; the plan within ±25% of the repeated run.
 * ENVBENCH_BENCH_ONLY=comparison runs it (half an hour or more, so never by default).
 */
const PLAN_TOLERANCE = 0.25;

function envbench(args: string[], env: NodeJS.ProcessEnv): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'envbench.cjs'), ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/**
 * How much of each step's time its samples' own wall times make up (measured samples and warmups
 * apart): the rest is preparation, resetting between samples and bookkeeping, the time a faster
 * harness could still win back.
 */
function measuredShare(run: RunJson): string[] {
  const durations = run.durations;
  if (!durations) return [];
  const rows = durations.scenarios.map((step) => {
    const samples = run.results.filter((r) => r.scenario === step.scenario).flatMap((r) => r.samples);
    const measured = samples.filter((s) => !s.warmup).reduce((a, s) => a + s.wallMs, 0);
    const warmups = samples.filter((s) => s.warmup).reduce((a, s) => a + s.wallMs, 0);
    const total = Object.values(step.byRuntime).reduce<number>((a, b) => a + (b ?? 0), 0);
    return { step: step.scenario, total, measured, warmups };
  });
  const sum = (key: 'total' | 'measured' | 'warmups'): number => rows.reduce((a, r) => a + r[key], 0);
  const share = (part: number, whole: number): string => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-');
  const table = rows.map((r) => [r.step, formatMs(r.total), formatMs(r.measured), formatMs(r.warmups), share(r.total - r.measured - r.warmups, r.total)]);
  table.push(['total', formatMs(sum('total')), formatMs(sum('measured')), formatMs(sum('warmups')), share(sum('total') - sum('measured') - sum('warmups'), sum('total'))]);
  return ['', "Each step's samples (wall time as the user waits) against the step's time; the rest is resetting between samples and bookkeeping:", textTable(['STEP', 'STEP TIME', 'MEASURED', 'WARMUPS', 'REST'], table, new Set([1, 2, 3, 4]))];
}

export function measureComparison(): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-comparison-'));
  const env = { ...process.env, ENVBENCH_DATA_DIR: path.join(scratch, 'data'), ENVBENCH_CACHE_DIR: path.join(scratch, 'cache') };
  const workspace = process.env.ENVBENCH_BENCH_WORKSPACE ? ['--workspace', process.env.ENVBENCH_BENCH_WORKSPACE] : [];
  const lines: string[] = [];
  const rows: string[][] = [];
  for (const attempt of [1, 2]) {
    const json = path.join(scratch, `run-${attempt}.json`);
    process.stderr.write(`\rcomparison: run ${attempt}/2    `);
    const started = Date.now();
    const measured = envbench(['run', ...workspace, '--json', json], env);
    const wallMs = Date.now() - started;
    if (!fs.existsSync(json)) throw new Error(`envbench run wrote no run (exit ${measured.status}): ${measured.stderr.slice(-2000)}`);
    const run = JSON.parse(fs.readFileSync(json, 'utf8')) as RunJson;
    const plan = run.plan as RunPlan;
    const error = (plan.totalMs - wallMs) / wallMs;
    const guesses = plan.notes.some((n) => n.startsWith('First guesses'));
    rows.push([
      String(attempt),
      run.options.runtimes.join(','),
      formatMs(plan.totalMs) + (guesses ? ' (first guesses)' : ''),
      formatMs(wallMs),
      `${error >= 0 ? '+' : ''}${(error * 100).toFixed(0)}%`,
      `${run.results.filter((r) => r.stats && r.stats.n >= 6).length}/${run.results.filter((r) => r.stats).length}`,
      run.status,
    ]);
    lines.push('', `Run ${attempt} (${run.id}):`, ...formatDurations(run).slice(1), ...measuredShare(run));
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  process.stderr.write('\r\x1b[2K');
  const second = rows[1]!;
  const within = Math.abs(Number(second[4]!.replace('%', ''))) <= PLAN_TOLERANCE * 100;
  return [
    `The whole comparison: the default envbench run, twice, fresh data and caches (goal: under 15 min on the sample; the second plan within ±${PLAN_TOLERANCE * 100}%: ${within ? 'met' : 'MISSED'})`,
    '',
    textTable(['RUN', 'RUNTIMES', 'PLANNED', 'TOOK', 'PLAN ERROR', '>= 6 SAMPLES', 'STATUS'], rows),
    ...lines,
  ].join('\n');
}
