// Remote machines EnvBench measures over SSH (`envbench hosts`). Pure types: no Node, no Electron.

/** A host's name as `envbench run --host NAME` takes it. */
export const HOST_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** A machine added with `envbench hosts add NAME ssh://user@host[:port]`. */
export interface HostEntry {
  name: string;
  /** As given, normalised: `ssh://user@host:port` (user and port when given). */
  url: string;
  /** The SSH login; null: OpenSSH's default (the ssh config's User, else the local user). */
  user: string | null;
  hostname: string;
  /** null: OpenSSH's default (the ssh config's Port, else 22). */
  port: number | null;
  /** A private key file for this host (`--identity-file`); null: the agent and ssh config decide. */
  identityFile: string | null;
  /** A known_hosts file for this host (`--known-hosts`); null: OpenSSH's own (~/.ssh/known_hosts). */
  knownHostsFile: string | null;
  addedAt: string;
}

/** One tool on a host, as `hosts doctor` found it. */
export interface HostTool {
  name: 'go' | 'docker' | 'nix' | 'devbox' | 'rsync';
  /** Its version, or null when it is missing or failed. */
  version: string | null;
  /** Why it cannot be used, in one sentence; null when it can. */
  reason: string | null;
}

/** What a real probe over SSH found on a host. */
export interface HostHealth {
  name: string;
  url: string;
  /** Connected, host key checked and login accepted. */
  reachable: boolean;
  /** Why it is not reachable (one line, with what to do); null when it is. */
  reason: string | null;
  /** The SSH round trip of a command that does nothing (`true`), in milliseconds: reported apart, never in a figure. */
  roundTripMs: number | null;
  /** The machine, as on the run's fingerprint: `uname -srm`, CPUs, memory. */
  machine: { kernel: string; arch: string; cpus: number; memoryBytes: number; cpuModel: string } | null;
  tools: HostTool[];
}
