/**
 * `npm run bench`: measures EnvBench's own harness against hyperfine on this machine, in one
 * interleaved run (a block of hyperfine runs, then a block of EnvBench samples, repeated), the
 * cost of entering each environment, an A/A check of the verdicts (native against itself), and
 * the CLI's own start against `node -e 0`, and the app in Chromium, and prints the figures. A
 * benchmark, not a test: it prints and exits 0 unless it cannot run. ENVBENCH_BENCH_ONLY=app or cli
 * measures that section alone, =terminal the app's terminal figures alone; =comparison measures the
 * whole default comparison twice (comparison-section.ts), which no default run does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { median } from 'simple-statistics';
import type { RuntimeSession } from '../core/environments/runtime';
import { createDockerClient } from '../core/environments/docker/docker-client';
import { ownedContainer } from '../core/environments/docker/labels';
import { describeError } from '../core/user-error';
import { measureAaCheck } from './aa-section';
import { measureAppBench } from './app-section';
import { measureCliStart } from './cli-start-section';
import { measureComparison } from './comparison-section';
import { cliCore } from '../cli/cli-core';
import { formatAaCheck, type AaCheckReport } from './aa-check-report';
import { formatAppBench, type AppBenchReport } from './app-report';
import { textTable } from '../cli/format/text-table';

interface BenchCase {
  label: string;
  argv: string[];
  perBlock: number;
  /** How close EnvBench must be, as text, and the check. */
  target: string;
  meets: (envbenchMs: number, hyperfineMs: number) => boolean;
}

const CASES: BenchCase[] = [
  { label: '/bin/true', argv: ['/bin/true'], perBlock: 30, target: '<= hyperfine + 1.0 ms', meets: (e, h) => e <= h + 1.0 },
  { label: 'go version', argv: ['go', 'version'], perBlock: 10, target: '<= hyperfine + 1.0 ms', meets: (e, h) => e <= h + 1.0 },
  { label: 'sleep 0.2', argv: ['sleep', '0.2'], perBlock: 3, target: 'within 1% of 200 ms', meets: (e) => Math.abs(e - 200) <= 2 },
];
const BLOCKS = 5;

const hyperfineJson = z.object({ results: z.array(z.object({ times: z.array(z.number()) })) });

function hyperfineBlock(argv: string[], runs: number, dir: string): number[] {
  const out = path.join(dir, 'hyperfine.json');
  execFileSync('hyperfine', ['-N', '--style', 'none', '--warmup', '2', '--runs', String(runs), '--export-json', out, argv.join(' ')], {
    stdio: ['ignore', 'ignore', 'pipe'], // hyperfine's stderr is shown only if it fails (execFileSync's error)
  });
  return hyperfineJson.parse(JSON.parse(fs.readFileSync(out, 'utf8'))).results[0]!.times.map((s) => s * 1000);
}

async function envbenchBlock(session: RuntimeSession, argv: string[], runs: number, cwd: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const outcome = await session.exec({ argv, cwd }, { timeoutMs: 60_000 });
    if (outcome.exitCode !== 0) throw new Error(`${argv.join(' ')} exited with ${outcome.exitCode}: ${outcome.stderr}`);
    if (i >= 2) times.push(outcome.wallMs); // two warmups, as for hyperfine
  }
  return times;
}

