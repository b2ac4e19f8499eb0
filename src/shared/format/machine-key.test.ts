import { describe, expect, it } from 'vitest';
import type { MachineFingerprint } from '../run';
import { machineDifferences } from './machine-key';

const laptop: MachineFingerprint = {
  cpuModel: 'AMD EPYC',
  cpuCount: 2,
  memoryBytes: 25_276_203_008,
  kernel: '6.18.44',
  os: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'x64',
  cgroupVersion: 'v1',
  dockerStorageDriver: 'overlay2',
  tools: { go: 'go1.26.8', docker: '28.2.2', nix: '2.8.0', devbox: null },
  envbenchVersion: '0.1.0',
  envbenchCommit: null,
};

describe('machineDifferences', () => {
  it('names each differing field with both values, the machine EnvBench ran on as "this machine"', () => {
    const box = { ...laptop, host: 'box (ssh://dev@build-1)', cpuCount: 16, dockerStorageDriver: 'vfs', tools: { ...laptop.tools, docker: '20.10.24', nix: null } };
    expect(machineDifferences(laptop, box)).toEqual(['host: this machine vs box (ssh://dev@build-1)', 'cores: 2 CPUs vs 16 CPUs', 'storage driver: overlay2 vs vfs', 'docker: 28.2.2 vs 20.10.24', 'nix: 2.8.0 vs none']);
  });

  it('counts memory within 0.1 GiB as the same (the kernel and Node total it differently)', () => {
    expect(machineDifferences(laptop, { ...laptop, memoryBytes: laptop.memoryBytes - 3_008 })).toEqual([]);
    expect(machineDifferences(laptop, { ...laptop, memoryBytes: 2 * laptop.memoryBytes })).toEqual(['memory: 23.5 GiB vs 47.1 GiB']);
  });
});
