import { spawn } from 'node:child_process';
import type { HostEntry } from '../../shared/hosts';
import { UserError } from '../user-error';
import { REMOTE_ROOT } from './remote-host';
import { remoteCommand, sshFailure, sshOptions } from './ssh';

/** The script's exit when the lock is held: told apart from ssh's own 255. */
const HELD_EXIT = 75;
const LOCK_FILE = `${REMOTE_ROOT}/measure.lock`;

/**
 * Holds the lock on the host's file ($1) for as long as this process's stdin stays open, with
 * flock(1) (util-linux): when EnvBench ends, even by kill -9, the SSH session ends and the kernel
 * frees the lock. The holder's description ($2) sits beside it for whoever finds it held.
 */
const HOLD_WHILE_OPEN = [
  'mkdir -p "$(dirname "$1")" || exit 1',
  'exec 9>>"$1"',
  'if [ "$3" = wait ]; then flock 9; else flock -n 9 || { cat "$1.owner" 2>/dev/null; exit 75; }; fi',
  'printf "%s\\n" "$2" > "$1.owner"',
  'echo locked',
  'cat >/dev/null',
  'rm -f "$1.owner"',
].join('\n');

export interface HostLock {
  release(): Promise<void>;
}

/**
 * One run at a time on a host, as on this machine (measure-lock.ts): two laptops measuring one
 * build box share its cores and spoil each other's figures. Taken before the run starts, held
 * through its SSH session; refused in one line naming the run that holds it, or (`wait`) waited for.
 */
export async function acquireHostLock(host: HostEntry, holder: string, options: { wait?: boolean; signal?: AbortSignal } = {}): Promise<HostLock> {
  const child = spawn('ssh', [...sshOptions(host), '--', host.hostname, remoteCommand(['sh', '-c', HOLD_WHILE_OPEN, 'envbench-lock', LOCK_FILE, holder, options.wait ? 'wait' : 'now'])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const release = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await gone;
  };
  const onAbort = (): void => void child.kill('SIGTERM');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('locked\n')) resolve(null);
      });
      child.on('exit', (exitCode) => resolve(exitCode ?? 1));
      child.on('error', (error) => {
        stderr += error.message;
        resolve(255);
      });
    });
    if (code === null) return { release };
    if (options.signal?.aborted) throw new Error(`cancelled while waiting for ${host.name} to be free`);
    if (code === HELD_EXIT) {
      const owner = stdout.trim() || 'a run whose description is gone';
      throw new UserError(
        `Another run is measuring on ${host.name}: ${owner}`,
        "two runs at once share the host's cores and caches and spoil each other's figures",
        'Wait for it to finish, or start this one with --wait to begin when it ends',
      );
    }
    const why = sshFailure(host, { code, stderr }) ?? (stderr.trim() || `the lock's command exited with ${code}`);
    if (code === 255) throw new UserError(`Cannot run on ${host.name}`, why, `Check it with \`envbench hosts doctor ${host.name}\``);
    throw new UserError(`Cannot take the measuring lock on ${host.name} (~/${LOCK_FILE})`, why, `Check the host with \`envbench hosts doctor ${host.name}\`; it needs flock (util-linux)`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
