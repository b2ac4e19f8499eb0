import crypto from 'node:crypto';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../src/shared/run';
import { instanceKey } from '../src/core/data-paths';
import { locateContainerCgroup } from '../src/core/environments/docker/cgroup-usage';
import { DockerRuntime } from '../src/core/environments/docker/docker';
import type { RuntimeSession } from '../src/core/environments/runtime';
import { RESOURCES, tempDataDir, writeGoModule } from './support/envbench-cli';
import { haveDockerEngine } from './support/docker';

// Issue 13, container memory: page cache an earlier command left in the container is not the
// next command's memory. Against the real Docker Engine and the host's cgroups.

const haveDocker = haveDockerEngine();
const MiB = 1024 * 1024;
const BIG_FILE_MIB = 256;

/** Everything the container's cgroup holds now, page cache included (what the kernel's peak counters count). */
function chargedBytes(containerId: string): number {
  const layout = locateContainerCgroup(containerId);
  if (!layout) throw new Error(`no cgroup found for container ${containerId}`);
  const dir = layout.version === 2 ? layout.dirs.get('')! : layout.dirs.get('memory')!;
  const file = layout.version === 2 ? 'memory.current' : 'memory.usage_in_bytes';
  const result = spawnSync('cat', [path.join(dir, file)], { encoding: 'utf8' });
  return Number(result.stdout.trim());
}

describe.skipIf(!haveDocker)('container memory (excl. page cache) of a docker command', () => {
  const runId = `container-memory-${crypto.randomUUID()}`;
  let dataDir = '';
  let session: RuntimeSession;
  let imageRef = '';

  beforeAll(async () => {
    dataDir = tempDataDir();
    const dir = writeGoModule(path.join(dataDir, 'ws'), 'example.com/memory');
    const workspace: WorkspaceInfo = { path: dir, module: 'example.com/memory', goVersion: '1.22', toolchain: null, packages: 1, testFiles: 0, mainPackages: [], definitions: [] };
    session = await new DockerRuntime(RESOURCES).prepare({ workspace, dataDir, cacheDir: tempDataDir('envbench-cache-'), resourcesDir: RESOURCES, offline: true, runId, scratchPath: null });
    imageRef = String((await session.facts()).imageRef);
  }, 15 * 60_000);

  afterAll(async () => {
    await session?.dispose();
    if (imageRef) spawnSync('docker', ['rmi', '-f', imageRef]);
    const volumes = spawnSync('docker', ['volume', 'ls', '-q', '--filter', 'label=envbench.managed=true'], { encoding: 'utf8' }).stdout.split('\n').filter((v) => v.endsWith(`-${instanceKey(dataDir)}`));
    if (volumes.length > 0) spawnSync('docker', ['volume', 'rm', ...volumes]);
  });

  it('leaves out the page cache of an earlier command that read a large file', async () => {
    const cwd = session.workspaceDir;
    const write = await session.exec({ argv: ['dd', 'if=/dev/zero', 'of=/tmp/big', 'bs=1M', `count=${BIG_FILE_MIB}`], cwd }, { timeoutMs: 120_000 });
    expect(write.exitCode, write.stderr).toBe(0);
    const read = await session.exec({ argv: ['dd', 'if=/tmp/big', 'of=/dev/null', 'bs=1M'], cwd }, { timeoutMs: 120_000 });
    expect(read.exitCode, read.stderr).toBe(0);

    // The file's pages are still charged to the container: the kernel's counters would count them.
    const container = spawnSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=envbench.run=${runId}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]!;
    expect(container).toMatch(/^[0-9a-f]{64}$/);
    expect(chargedBytes(container)).toBeGreaterThan((BIG_FILE_MIB / 2) * MiB);

    const small = await session.exec({ argv: ['sleep', '0.3'], cwd }, { timeoutMs: 60_000 });
    expect(small.exitCode, small.stderr).toBe(0);
    const peak = small.cgroup?.memoryPeakBytes;
    expect(peak, 'container memory of the small command').not.toBeNull();
    expect(peak!).toBeGreaterThan(0);
    expect(peak!).toBeLessThan(64 * MiB);
    console.log(`container memory (excl. page cache) of sleep 0.3: ${(peak! / MiB).toFixed(1)} MiB; charged to the container with page cache: ${(chargedBytes(container) / MiB).toFixed(1)} MiB`);
  });

  it('still counts memory a command itself allocates', async () => {
    // dd's buffer is one block: 96 MiB of anonymous memory, filled from /dev/zero 30 times (held for longer than a reading's interval).
    const held = await session.exec({ argv: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=96M', 'count=30'], cwd: session.workspaceDir }, { timeoutMs: 60_000 });
    expect(held.exitCode, held.stderr).toBe(0);
    expect(held.cgroup?.memoryPeakBytes ?? 0).toBeGreaterThan(80 * MiB);
  });
});
