import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** `pid command` of every live process for which `keep(pid, command)` holds. */
function processes(keep: (pid: string, command: string) => boolean): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (command && keep(pid, command)) found.push(`${pid} ${command}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Host processes started for a run: every host-side descendant inherits its ENVBENCH_DATA_DIR. */
export function hostProcessesOf(dataDir: string): string[] {
  return processes((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ENVBENCH_DATA_DIR=${dataDir}`);
    } catch {
      return false;
    }
  });
}

/** Containers whose owner label names this pid (old "pid:start" and current "... pid=N ..." labels). */
export function containersOwnedBy(pid: number): string[] {
  const result = spawnSync('docker', ['ps', '-a', '--filter', 'label=envbench.managed=true', '--format', '{{.ID}}\t{{.Label "envbench.owner"}}'], { encoding: 'utf8' });
  return (result.stdout ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, owner]) => owner && (owner.startsWith(`${pid}:`) || owner.split(/\s+/).includes(`pid=${pid}`)))
    .map(([id]) => id!);
}

/** Processes inside these containers other than each one's keep-alive (what EnvBench ran in them). */
export function containerProcesses(ids: string[]): string[] {
  return ids.flatMap((id) => {
    const inspect = spawnSync('docker', ['inspect', '--format', '{{.Id}} {{.State.Pid}}', id], { encoding: 'utf8' });
    const [longId, mainPid] = (inspect.stdout ?? '').trim().split(' ');
    if (!longId) return [];
    return processes((pid, command) => {
      if (pid === mainPid || command === 'sleep infinity') return false;
      try {
        return fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(longId);
      } catch {
        return false;
      }
    });
  });
}

/** Kills what a failed test left, so the machine stays usable for the next ones. */
export function killAll(found: string[]): void {
  for (const line of found) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}
