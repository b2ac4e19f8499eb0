import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './docker';

/**
 * A Docker Engine of the test's own, for faults that must not touch the shared daemon (a full
 * disk, a bridge whose interface is gone) and for `envbench clean`, which removes every EnvBench
 * object on the daemon it talks to. Its data root is a tmpfs of `sizeMb`; it runs in a network
 * namespace of its own (its docker0 is not the host's: a second dockerd in the host's namespace
 * would delete the first one's bridge), with its own exec root, pidfile and socket. Needs root.
 */
export interface PrivateDockerd {
  dir: string;
  dataRoot: string;
  /** For DOCKER_HOST. */
  host: string;
  socketPath: string;
  client: Docker;
  /** dockerd's pid (in the host's PID namespace): `nsenter -t PID -n` reaches its network namespace. */
  pid: number;
  stop(): Promise<void>;
}

export async function startPrivateDockerd(sizeMb = 128): Promise<PrivateDockerd> {
  // Short: unix socket paths are limited to 108 bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-dockerd-'));
  const dataRoot = path.join(dir, 'root');
  const execRoot = path.join(dir, 'exec');
  fs.mkdirSync(dataRoot);
  fs.mkdirSync(execRoot);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dataRoot], { encoding: 'utf8' });
  if (mount.status !== 0) throw new Error(`mount of a tmpfs for a private dockerd failed: ${mount.stderr}`);
  const socketPath = path.join(dir, 'docker.sock');
  const pidfile = path.join(dir, 'dockerd.pid');
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
  spawn(
    'unshare',
    [
      '--net',
      '--fork',
      'dockerd',
      `--data-root=${dataRoot}`,
      `--exec-root=${execRoot}`,
      `--pidfile=${pidfile}`,
      `--host=unix://${socketPath}`,
      '--iptables=false',
      '--ip-masq=false',
      '--storage-driver=vfs',
      `--cgroup-parent=/${path.basename(dir)}`,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  ).unref();
  fs.closeSync(log);
  const client = new Docker({ socketPath });
  let answered = false;
  await waitFor(
    () => {
      if (!answered) void client.ping().then(() => (answered = true), () => {});
      return answered;
    },
    60_000,
    `the private dockerd to answer (log: ${path.join(dir, 'dockerd.log')})`,
  );
  const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
  return {
    dir,
    dataRoot,
    host: `unix://${socketPath}`,
    socketPath,
    client,
    pid,
    async stop() {
      for (const info of await client.listContainers({ all: true }).catch(() => [])) {
        await client.getContainer(info.Id).remove({ force: true, v: true }).catch(() => {});
      }
      try {
        process.kill(pid, 'SIGTERM');
        await waitFor(() => !isAlive(pid), 30_000, 'the private dockerd to stop');
      } catch {
        // Already gone.
      }
      spawnSync('umount', [dataRoot]);
      fs.rmSync(dir, { recursive: true, force: true });
      removeCgroups(path.basename(dir));
    },
  };
}

/** The empty cgroups dockerd made under its --cgroup-parent (v1: one per controller; v2: one). */
function removeCgroups(name: string): void {
  const root = '/sys/fs/cgroup';
  const candidates = [path.join(root, name), ...fs.readdirSync(root).map((controller) => path.join(root, controller, name))];
  const rmdirTree = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) rmdirTree(path.join(dir, entry.name));
    fs.rmdirSync(dir);
  };
  for (const dir of candidates) {
    try {
      if (fs.statSync(dir).isDirectory()) rmdirTree(dir);
    } catch {
      // Not there, or still in use: harmless.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
