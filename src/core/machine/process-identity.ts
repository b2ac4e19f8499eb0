import fs from 'node:fs';

/**
 * Identifies a live process across PID reuse: its PID plus its start time (field 22 of
 * /proc/PID/stat on Linux). Used to tell a run that is still going from one whose process died.
 */
export interface ProcessIdentity {
  pid: number;
  started: string | null;
}

function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function currentProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, started: startTime(process.pid) };
}

export function isProcessAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (identity.started === null) return true;
  return startTime(identity.pid) === identity.started;
}
