import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsOfThisFile } from '../../../../tests/support/temp-dirs';
import { CgroupSampler, locateContainerCgroup, MEMORY_SAMPLE_MS, readCounters, readMemoryWithoutPageCache } from './cgroup-usage';

const tempDir = tempDirsOfThisFile('envbench-cgroup-');

function tree(files: Record<string, string>): string {
  const root = tempDir();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

const id = 'abc123';
const MiB = 1024 * 1024;

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

  it('gives deltas over a sample and the peak memory without page cache (v1)', () => {
    const memory = `memory/docker/${id}`;
    const root = tree({
      [`cpuacct/docker/${id}/cpuacct.usage`]: '1000000\n',
      // 300 MiB of page cache left by an earlier command: charged, but not this command's memory.
      [`${memory}/memory.usage_in_bytes`]: `${310 * MiB}\n`,
      [`${memory}/memory.stat`]: `cache ${300 * MiB}\nrss ${10 * MiB}\ntotal_cache ${300 * MiB}\ntotal_rss ${10 * MiB}\n`,
      [`${memory}/memory.max_usage_in_bytes`]: `${310 * MiB}\n`,
    });
    const sampler = new CgroupSampler(locateContainerCgroup(id, root));
    sampler.start();
    fs.writeFileSync(path.join(root, `cpuacct/docker/${id}/cpuacct.usage`), '301000000\n');
    fs.writeFileSync(path.join(root, `${memory}/memory.usage_in_bytes`), `${350 * MiB}\n`);
    fs.writeFileSync(path.join(root, `${memory}/memory.stat`), `cache ${300 * MiB}\ntotal_cache ${300 * MiB}\ntotal_rss ${50 * MiB}\n`);
    expect(sampler.finish()).toEqual({ cpuMs: 300, memoryPeakBytes: 50 * MiB, ioReadBytes: 0, ioWriteBytes: 0 });
  });

  it('takes the largest reading while the command runs, not the one at its end (v2)', async () => {
    const dir = `system.slice/docker-${id}.scope`;
    const root = tree({
      'cgroup.controllers': 'cpu io memory\n',
      [`${dir}/cpu.stat`]: 'usage_usec 0\n',
      [`${dir}/memory.current`]: `${500 * MiB}\n`,
      [`${dir}/memory.stat`]: `anon ${5 * MiB}\nfile ${495 * MiB}\nkernel ${0}\n`,
    });
    const layout = locateContainerCgroup(id, root)!;
    expect(readMemoryWithoutPageCache(layout)).toBe(5 * MiB);
    const sampler = new CgroupSampler(layout);
    sampler.start();
    fs.writeFileSync(path.join(root, `${dir}/memory.current`), `${620 * MiB}\n`);
    fs.writeFileSync(path.join(root, `${dir}/memory.stat`), `anon ${125 * MiB}\nfile ${495 * MiB}\n`);
    await new Promise((resolve) => setTimeout(resolve, MEMORY_SAMPLE_MS * 3));
    fs.writeFileSync(path.join(root, `${dir}/memory.current`), `${500 * MiB}\n`);
    fs.writeFileSync(path.join(root, `${dir}/memory.stat`), `anon ${5 * MiB}\nfile ${495 * MiB}\n`);
    expect(sampler.finish()?.memoryPeakBytes).toBe(125 * MiB);
  });

  it('reports no memory where the memory controller is not readable', () => {
    const sampler = new CgroupSampler(locateContainerCgroup(id, tree({ [`cpuacct/docker/${id}/cpuacct.usage`]: '1\n' })));
    sampler.start();
    expect(sampler.finish()?.memoryPeakBytes).toBeNull();
  });

  it('finds nothing for an unknown container', () => {
    expect(locateContainerCgroup('nope', tree({ 'cpuacct/docker/other/cpuacct.usage': '1' }))).toBeNull();
  });
});
