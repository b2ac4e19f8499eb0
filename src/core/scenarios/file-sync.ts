import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sampleFailure } from '../measure/command-failure';
import type { ProbeContext, ProbeOutcome } from './probe';

/**
 * Waits inside the environment for a file the host creates: says `ready`, polls until the file
 * (the first argument, relative to the working directory) exists, says `seen`. A constant script;
 * the name is an argument. Gives up after 30 s so a file that never shows cannot hang the run.
 */
export const WAIT_FOR_FILE = 'echo ready; end=$((SECONDS + 30)); while [ ! -e "$1" ]; do [ "$SECONDS" -lt "$end" ] || exit 3; done; echo seen';

/**
 * File sync latency: the host writes a new file into the (scratch copy of the) workspace and the
 * environment, already polling, sees it. Bind mounts on Linux share the page cache, so expect
 * close to nothing there; a VM-backed Docker (macOS, Windows) is where it shows. The time runs
 * from the write to the environment's `seen` reaching EnvBench, so it includes the output path
 * back (a pipe, or the Engine's attach stream).
 */
export async function fileSync({ session, cwd, timeoutMs, execOptions }: ProbeContext): Promise<ProbeOutcome> {
  const name = `.envbench-sync-${crypto.randomBytes(4).toString('hex')}`;
  const file = path.join(cwd, name);
  const argv = ['bash', '-c', WAIT_FOR_FILE, 'file-sync', name];
  let output = '';
  let writtenAt: number | null = null;
  let seenAt: number | null = null;
  try {
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
            fs.writeFileSync(file, 'envbench file-sync probe\n');
          }
          if (writtenAt !== null && seenAt === null && /seen/.test(output)) seenAt = performance.now();
        },
      },
    );
    const failed = sampleFailure(argv, outcome, timeoutMs);
    if (failed) return { failure: failed === 'cancelled' ? failed : outcome.exitCode === 3 ? `the environment did not see ${name} within 30 s of the host writing it` : failed };
    if (writtenAt === null || seenAt === null) return { failure: `the environment's answer was not understood: ${output.trim().slice(0, 200) || 'no output'}` };
    return { phases: [{ name: 'visible', ms: seenAt - writtenAt }], measured: outcome };
  } finally {
    fs.rmSync(file, { force: true });
  }
}
