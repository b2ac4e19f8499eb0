import fs from 'node:fs';
import path from 'node:path';
import type { CgroupUsage } from '../../shared/run';

/**
 * A container's own cgroup counters, read from the host's /sys/fs/cgroup (v1 and v2, cgroupfs
 * and systemd drivers). Deltas over a sample give CPU, peak memory and block I/O of every
 * process in the container, which the per-process helper cannot see (e.g. the Go build cache
 * daemon, or an inner dockerd).
 */
export interface CgroupCounters {
  cpuNs: number;
  ioReadBytes: number;
  ioWriteBytes: number;
}

interface CgroupLayout {
  version: 1 | 2;
  /** v1: controller name -> directory; v2: the single unified directory under key "". */
  dirs: Map<string, string>;
}

const ROOT = '/sys/fs/cgroup';

function firstExisting(candidates: string[]): string | null {
  return candidates.find((dir) => fs.existsSync(dir)) ?? null;
}

function readNumber(file: string): number | null {
  try {
    const value = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

export function locateContainerCgroup(containerId: string, root = ROOT): CgroupLayout | null {
  const relatives = [path.join('docker', containerId), path.join('system.slice', `docker-${containerId}.scope`)];
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    const dir = firstExisting(relatives.map((r) => path.join(root, r)));
    return dir ? { version: 2, dirs: new Map([['', dir]]) } : null;
  }
  const dirs = new Map<string, string>();
  for (const controller of ['cpuacct', 'memory', 'blkio']) {
    const base = firstExisting([path.join(root, controller), path.join(root, 'cpu,cpuacct')]);
    if (!base) continue;
    const dir = firstExisting(relatives.map((r) => path.join(base, r)));
    if (dir) dirs.set(controller, dir);
  }
  return dirs.size > 0 ? { version: 1, dirs } : null;
}

function v1Io(file: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [, op, value] = line.trim().split(/\s+/);
      if (op === 'Read') read += Number(value);
      else if (op === 'Write') write += Number(value);
    }
  } catch {
    // No block I/O accounting here.
  }
  return { read, write };
}

function v2Io(file: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      for (const field of line.trim().split(/\s+/).slice(1)) {
        const [key, value] = field.split('=');
        if (key === 'rbytes') read += Number(value);
        else if (key === 'wbytes') write += Number(value);
      }
    }
  } catch {
    // No io controller delegated.
  }
  return { read, write };
}

export function readCounters(layout: CgroupLayout): CgroupCounters {
  if (layout.version === 2) {
    const dir = layout.dirs.get('')!;
    let cpuUsec = 0;
    try {
      const match = /^usage_usec (\d+)/m.exec(fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8'));
      cpuUsec = match ? Number(match[1]) : 0;
    } catch {
      // cpu.stat is always there on v2; keep 0 if not.
    }
    const io = v2Io(path.join(dir, 'io.stat'));
    return { cpuNs: cpuUsec * 1000, ioReadBytes: io.read, ioWriteBytes: io.write };
  }
  const cpu = layout.dirs.get('cpuacct');
  const blkio = layout.dirs.get('blkio');
  const io = blkio ? v1Io(path.join(blkio, 'blkio.throttle.io_service_bytes')) : { read: 0, write: 0 };
  return { cpuNs: cpu ? (readNumber(path.join(cpu, 'cpuacct.usage')) ?? 0) : 0, ioReadBytes: io.read, ioWriteBytes: io.write };
}

/** Resets the peak-memory watermark so the next reading covers one sample; false where the kernel cannot. */
export function resetMemoryPeak(layout: CgroupLayout): boolean {
  try {
    if (layout.version === 1) {
      const memory = layout.dirs.get('memory');
      if (!memory) return false;
      fs.writeFileSync(path.join(memory, 'memory.max_usage_in_bytes'), '0');
      return true;
    }
    // Writing to memory.peak resets it for this file descriptor's reader only on Linux >= 6.12;
    // older kernels refuse, and the peak then covers the container's life so far.
    fs.writeFileSync(path.join(layout.dirs.get('')!, 'memory.peak'), '0');
    return true;
  } catch {
    return false;
  }
}

export function readMemoryPeak(layout: CgroupLayout): number | null {
  if (layout.version === 1) {
    const memory = layout.dirs.get('memory');
    return memory ? readNumber(path.join(memory, 'memory.max_usage_in_bytes')) : null;
  }
  return readNumber(path.join(layout.dirs.get('')!, 'memory.peak'));
}

/** Measures a container's cgroup over one command: start() before it, finish() after. */
export class CgroupSampler {
  private before: CgroupCounters | null = null;
  private peakReset = false;

  constructor(private readonly layout: CgroupLayout | null) {}

  start(): void {
    if (!this.layout) return;
    this.peakReset = resetMemoryPeak(this.layout);
    this.before = readCounters(this.layout);
  }

  finish(): CgroupUsage | undefined {
    if (!this.layout || !this.before) return undefined;
    const after = readCounters(this.layout);
    return {
      cpuMs: (after.cpuNs - this.before.cpuNs) / 1e6,
      memoryPeakBytes: this.peakReset ? readMemoryPeak(this.layout) : null,
      ioReadBytes: after.ioReadBytes - this.before.ioReadBytes,
      ioWriteBytes: after.ioWriteBytes - this.before.ioWriteBytes,
    };
  }
}
