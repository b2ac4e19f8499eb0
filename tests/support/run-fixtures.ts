import type { MachineFingerprint, RunJson } from '../../src/shared/run';

// The run pieces tests build by hand, in one place: a test names only the fields it is about.

/** A machine fingerprint of no machine in particular; `overrides` replace its fields. */
export function testMachine(overrides: Partial<MachineFingerprint> = {}): MachineFingerprint {
  return {
    cpuModel: 'c',
    cpuCount: 1,
    memoryBytes: 1,
    kernel: 'k',
    os: 'o',
    arch: 'x64',
    cgroupVersion: 'v2',
    dockerStorageDriver: null,
    tools: { go: null, docker: null, nix: null, devbox: null },
    envbenchVersion: 't',
    envbenchCommit: null,
    ...overrides,
  };
}

/**
 * A completed run with no results, as the history stores it before its table is derived
 * (withRunTable / buildRunTable add it); `overrides` replace its fields.
 */
export function testRun(overrides: Partial<Omit<RunJson, 'table'>> = {}): Omit<RunJson, 'table'> {
  return {
    id: 'r1',
    status: 'completed',
    startedAt: '2026-05-01T10:00:00.000Z',
    finishedAt: null,
    workspace: { path: '/m', module: 'example.com/m', goVersion: null },
    machine: testMachine(),
    options: { runtimes: ['native'], scenarios: [], runs: 10, warmup: 1, offline: false, timeoutMs: 1 },
    results: [],
    comparisons: [],
    maintenance: [],
    ...overrides,
  };
}
