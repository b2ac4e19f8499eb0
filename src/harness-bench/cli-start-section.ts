import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { textTable } from '../cli/format/text-table';

/**
 * The CLI's own start, side by side with `node -e 0` in one hyperfine run (-N, no shell): what a
 * user waits for before `envbench` does anything. Goal (issue 16): `--version`, `history` and
 * `serve`'s URL within 50 ms of node's own start.
 */
const RUNS = 20;
const GOAL_MS = 50;
const SERVE_RUNS = 10;

const hyperfineJson = z.object({ results: z.array(z.object({ command: z.string(), median: z.number() })) });

export async function measureCliStart(): Promise<string> {
  const cli = path.join(__dirname, 'envbench.cjs');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-cli-start-'));
  try {
    const out = path.join(scratch, 'hyperfine.json');
    const commands = [['node', '-e', '0'], ['node', cli, '--version'], ['node', cli, 'history']];
    // An empty history of its own: the figure is the start, not the size of someone's history.
    execFileSync('hyperfine', ['-N', '--style', 'none', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, ...commands.map((argv) => argv.join(' '))], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ENVBENCH_DATA_DIR: scratch },
    });
    const results = hyperfineJson.parse(JSON.parse(fs.readFileSync(out, 'utf8'))).results.map((r) => r.median * 1000);
    const node = results[0]!;
    const rows = commands.map((argv, i) => {
      const ms = results[i]!;
      const label = argv[1] === cli ? `envbench ${argv.slice(2).join(' ')}` : argv.join(' ');
      return i === 0 ? [label, `${ms.toFixed(1)} ms`, '', ''] : [label, `${ms.toFixed(1)} ms`, `+${(ms - node).toFixed(1)} ms`, ms - node <= GOAL_MS ? 'met' : 'MISSED'];
    });
    const serve = await measureServeStart(cli, scratch);
    rows.push(['envbench serve (to its URL)', `${serve.toFixed(1)} ms`, `+${(serve - node).toFixed(1)} ms`, serve - node <= GOAL_MS ? 'met' : 'MISSED']);
    return `The CLI's start (hyperfine -N, ${RUNS} runs each; goal: within ${GOAL_MS} ms of node -e 0; serve: median of ${SERVE_RUNS} starts, spawn to the URL on stdout)\n\n${textTable(['COMMAND', 'MEDIAN', 'OVER NODE', 'RESULT'], rows)}`;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `envbench serve`'s start as a user waits for it: from spawning it to the URL on its stdout (it is then stopped). */
async function measureServeStart(cli: string, dataDir: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < SERVE_RUNS; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'serve', '--no-open'], { env: { ...process.env, ENVBENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = once(child, 'exit');
    const printed = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(true);
      });
      void exited.then(() => resolve(false));
    });
    if (printed) times.push(performance.now() - started);
    child.kill();
    await exited;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
