import type { HostEntry, HostHealth, HostTool } from '../../shared/hosts';
import { describeError } from '../user-error';
import { runOverSsh, sshFailure } from './ssh';

/**
 * What the probe runs on the host: a fixed script (nothing of the user's is in it), one
 * `key=value` line per fact. Go is looked for where the login shell would not have it on PATH too
 * (/usr/local/go/bin, as go.dev's installer puts it).
 */
const PROBE_SCRIPT = [
  // go.dev's installer's Go, where `go install` puts tools (gopls, dlv), and Nix's default profile: a login shell's PATH often has them, a command's does not.
  'PATH="$PATH:/usr/local/go/bin:$HOME/go/bin:/nix/var/nix/profiles/default/bin"',
  'echo "kernel=$(uname -sr)"',
  'echo "arch=$(uname -m)"',
  'echo "cpus=$(getconf _NPROCESSORS_ONLN)"',
  // In KiB as the kernel gives it: awk prints a product past 2^31 as 2.52762e+10.
  `echo "memoryKiB=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"`,
  `echo "cpuModel=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"`,
  'echo "home=$HOME"',
  'echo "path=$PATH"',
  'echo "gobin=$(command -v go)"',
  `echo "os=$(. /etc/os-release 2>/dev/null && printf %s "$PRETTY_NAME")"`,
  'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo cgroup=v2; elif [ -d /sys/fs/cgroup ]; then echo cgroup=v1; else echo cgroup=none; fi',
  "echo \"storage=$(docker info --format '{{.Driver}}' 2>/dev/null)\"",
  'v() { out=$("$@" 2>&1); code=$?; printf "%s=%s|%s\\n" "$1" "$code" "$(printf %s "$out" | head -n 1)"; }',
  'v go version',
  "v docker version --format '{{.Server.Version}}'",
  'v nix --version',
  'v devbox version',
  'v rsync --version',
].join('\n');

const TOOL_FIXES: Record<HostTool['name'], string> = {
  go: 'install Go on the host (https://go.dev/dl/) so that `ssh HOST go version` answers',
  docker: 'install Docker Engine on the host and let the SSH user use it (the docker group)',
  nix: 'install Nix on the host',
  devbox: 'install Devbox on the host',
  rsync: 'install rsync on the host (apt-get install rsync): EnvBench syncs the workspace with it',
};

function parseTool(name: HostTool['name'], line: string | undefined): HostTool {
  if (line === undefined) return { name, version: null, reason: `not probed: ${TOOL_FIXES[name]}` };
  const bar = line.indexOf('|');
  const code = Number(line.slice(0, bar));
  const output = line.slice(bar + 1).trim();
  if (code === 127) return { name, version: null, reason: `not installed: ${TOOL_FIXES[name]}` };
  if (code !== 0) return { name, version: null, reason: `\`${name}\` failed on the host (${output || `exit ${code}`}): ${TOOL_FIXES[name]}` };
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? output;
  return { name, version, reason: null };
}

/** A probe's findings, with what a run on the host needs beyond what doctor shows. */
export interface HostProbe extends HostHealth {
  remote: {
    /** $HOME on the host: EnvBench's folder there is $HOME/.cache/envbench-remote. */
    home: string;
    /** The login shell's PATH for commands (with /usr/local/go/bin and Nix's profile added). */
    path: string;
    goBinary: string | null;
    os: string;
    cgroupVersion: 'v1' | 'v2' | 'none';
    dockerStorageDriver: string | null;
  } | null;
}

/** A real probe of a host over SSH: reachable, the machine, and which tools answer there. */
export async function probeHost(host: HostEntry, options: { signal?: AbortSignal } = {}): Promise<HostProbe> {
  const unreachable = (reason: string): HostProbe => ({ name: host.name, url: host.url, reachable: false, reason, roundTripMs: null, machine: null, tools: [], remote: null });
  let outcome;
  try {
    outcome = await runOverSsh(host, ['sh', '-c', PROBE_SCRIPT], { timeoutMs: 30_000, signal: options.signal });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unreachable(code === 'ENOENT' ? 'the ssh client is not installed here (apt-get install openssh-client)' : `ssh could not start: ${describeError(error)}`);
  }
  const failure = sshFailure(host, outcome);
  if (failure) return unreachable(failure);
  if (outcome.code !== 0) return unreachable(`${host.name}: the probe failed on the host (exit ${outcome.code}: ${outcome.stderr.trim().split('\n').at(-1) ?? ''}); is its login shell a POSIX shell?`);
  const facts = new Map<string, string>();
  for (const line of outcome.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) facts.set(line.slice(0, eq), line.slice(eq + 1));
  }
  // The connection is open now (ControlMaster): a command that does nothing costs the round trip alone.
  const trip = await runOverSsh(host, ['true'], { timeoutMs: 30_000, signal: options.signal });
  return {
    name: host.name,
    url: host.url,
    reachable: true,
    reason: null,
    roundTripMs: trip.code === 0 ? Math.round(trip.ms * 10) / 10 : null,
    machine: {
      kernel: facts.get('kernel') ?? 'unknown',
      arch: facts.get('arch') ?? 'unknown',
      cpus: Number(facts.get('cpus')) || 0,
      memoryBytes: (Number(facts.get('memoryKiB')) || 0) * 1024,
      cpuModel: facts.get('cpuModel') || 'unknown',
    },
    tools: (['go', 'docker', 'nix', 'devbox', 'rsync'] as const).map((name) => parseTool(name, facts.get(name))),
    remote: {
      home: facts.get('home') ?? '',
      path: facts.get('path') ?? '/usr/local/bin:/usr/bin:/bin',
      goBinary: facts.get('gobin') || null,
      os: facts.get('os') || 'unknown',
      cgroupVersion: (['v1', 'v2'].includes(facts.get('cgroup') ?? '') ? facts.get('cgroup') : 'none') as 'v1' | 'v2' | 'none',
      dockerStorageDriver: facts.get('storage') || null,
    },
  };
}

/** The host's 1, 5 and 15-minute load averages (/proc/loadavg), for the run's load warning; null when unreadable. */
export async function hostLoadAverage(host: HostEntry): Promise<number[] | null> {
  const read = await runOverSsh(host, ['cat', '/proc/loadavg'], { timeoutMs: 15_000 }).catch(() => null);
  const values = read?.code === 0 ? read.stdout.trim().split(/\s+/).slice(0, 3).map(Number) : [];
  return values.length === 3 && values.every(Number.isFinite) ? values : null;
}

/** What doctor shows of a probe: without the paths a run needs (`remote`). */
export function withoutRemoteFacts(probe: HostProbe): HostHealth {
  const { remote: _remote, ...health } = probe;
  return health;
}
