import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sampleFailure } from '../measure/command-failure';
import type { ExecOutcome } from '../environments/runtime';
import type { ProbeContext, ProbeOutcome } from './probe';

/**
 * Waits inside the environment for a file the host creates: says `ready`, polls until the file
 * (the first argument, relative to the working directory) exists, says `seen`. A constant script;
 * the name is an argument. Gives up after 30 s so a file that never shows cannot hang the run.
 */
const WAIT_FOR_FILE = 'echo ready; end=$((SECONDS + 30)); while [ ! -e "$1" ]; do [ "$SECONDS" -lt "$end" ] || exit 3; done; echo seen';

/**
 * File sync latency: the host writes a new file into the (scratch copy of the) workspace and the
 * environment, already polling, sees it. Bind mounts on Linux share the page cache, so expect
 * close to nothing there; a VM-backed Docker (macOS, Windows) is where it shows. The time runs
 * from the write to the environment's `seen` reaching EnvBench, so it includes the output path
 * back (a pipe, or the Engine's attach stream).
 */
export async function fileSync(context: ProbeContext): Promise<ProbeOutcome> {
  const name = `.envbench-sync-${crypto.randomBytes(4).toString('hex')}`;
  const file = path.join(context.cwd, name);
  try {
    const { failed, outcome, output, ms } = await timeFileAppearing(context, 'file-sync', name, () => fs.writeFileSync(file, 'envbench file-sync probe\n'));
    if (failed) return { failure: failed === 'cancelled' ? failed : outcome.exitCode === 3 ? `the environment did not see ${name} within 30 s of the host writing it` : failed };
    if (ms === null) return { failure: `the environment's answer was not understood: ${output.trim().slice(0, 200) || 'no output'}` };
    return { phases: [{ name: 'visible', ms }], measured: outcome };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Runs WAIT_FOR_FILE for `name` (relative to cwd) in the environment; once it polls, `makeAppear`
 * (called once) writes the file, or starts what brings it there. `ms`: from that call until the
 * environment's `seen` arrived; null when the answer was not understood. `failed`: sampleFailure's.
 */
export async function timeFileAppearing(
  { session, cwd, timeoutMs, execOptions }: ProbeContext,
  label: string,
  name: string,
  makeAppear: () => void,
): Promise<{ failed: string | null; outcome: ExecOutcome; output: string; ms: number | null }> {
  const argv = ['bash', '-c', WAIT_FOR_FILE, label, name];
  let output = '';
  let writtenAt: number | null = null;
  let seenAt: number | null = null;
  const outcome = await session.exec(
    { argv, cwd },
    {
      ...execOptions,
      onOutput: (stream, text) => {
        execOptions.onOutput?.(stream, text);
        if (stream !== 'stdout') return;
        output += text;
        if (writtenAt === null && /ready/.test(output)) {
          writtenAt = performance.now();
          makeAppear();
        }
        if (writtenAt !== null && seenAt === null && /seen/.test(output)) seenAt = performance.now();
      },
    },
  );
  const ms = writtenAt !== null && seenAt !== null ? seenAt - writtenAt : null;
  return { failed: sampleFailure(argv, outcome, timeoutMs), outcome, output, ms };
}
