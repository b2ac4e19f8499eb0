import { formatBytes } from '../../shared/format/units';
import type { HostHealth } from '../../shared/hosts';
import { defaultDataDir } from '../../core/data-paths';
import { probeHost, withoutRemoteFacts } from '../../core/hosts/host-doctor';
import { HostRegistry } from '../../core/hosts/host-registry';
import { UserError } from '../../core/user-error';
import { terminalWidth, textTable } from '../format/text-table';
import { jsonTarget, writeJson } from '../run-outputs';

export interface HostsAddOptions {
  identityFile?: string;
  knownHosts?: string;
  /** --no-check: add without connecting. */
  check?: boolean;
}

function registry(): HostRegistry {
  return new HostRegistry(defaultDataDir());
}

/** `envbench hosts add NAME URL`: checked by a real connection first (unless --no-check); nothing is saved when it fails. */
export async function hostsAddCommand(name: string, url: string, options: HostsAddOptions): Promise<number> {
  const hosts = registry();
  const entry = hosts.preview({ name, url, identityFile: options.identityFile, knownHostsFile: options.knownHosts });
  if (options.check !== false) {
    const health = await probeHost(entry);
    if (!health.reachable) throw new UserError(`Not adding ${name}`, health.reason ?? 'it did not answer', 'Fix that and add it again, or pass --no-check to add it without connecting');
    hosts.save(entry);
    process.stdout.write(`Added ${entry.name} (${entry.url}): ${describeMachine(health)}.\n`);
    writeTools(health);
    return 0;
  }
  hosts.save(entry);
  process.stdout.write(`Added ${entry.name} (${entry.url}) without connecting; \`envbench hosts doctor ${entry.name}\` checks it.\n`);
  return 0;
}

export function hostsListCommand(options: { json?: string | boolean }): number {
  const list = registry().list();
  const json = jsonTarget(options.json);
  if (json) {
    writeJson(json, list);
    return 0;
  }
  if (list.length === 0) {
    process.stdout.write('No hosts. Add one with `envbench hosts add NAME ssh://user@host[:port]`.\n');
    return 0;
  }
  const rows = list.map((h) => [h.name, h.url, h.identityFile ?? '(agent, ssh config)', h.knownHostsFile ?? '~/.ssh/known_hosts']);
  process.stdout.write(textTable(['NAME', 'URL', 'KEY', 'KNOWN HOSTS'], rows, { width: terminalWidth() }) + '\n');
  return 0;
}

export function hostsRemoveCommand(name: string): number {
  const removed = registry().remove(name);
  process.stdout.write(`Removed ${removed.name} (${removed.url}). What EnvBench left on it stays there: remove ~/.cache/envbench-remote on the host to free it.\n`);
  return 0;
}

/** `envbench hosts doctor NAME`: a real probe; exit 1 when the host cannot be reached. */
export async function hostsDoctorCommand(name: string, options: { json?: string | boolean }): Promise<number> {
  const host = registry().get(name);
  const health = await probeHost(host);
  const json = jsonTarget(options.json);
  if (json) {
    writeJson(json, withoutRemoteFacts(health));
    return health.reachable ? 0 : 1;
  }
  if (!health.reachable) {
    process.stderr.write(`envbench: ${health.reason}\n`);
    return 1;
  }
  process.stdout.write(`${host.name} (${host.url}): ${describeMachine(health)}; SSH round trip ${health.roundTripMs ?? '?'} ms (never part of a figure).\n`);
  writeTools(health);
  return 0;
}

function describeMachine(health: HostHealth): string {
  const m = health.machine;
  if (!m) return 'reachable';
  return `${m.kernel} ${m.arch}, ${m.cpus} CPUs (${m.cpuModel}), ${formatBytes(m.memoryBytes)}`;
}

function writeTools(health: HostHealth): void {
  const rows = health.tools.map((t) => [t.name, t.reason ? 'unavailable' : 'available', t.version ?? '-', t.reason ?? '']);
  process.stdout.write(textTable(['TOOL', 'STATUS', 'VERSION', 'REASON'], rows, { width: terminalWidth() }) + '\n');
}