/** The fixed cost of entering each environment, so it can be told apart from a command's own time. */
async function entryCosts(core: ReturnType<typeof cliCore>, workspace: Awaited<ReturnType<ReturnType<typeof cliCore>['inspectWorkspace']>>, dataDir: string): Promise<string[][]> {
  const rows: string[][] = [];
  const runs = 20;
  const row = (label: string, walls: number[], inner: number[] | null): string[] => [
    label,
    String(walls.length),
    `${median(walls).toFixed(2)} ms`,
    inner ? `${median(inner).toFixed(2)} ms` : '-',
    inner ? `${(median(walls) - median(inner)).toFixed(2)} ms` : '-',
  ];
  for (const runtime of await core.runtimes()) {
    if (!['native', 'docker', 'dind'].includes(runtime.id)) continue;
    const health = await runtime.detect();
    if (!health.available) {
      rows.push([`${runtime.id}: exec true`, '0', `unavailable: ${health.reason}`, '', '']);
      continue;
    }
    process.stderr.write(`\rpreparing ${runtime.id}...   `);
    const session = await runtime.prepare({ workspace, dataDir, cacheDir: dataDir, resourcesDir: '', offline: true, runId: 'bench', scratchPath: null });
    try {
      const walls: number[] = [];
      const inner: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const outcome = await session.exec({ argv: ['true'], cwd: workspace.path }, { timeoutMs: 60_000 });
        if (i >= 2) {
          walls.push(outcome.wallMs);
          inner.push(outcome.innerWallMs);
        }
      }
      rows.push(row(`${runtime.id}: exec true`, walls, inner));
    } finally {
      await session.dispose();
    }
  }
  const docker = createDockerClient();
  const dockerHealth = (await core.runtimes()).find((r) => r.id === 'docker');
  if (dockerHealth && (await dockerHealth.detect()).available) {
    const image = (await docker.listImages({ filters: { label: ['envbench.kind=dev-image'] } }))[0];
    if (image) {
      const walls: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const started = process.hrtime.bigint();
        const container = await docker.createContainer({ ...ownedContainer('probe-container'), Image: image.Id, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
        await container.start();
        await container.wait();
        await container.remove({ force: true });
        if (i >= 2) walls.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      rows.push(row('docker: run --rm true', walls, null));
    }
  }
  return rows;
}

/** The app section never stops the others from printing: a failure becomes its one line. */
async function appSection(options: { terminalOnly?: boolean } = {}): Promise<string> {
  const report: AppBenchReport = await measureAppBench(options).catch((error: unknown): AppBenchReport => ({ measured: false, reason: `failed: ${describeError(error)}` }));
  process.stderr.write('\r\x1b[2K');
  return formatAppBench(report);
}

async function main(): Promise<void> {
  const only = process.env.ENVBENCH_BENCH_ONLY || undefined;
  if (only !== undefined && only !== 'app' && only !== 'terminal' && only !== 'cli' && only !== 'comparison') {
    process.stderr.write(`bench: ENVBENCH_BENCH_ONLY=${only} names no section: the ones that can run alone are \`app\`, \`terminal\` (the app's terminal figures alone), \`cli\` and \`comparison\` (the whole default comparison, twice: half an hour or more); unset it to run the others\n`);
    process.exit(2);
  }
  if (only === 'comparison') {
    process.stdout.write(measureComparison() + '\n');
    return;
  }
  if (only === 'app' || only === 'terminal') {
    process.stdout.write((await appSection({ terminalOnly: only === 'terminal' })) + '\n');
    return;
  }
  try {
    execFileSync('hyperfine', ['--version'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench: hyperfine is not installed: apt-get install hyperfine (it is the reference this benchmark compares with)\n');
    process.exit(1);
  }
  if (only === 'cli') {
    process.stdout.write((await measureCliStart()) + '\n');
    return;
  }
  const core = cliCore();
  const native = (await core.runtimes()).find((r) => r.id === 'native')!;
  const health = await native.detect();
  if (!health.available) {
    process.stderr.write(`bench: the native runtime is unavailable: ${health.reason}\n`);
    process.exit(1);
  }
  const workspace = await core.inspectWorkspace(core.sampleWorkspace());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-bench-'));
  const session = await native.prepare({ workspace, dataDir: scratch, cacheDir: scratch, resourcesDir: '', offline: true, runId: 'bench', scratchPath: null });
  const rows: string[][] = [];
  let aa: AaCheckReport;
  try {
    for (const benchCase of CASES) {
      const hyperfine: number[] = [];
      const envbench: number[] = [];
      for (let block = 0; block < BLOCKS; block++) {
        process.stderr.write(`\r${benchCase.label}: block ${block + 1}/${BLOCKS}   `);
        hyperfine.push(...hyperfineBlock(benchCase.argv, benchCase.perBlock, scratch));
        envbench.push(...(await envbenchBlock(session, benchCase.argv, benchCase.perBlock, scratch)));
      }
      const h = median(hyperfine);
      const e = median(envbench);
      rows.push([benchCase.label, String(envbench.length), `${h.toFixed(3)} ms`, `${e.toFixed(3)} ms`, `${(e - h >= 0 ? '+' : '')}${(e - h).toFixed(3)} ms`, benchCase.target, benchCase.meets(e, h) ? 'met' : 'MISSED']);
    }
    aa = await measureAaCheck(session, scratch);
  } finally {
    await session.dispose();
  }
  let entryRows: string[][] = [];
  try {
    entryRows = await entryCosts(core, workspace, scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    core.dispose();
  }
  process.stderr.write('\r\x1b[2K');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(`EnvBench harness vs hyperfine -N, interleaved in ${BLOCKS} blocks (${cpu}, ${os.cpus().length} cores)\n\n`);
  process.stdout.write(textTable(['COMMAND', 'N EACH', 'HYPERFINE MEDIAN', 'ENVBENCH MEDIAN', 'DIFFERENCE', 'TARGET', 'RESULT'], rows) + '\n');
  process.stdout.write('\nFixed cost of entering each environment (wall = as the user waits; inner = measured inside)\n\n');
  process.stdout.write(textTable(['ENTRY', 'N', 'WALL MEDIAN', 'INNER MEDIAN', 'ENTRY COST'], entryRows) + '\n');
  process.stdout.write('\n' + formatAaCheck(aa) + '\n');
  process.stdout.write('\n' + (await measureCliStart()) + '\n');
  process.stdout.write('\n' + (await appSection()) + '\n');
  process.stdout.write('\nThe whole default comparison (issue 16) takes half an hour or more: ENVBENCH_BENCH_ONLY=comparison npm run bench measures it.\n');
}

void main();
