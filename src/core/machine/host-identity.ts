import fs from 'node:fs';

/**
 * What tells this machine, this boot and this PID namespace apart from others that may share a
 * Docker daemon (over TCP, or a socket mounted into a container): a PID and a process start time
 * only mean something inside the kernel boot and PID namespace they were read in.
 */
export interface HostIdentity {
  /** /etc/machine-id (or D-Bus's copy); '' when the machine has none (many containers). */
  machineId: string;
  /** /proc/sys/kernel/random/boot_id: a new random id at every boot, the same in every namespace. */
  bootId: string;
  /** The inode of /proc/self/ns/pid, e.g. "4026531836"; '' when it cannot be read. */
  pidNamespace: string;
}

function readFirstLine(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n')[0]?.trim() ?? '';
  } catch {
    return '';
  }
}

let cached: HostIdentity | null = null;

export function currentHostIdentity(): HostIdentity {
  if (cached) return cached;
  let pidNamespace = '';
  try {
    pidNamespace = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? '';
  } catch {
    // Not Linux, or /proc is not mounted: no namespace to compare.
  }
  cached = {
    machineId: readFirstLine('/etc/machine-id') || readFirstLine('/var/lib/dbus/machine-id'),
    bootId: readFirstLine('/proc/sys/kernel/random/boot_id'),
    pidNamespace,
  };
  return cached;
}
