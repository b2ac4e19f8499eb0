import type { MachineFingerprint } from '../run';

/** What makes two runs' figures comparable as "the same machine": hardware, kernel, OS and arch. */
export function machineKey(machine: MachineFingerprint): string {
  return [...(machine.host ? [`host ${machine.host}`] : []), machine.cpuModel, `${machine.cpuCount} CPUs`, `${Math.round(machine.memoryBytes / 2 ** 30)} GiB`, machine.os, machine.kernel, machine.arch].join(' · ');
}

const GiB = 2 ** 30;

/** The host's name in a fingerprint's `host` (`box (ssh://dev@build-1)` -> `box`). */
export function hostNameOf(host: string): string {
  return host.split(' ')[0]!;
}

/** A fingerprint field as a person reads it: absent values and the machine EnvBench ran on named, memory in GiB. */
function describeField(field: keyof MachineFingerprint, machine: MachineFingerprint): string {
  const value = machine[field];
  if (field === 'host') return machine.host ?? 'this machine';
  if (field === 'memoryBytes') return `${(machine.memoryBytes / GiB).toFixed(1)} GiB`;
  if (field === 'cpuCount') return `${machine.cpuCount} CPUs`;
  return value === null || value === undefined || value === '' ? 'none' : String(value);
}

/**
 * How two machines differ, one entry per differing fingerprint field with both values
 * (`host: this machine vs box (ssh://dev@build-1)`, `docker: 28.2.2 vs 20.10.24`); empty when
 * they are the same machine. Memory counts as equal within 0.1 GiB (the kernel's and Node's totals differ by pages).
 */
export function machineDifferences(a: MachineFingerprint, b: MachineFingerprint): string[] {
  const fields: [keyof MachineFingerprint, string][] = [
    ['host', 'host'],
    ['cpuModel', 'CPU'],
    ['cpuCount', 'cores'],
    ['memoryBytes', 'memory'],
    ['os', 'OS'],
    ['kernel', 'kernel'],
    ['arch', 'arch'],
    ['cgroupVersion', 'cgroups'],
    ['dockerStorageDriver', 'storage driver'],
  ];
  const differing: string[] = [];
  for (const [field, label] of fields) {
    const same = field === 'memoryBytes' ? Math.abs(a.memoryBytes - b.memoryBytes) < 0.1 * GiB : JSON.stringify(a[field] ?? null) === JSON.stringify(b[field] ?? null);
    if (!same) differing.push(`${label}: ${describeField(field, a)} vs ${describeField(field, b)}`);
  }
  for (const tool of Object.keys(a.tools) as (keyof MachineFingerprint['tools'])[]) {
    if (a.tools[tool] !== b.tools[tool]) differing.push(`${tool}: ${a.tools[tool] ?? 'none'} vs ${b.tools[tool] ?? 'none'}`);
  }
  return differing;
}
