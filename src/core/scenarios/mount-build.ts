import crypto from 'node:crypto';
import { sampleFailure } from '../measure/command-failure';
import type { ProbeContext, ProbeOutcome } from './probe';

/**
 * `go build -o /dev/null ./...` on the workspace as the environment sees it (a bind mount in a
 * container), then on a copy of it inside the environment's own filesystem (the container's /tmp,
 * in its overlay). A constant script; its argument names the copy's folder. The copy is made before
 * the timing (untimed) at the same path in every sample, so the build cache serves both trees alike
 * after the warmup; what differs is reading and hashing the sources through the mount.
 * Prints `phase mounted <ns>` and `phase copy <ns>`.
 */
const SCRIPT = `
set -u
copy="\${TMPDIR:-/tmp}/envbench-mount-build-$1"
trap 'rm -rf "$copy"' EXIT
rm -rf "$copy" && mkdir -p "$copy" && cp -a . "$copy/" || { echo "mount-build: could not copy the workspace to $copy" >&2; exit 4; }
now() { date +%s%N; }
t0=$(now)
go build -o /dev/null ./... || { echo "mount-build: go build failed on the mounted tree" >&2; exit 5; }
echo "phase mounted $(( $(now) - t0 ))"
cd "$copy" || exit 4
t0=$(now)
go build -o /dev/null ./... || { echo "mount-build: go build failed on the copy" >&2; exit 5; }
echo "phase copy $(( $(now) - t0 ))"
`;

const PHASES = ['mounted', 'copy'] as const;

/**
 * The build half of file sync: the same warm build on the workspace through the environment's
 * mount and on a copy inside the environment (phases mounted, copy). On Linux bind mounts cost
 * close to nothing; VM-backed Docker (macOS, Windows) and network filesystems are where it shows.
 */
export async function mountBuild({ session, cwd, timeoutMs, execOptions }: ProbeContext): Promise<ProbeOutcome> {
  const key = crypto.createHash('sha256').update(`${session.runtime}\0${cwd}`).digest('hex').slice(0, 16);
  const argv = ['bash', '-c', SCRIPT, 'mount-build', key];
  const outcome = await session.exec({ argv, cwd }, execOptions);
  const failed = sampleFailure(['bash', '-c', '<mount-build script>', key], outcome, timeoutMs);
  if (failed) return { failure: failed };
  const ns = new Map<string, number>();
  for (const line of outcome.stdout.split('\n')) {
    const match = /^phase (\w+) (\d+)$/.exec(line.trim());
    if (match) ns.set(match[1]!, Number(match[2]));
  }
  if (!PHASES.every((p) => ns.has(p))) return { failure: `the environment's answer was not understood: ${outcome.stdout.trim().slice(0, 200) || 'no output'}` };
  return { phases: PHASES.map((name) => ({ name, ms: ns.get(name)! / 1e6 })), measured: outcome };
}
