import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import tarStream from 'tar-stream';
import { withheldCapabilities } from '../../src/core/environments/dind/dind-image';
import { ensureBaseImage } from '../../src/core/environments/docker/offline-images';
import { followProgress } from '../../src/core/environments/docker/engine-stream';
import { waitFor } from './docker';

/**
 * A second machine on loopback for the remote-host tests: a container from EnvBench's offline
 * Debian base with openssh-server and rsync (Debian's packages, from the same mirror debootstrap
 * uses), and this machine's Go toolchain mounted read-only at /usr/local/go (gopls and dlv in ~/go/bin), where go.dev's
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

/** The box's packages: an SSH server and rsync; with `docker`, Debian's Docker Engine too (docker.io, as on this machine). */
function boxDockerfile(docker: boolean): string {
  const packages = ['openssh-server', 'rsync', ...(docker ? ['docker.io'] : [])];
  return [
    'FROM envbench/debian-base:bookworm',
    // The base's envbench.managed=true would otherwise pass to the box: `envbench clean` in a test must not remove it.
    'LABEL envbench.managed=false envbench.kind=test-box',
    `RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ${packages.join(' ')} >/dev/null && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd && useradd -m -s /bin/bash dev && install -d -o dev -g dev /home/dev/go /home/dev/go/bin${docker ? ' && groupadd -f docker && usermod -aG docker dev' : ''}`,
    '',
  ].join('\n');
}

async function ensureBoxImage(docker: Docker, withDocker: boolean): Promise<string> {
  const dockerfile = boxDockerfile(withDocker);
  const image = `envbench-test/ssh-box:${crypto.createHash('sha256').update(dockerfile).digest('hex').slice(0, 12)}`;
  try {
    await docker.getImage(image).inspect();
    return image;
  } catch {
    // Build it below.
  }
  await ensureBaseImage(docker, () => {});
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  pack.finalize();
  // Not labelled envbench.managed: `envbench clean` in a test must not remove the box.
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: image, labels: { 'envbench-test': 'ssh-box' }, forcerm: true });
  await followProgress(docker, stream, () => {});
  return image;
}

export interface SshBoxOptions {
  /** This machine's Go at /usr/local/go (default); false: a host without Go. */
  go?: boolean;
  /**
   * A Docker Engine of the box's own (Debian's docker.io), run as DinD's capability fallback runs
   * one (all capabilities, no seccomp or AppArmor, the cgroup tree writable), reached by EnvBench
   * over SSH like any remote engine. The SSH user is in the docker group.
   */
  docker?: boolean;
}

function keygen(file: string, comment: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

/** This machine's gopls and dlv (as `go install` put them), in the box user's ~/go/bin where `go install` would put them there. */
function goTools(): string[] {
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout.trim().split(path.delimiter)[0] ?? '';
  return ['gopls', 'dlv'].map((tool) => path.join(gopath, 'bin', tool)).filter((file) => fs.existsSync(file)).map((file) => `${file}:/home/dev/go/bin/${path.basename(file)}:ro`);
}

export async function startSshBox(options: SshBoxOptions = {}): Promise<SshBox> {
  const docker = new Docker();
  const image = await ensureBoxImage(docker, options.docker ?? false);
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
  const sshd = ['/usr/sbin/sshd', '-D', '-e', '-h', '/etc/envbench-box/ssh_host_ed25519_key', '-o', 'AuthorizedKeysFile=/etc/envbench-box/authorized_keys', '-o', 'PasswordAuthentication=no'];
  // dockerd in the background (its log in /var/log/dockerd.log), sshd in front; a fixed script, the commands its arguments.
  const cmd = options.docker ? ['sh', '-c', 'dockerd --iptables=false --exec-opt native.cgroupdriver=cgroupfs >/var/log/dockerd.log 2>&1 & exec "$@"', 'box', ...sshd] : sshd;
  const container = await docker.createContainer({
    name,
    Image: image,
    Labels: { 'envbench-test': 'ssh-box' },
    Cmd: cmd,
    ExposedPorts: { '22/tcp': {} },
    HostConfig: {
      Binds: [`${boxDir}:/etc/envbench-box:ro`, ...(options.go === false ? [] : [`${goroot}:/usr/local/go:ro`, ...goTools()]), ...(options.docker ? ['/sys/fs/cgroup:/sys/fs/cgroup:rw'] : [])],
      PortBindings: { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      AutoRemove: false,
      ...(options.docker
        ? {
            Mounts: [{ Type: 'volume' as const, Target: '/var/lib/docker' }],
            // DinD's capability fallback: ALL minus what this machine's bounding set withholds (--privileged may be refused).
            CapAdd: ['ALL'],
            CapDrop: withheldCapabilities(),
            SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
            MaskedPaths: [],
            ReadonlyPaths: [],
          }
        : {}),
    } as Docker.HostConfig,
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
  if (options.docker) {
    const dockerUp = (): boolean => spawnSync('docker', ['exec', '-u', 'dev', name, 'docker', 'version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    await waitFor(dockerUp, 60_000, `the Docker Engine in ${name} to answer its SSH user`);
  }
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
      await docker.getContainer(name).remove({ force: true, v: true }).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
