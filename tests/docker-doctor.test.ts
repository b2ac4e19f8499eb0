import { describe, expect, it } from 'vitest';
import type { RuntimeHealth } from '../src/shared/run';
import { envbench, tempDataDir } from './support/envbench-cli';
import { dockerdPid, haveDockerEngine, startDockerd, waitFor } from './support/docker';

const haveDocker = haveDockerEngine();
// Stopping the daemon is intrusive: CI does it; a developer opts in.
const mayStopDockerd = process.env.CI === 'true' || process.env.ENVBENCH_TEST_STOP_DOCKERD === '1';

describe.skipIf(!haveDocker || !mayStopDockerd)('doctor when dockerd is stopped', () => {
  it('says precisely why docker and dind are unavailable, and recovers when it is back', async () => {
    const pid = dockerdPid();
    expect(pid, 'dockerd must run as a process on this machine').not.toBeNull();
    process.kill(pid!, 'SIGTERM');
    await waitFor(() => dockerdPid() === null, 60_000, 'dockerd to stop');
    try {
      const health = JSON.parse(envbench(['doctor', '--json'], tempDataDir()).stdout) as RuntimeHealth[];
      for (const id of ['docker', 'dind']) {
        const entry = health.find((h) => h.id === id)!;
        expect(entry.available).toBe(false);
        expect(entry.reason).toMatch(/(dockerd is not running: .* refuses connections|no Docker socket at \/var\/run\/docker\.sock).*(systemctl start docker|start dockerd)/);
      }
      expect(health.find((h) => h.id === 'native')?.available).toBe(true);
    } finally {
      await startDockerd();
    }
    const health = JSON.parse(envbench(['doctor', '--json'], tempDataDir()).stdout) as RuntimeHealth[];
    expect(health.find((h) => h.id === 'docker')).toMatchObject({ available: true, reason: null });
  });
});
