import fs from 'node:fs';
import path from 'node:path';
import type { CgroupUsage } from '../../../shared/run';

/**
 * A container's own cgroup counters, read from the host's /sys/fs/cgroup (v1 and v2, cgroupfs
 * and systemd drivers). Deltas over a sample give CPU, peak memory (without page cache) and
 * block I/O of every process in the container, which the per-process helper cannot see (e.g.
 * the Go build cache daemon, or an inner dockerd).
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

/** How often a command's container memory is read: its peak is the largest reading (and the ones at start and end). */
export const MEMORY_SAMPLE_MS = 50;

function readStat(file: string): Map<string, number> {
  const stat = new Map<string, number>();
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key && value !== undefined) stat.set(key, Number(value));
    }
  } catch {
    // No memory controller here.
  }
  return stat;
}

/**
 * The container's memory now, page cache left out: every process's anonymous memory and the
 * kernel's memory charged to the container, without file pages (v2: `memory.current` minus
 * memory.stat's `file`; v1: `memory.usage_in_bytes` minus `total_cache`). Page cache stays
 * charged to a container after the command that read the files has ended, so with it the figure
 * of one command would depend on what ran before it. Null where the memory controller is not readable.
 */
export function readMemoryWithoutPageCache(layout: CgroupLayout): number | null {
  if (layout.version === 2) {
    const dir = layout.dirs.get('')!;
    const current = readNumber(path.join(dir, 'memory.current'));
    const file = readStat(path.join(dir, 'memory.stat')).get('file');
    return current === null || file === undefined ? null : Math.max(0, current - file);
  }
  const memory = layout.dirs.get('memory');
  if (!memory) return null;
  const usage = readNumber(path.join(memory, 'memory.usage_in_bytes'));
  const stat = readStat(path.join(memory, 'memory.stat'));
  const cache = stat.get('total_cache') ?? stat.get('cache');
  return usage === null || cache === undefined ? null : Math.max(0, usage - cache);
}

/**
 * Measures a container's cgroup over one command: start() before it, finish() after. Memory is
 * read every MEMORY_SAMPLE_MS in between (the kernel's own peak counters, memory.peak and
 * memory.max_usage_in_bytes, include page cache, even after a reset).
 */
export class CgroupSampler {
  private before: CgroupCounters | null = null;
  private memoryPeak: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly layout: CgroupLayout | null) {}

  start(): void {
    if (!this.layout) return;
    this.stopSampling();
    this.memoryPeak = null;
    this.sampleMemory();
    this.timer = setInterval(() => this.sampleMemory(), MEMORY_SAMPLE_MS);
    this.timer.unref();
    this.before = readCounters(this.layout);
  }

  finish(): CgroupUsage | undefined {
    this.stopSampling();
    if (!this.layout || !this.before) return undefined;
    const after = readCounters(this.layout);
    this.sampleMemory();
    return {
      cpuMs: (after.cpuNs - this.before.cpuNs) / 1e6,
      memoryPeakBytes: this.memoryPeak,
      ioReadBytes: after.ioReadBytes - this.before.ioReadBytes,
      ioWriteBytes: after.ioWriteBytes - this.before.ioWriteBytes,
    };
  }

  private sampleMemory(): void {
    const now = this.layout ? readMemoryWithoutPageCache(this.layout) : null;
    if (now !== null) this.memoryPeak = Math.max(this.memoryPeak ?? 0, now);
  }

  private stopSampling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
