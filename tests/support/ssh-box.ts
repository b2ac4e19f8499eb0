import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import tarStream from 'tar-stream';
import { ensureBaseImage } from '../../src/core/environments/docker/offline-images';
import { followProgress } from '../../src/core/environments/docker/engine-stream';
import { waitFor } from './docker';

/**
 * A second machine on loopback for the remote-host tests: a container from EnvBench's offline
 * Debian base with openssh-server and rsync (Debian's packages, from the same mirror debootstrap
 * uses), and this machine's Go toolchain mounted read-only at /usr/local/go, where go.dev's
 * installer puts it (not on a non-login shell's PATH: EnvBench has to find it there). It accepts
 * SSH on a loopback port for the user `dev`, with a key pair and a host key generated per box;
 * `knownHostsFile` holds that host key, so OpenSSH's strict checking applies as on a real host.
 */
export interface SshBox {
  /** ssh://dev@127.0.0.1:PORT */
  url: string;
  port: number;
  identityFile: string;
  knownHostsFile: string;
  /** A known_hosts file with another key for the same address: the host must be refused. */
  wrongKnownHostsFile: string;
  container: string;
  dir: string;
  /** Runs a command in the box as root (docker exec), for checks behind EnvBench's back. */
  exec(argv: string[]): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

const BOX_DOCKERFILE = [
  'FROM envbench/debian-base:bookworm',
  'RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openssh-server rsync >/dev/null && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd && useradd -m -s /bin/bash dev',
  '',
].join('\n');
const BOX_IMAGE = `envbench-test/ssh-box:${crypto.createHash('sha256').update(BOX_DOCKERFILE).digest('hex').slice(0, 12)}`;

async function ensureBoxImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(BOX_IMAGE).inspect();
    return;
  } catch {
    // Build it below.
  }
  await ensureBaseImage(docker, () => {});
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, BOX_DOCKERFILE);
  pack.finalize();
  // Not labelled envbench.managed: `envbench clean` in a test must not remove the box.
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: BOX_IMAGE, labels: { 'envbench-test': 'ssh-box' }, forcerm: true });
  await followProgress(docker, stream, () => {});
}

function keygen(file: string, comment: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

export async function startSshBox(): Promise<SshBox> {
  const docker = new Docker();
  await ensureBoxImage(docker);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-sshbox-'));
  const boxDir = path.join(dir, 'box');
  fs.mkdirSync(boxDir, { mode: 0o755 });
  const identityFile = path.join(dir, 'id_ed25519');
  keygen(identityFile, 'envbench-test-client');
  keygen(path.join(boxDir, 'ssh_host_ed25519_key'), 'envbench-test-box');
  keygen(path.join(dir, 'other_host_key'), 'envbench-test-impostor');
  fs.copyFileSync(`${identityFile}.pub`, path.join(boxDir, 'authorized_keys'));
  fs.chmodSync(path.join(boxDir, 'authorized_keys'), 0o644);
  const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
  const name = `envbench-test-sshbox-${crypto.randomBytes(4).toString('hex')}`;
  const container = await docker.createContainer({
    name,
    Image: BOX_IMAGE,
    Labels: { 'envbench-test': 'ssh-box' },
    Cmd: ['/usr/sbin/sshd', '-D', '-e', '-h', '/etc/envbench-box/ssh_host_ed25519_key', '-o', 'AuthorizedKeysFile=/etc/envbench-box/authorized_keys', '-o', 'PasswordAuthentication=no'],
    ExposedPorts: { '22/tcp': {} },
    HostConfig: {
      Binds: [`${boxDir}:/etc/envbench-box:ro`, `${goroot}:/usr/local/go:ro`],
      PortBindings: { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      AutoRemove: false,
    },
  });
  await container.start();
  const info = await container.inspect();
  const port = Number(info.NetworkSettings.Ports['22/tcp']?.[0]?.HostPort);
  const hostKey = fs.readFileSync(path.join(boxDir, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const otherKey = fs.readFileSync(path.join(dir, 'other_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const knownHostsFile = path.join(dir, 'known_hosts');
  const wrongKnownHostsFile = path.join(dir, 'known_hosts.wrong');
  fs.writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKey}\n`);
  fs.writeFileSync(wrongKnownHostsFile, `[127.0.0.1]:${port} ${otherKey}\n`);
  const sshTrue = (): boolean =>
    spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'IdentitiesOnly=yes', '-i', identityFile, '-p', String(port), 'dev@127.0.0.1', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  await waitFor(sshTrue, 30_000, `sshd in ${name} to accept the test key`);
  return {
    url: `ssh://dev@127.0.0.1:${port}`,
    port,
    identityFile,
    knownHostsFile,
    wrongKnownHostsFile,
    container: name,
    dir,
    exec: (argv) => {
      const result = spawnSync('docker', ['exec', name, ...argv], { encoding: 'utf8', timeout: 60_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    async stop() {
      await docker.getContainer(name).remove({ force: true }).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
