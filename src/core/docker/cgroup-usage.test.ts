import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CgroupSampler, locateContainerCgroup, readCounters } from './cgroup-usage';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-cgroup-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

const id = 'abc123';

describe('container cgroup counters', () => {
  it('reads cgroup v1 (cgroupfs driver)', () => {
    const root = tree({
      [`cpuacct/docker/${id}/cpuacct.usage`]: '2500000000\n',
      [`memory/docker/${id}/memory.max_usage_in_bytes`]: '104857600\n',
      [`blkio/docker/${id}/blkio.throttle.io_service_bytes`]: '8:0 Read 4096\n8:0 Write 8192\n8:16 Read 4096\n8:0 Total 12288\nTotal 16384\n',
    });
    const layout = locateContainerCgroup(id, root)!;
    expect(layout.version).toBe(1);
    expect(readCounters(layout)).toEqual({ cpuNs: 2.5e9, ioReadBytes: 8192, ioWriteBytes: 8192 });
  });

  it('reads cgroup v2 (systemd driver)', () => {
    const root = tree({
      'cgroup.controllers': 'cpu io memory\n',
      [`system.slice/docker-${id}.scope/cpu.stat`]: 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n',
      [`system.slice/docker-${id}.scope/io.stat`]: '8:0 rbytes=1000 wbytes=2000 rios=1 wios=2\n8:16 rbytes=10 wbytes=20 rios=1 wios=1\n',
      [`system.slice/docker-${id}.scope/memory.peak`]: '5000\n',
    });
    const layout = locateContainerCgroup(id, root)!;
    expect(layout.version).toBe(2);
    expect(readCounters(layout)).toEqual({ cpuNs: 1.5e9, ioReadBytes: 1010, ioWriteBytes: 2020 });
  });

  it('gives deltas over a sample and the peak after resetting it', () => {
    const root = tree({ [`cpuacct/docker/${id}/cpuacct.usage`]: '1000000\n', [`memory/docker/${id}/memory.max_usage_in_bytes`]: '999\n' });
    const sampler = new CgroupSampler(locateContainerCgroup(id, root));
    sampler.start();
    expect(fs.readFileSync(path.join(root, `memory/docker/${id}/memory.max_usage_in_bytes`), 'utf8')).toBe('0');
    fs.writeFileSync(path.join(root, `cpuacct/docker/${id}/cpuacct.usage`), '301000000\n');
    fs.writeFileSync(path.join(root, `memory/docker/${id}/memory.max_usage_in_bytes`), '4096\n');
    expect(sampler.finish()).toEqual({ cpuMs: 300, memoryPeakBytes: 4096, ioReadBytes: 0, ioWriteBytes: 0 });
  });

  it('finds nothing for an unknown container', () => {
    expect(locateContainerCgroup('nope', tree({ 'cpuacct/docker/other/cpuacct.usage': '1' }))).toBeNull();
  });
});
