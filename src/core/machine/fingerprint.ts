import fs from 'node:fs';
import os from 'node:os';
import type { MachineFingerprint } from '../../shared/run';
import { probe, toolVersion } from './tool-version';
import { devboxBinary } from './devbox-binary';

export interface EnvbenchBuild {
  version: string;
  commit: string | null;
}

function readFileOrNull(p: string): string | null {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function osName(): string {
  const release = readFileOrNull('/etc/os-release');
  const pretty = release && /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release);
  return pretty ? pretty[1]! : `${os.type()} ${os.release()}`;
}

export function cgroupVersion(): MachineFingerprint['cgroupVersion'] {
  if (process.platform !== 'linux') return 'none';
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  return fs.existsSync('/sys/fs/cgroup') ? 'v1' : 'none';
}

async function dockerStorageDriver(): Promise<string | null> {
  const info = await probe('docker', ['info', '--format', '{{.Driver}}'], 3_000);
  const driver = info.stdout.trim();
  return info.ok && driver ? driver : null;
}

/** What a reader needs to judge whether two runs are comparable. Probes run in parallel, each with a timeout. */
export async function machineFingerprint(build: EnvbenchBuild): Promise<MachineFingerprint> {
  const [go, docker, nix, devbox, storage] = await Promise.all([
    toolVersion('go', ['version']),
    toolVersion('docker', ['--version']),
    toolVersion('nix', ['--version']),
    toolVersion(devboxBinary().program, ['version']),
    dockerStorageDriver(),
  ]);
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    os: osName(),
    arch: process.arch,
    cgroupVersion: cgroupVersion(),
    dockerStorageDriver: storage,
    tools: { go, docker, nix, devbox },
    envbenchVersion: build.version,
    envbenchCommit: build.commit,
  };
}
