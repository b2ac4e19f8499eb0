import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { instanceKey } from '../../src/core/data-paths';
import { hasTool } from './require-runtime';

/** Docker Engine answering: skips outside CI when absent, fails in CI (.ci/run starts dockerd). */
export function haveDockerEngine(): boolean {
  return hasTool('docker', ['info']);
}

export function managedContainers(runtime?: string): string[] {
  const filters = ['--filter', 'label=envbench.managed=true', ...(runtime ? ['--filter', `label=envbench.runtime=${runtime}`] : [])];
  const result = spawnSync('docker', ['ps', '-aq', ...filters], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

export function managedVolumesWithOwner(): string[] {
  const result = spawnSync('docker', ['volume', 'ls', '-q', '--filter', 'label=envbench.managed=true', '--filter', 'label=envbench.owner'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * Removes the Go build cache volumes of the EnvBench installations these data directories were
 * (a test file's, when it ends): each directory is an installation with volumes of its own, and
 * a CI run left some 30 of them (about 10 GB) on the shared daemon. Images stay: the next file
 * takes one over in a second instead of building it.
 */
export function removeCacheVolumesOf(dataDirs: string[]): void {
  if (dataDirs.length === 0) return;
  const instances = new Set(dataDirs.map(instanceKey));
  const listed = spawnSync('docker', ['volume', 'ls', '--filter', 'label=envbench.kind=cache-volume', '--format', '{{.Name}} {{.Label "envbench.instance"}}'], { encoding: 'utf8', timeout: 30_000 });
  if (listed.status !== 0) return; // no Docker here
  const names = listed.stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([name, instance]) => name && instance && instances.has(instance))
    .map(([name]) => name!);
  if (names.length > 0) spawnSync('docker', ['volume', 'rm', ...names], { stdio: 'ignore', timeout: 120_000 });
}

/**
 * This machine's dockerd: of every process named dockerd, the one in this process's PID namespace
 * (a DinD outer container's or a test box's own dockerd shows in `pidof` too, and is not it).
 */
export function dockerdPid(): number | null {
  const result = spawnSync('pidof', ['dockerd'], { encoding: 'utf8' });
  const namespace = (pid: number | 'self'): string | null => {
    try {
      return fs.readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      return null;
    }
  };
  const ours = namespace('self');
  const pids = result.stdout.trim().split(/\s+/).map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
  return pids.find((pid) => namespace(pid) === ours) ?? null;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts dockerd in the background the way .ci/run does, and waits until it answers. */
export async function startDockerd(logFile = '/var/log/envbench-test-dockerd.log'): Promise<void> {
  const log = fs.openSync(logFile, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  await waitFor(() => spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0, 60_000, 'dockerd to answer');
}
