import type { MachineFingerprint } from '../run';

/** What makes two runs' figures comparable as "the same machine": hardware, kernel, OS and arch. */
export function machineKey(machine: MachineFingerprint): string {
  return [...(machine.host ? [`host ${machine.host}`] : []), machine.cpuModel, `${machine.cpuCount} CPUs`, `${Math.round(machine.memoryBytes / 2 ** 30)} GiB`, machine.os, machine.kernel, machine.arch].join(' · ');
}

/** The fingerprint fields in which two machines differ (empty when they are the same machine). */
export function machineDifferences(a: MachineFingerprint, b: MachineFingerprint): string[] {
  const fields: (keyof MachineFingerprint)[] = ['host', 'cpuModel', 'cpuCount', 'memoryBytes', 'os', 'kernel', 'arch', 'cgroupVersion', 'dockerStorageDriver'];
  const differing: string[] = fields.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
  for (const tool of Object.keys(a.tools) as (keyof MachineFingerprint['tools'])[]) {
    if (a.tools[tool] !== b.tools[tool]) differing.push(`tools.${tool}`);
  }
  return differing;
}
