import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostEntry } from '../../shared/hosts';
import { privateSocketDir, remoteCommand, sshFailure, sshOptions } from './ssh';

/** Where the Docker Engine listens on a host: its default socket (a non-interactive SSH session reads no profile, so no DOCKER_HOST of the user's). */
export const REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';
const READY_TIMEOUT_MS = 15_000;

export interface ForwardedEngine {
  /** A socket on this machine that reaches the host's engine. */
  socketPath: string;
  /** Why the forward closed on its own (the SSH connection dropped, the host went away), or null while it is open or was closed here. */
  lost(): string | null;
  /**
   * lost(), once ssh's exit has been seen: a call that failed because the connection dropped
   * can fail before this process hears that ssh ended. Waits at most `ms` for it.
   */
  lostWithin(ms: number): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * Runs on the host for as long as the forward is open: waits for this process's stdin to close,
 * then removes the containers whose label ($1) has the value ($2) of what it forwards
 * for (a run's id). A fixed script; the label and value are its arguments.
 */
const REMOVE_WHEN_CLOSED = [
  'cat >/dev/null',
  'ids=$(docker ps -aq --filter "label=$1=$2" 2>/dev/null); [ -z "$ids" ] || docker rm -fv $ids >/dev/null 2>&1',
  'true',
].join('; ');

/**
 * The host's Docker Engine on a local socket, through the user's own OpenSSH (`ssh -L`, with the
 * host's key checked as every other EnvBench connection): dockerode and the docker CLI then talk
 * to it as to a local engine. The forward has a connection of its own (not the shared one, whose
 * forwards outlive their client) and a remote command tied to this process's stdin: when EnvBench
 * ends, even by kill -9, stdin closes, the session ends, and so does the forward. With
 * `removeOnClose` (the run's label) that command first removes what the run left on the engine:
 * kill -9 leaves nothing running on the host.
 */
export async function forwardDockerSocket(host: HostEntry, options: { remoteSocket?: string; removeOnClose?: { label: string; value: string } } = {}): Promise<ForwardedEngine> {
  const remoteSocket = options.remoteSocket ?? REMOTE_DOCKER_SOCKET;
  const socketPath = path.join(privateSocketDir(), `docker-${crypto.randomBytes(6).toString('hex')}.sock`);
  const args = [
    // First value wins in ssh: a connection of its own, whatever sshOptions() says after.
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-o', 'ExitOnForwardFailure=yes',
    '-o', 'StreamLocalBindUnlink=yes',
    ...sshOptions(host),
    '-L', `${socketPath}:${remoteSocket}`,
    '--', host.hostname, options.removeOnClose ? remoteCommand(['sh', '-c', REMOVE_WHEN_CLOSED, 'envbench-forward', options.removeOnClose.label, options.removeOnClose.value]) : 'cat >/dev/null',
  ];
  const child = spawn('ssh', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: number | null = null;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('exit', (code) => (exited = code ?? 1));
  child.on('error', (error) => {
    stderr += error.message;
    exited = 255;
  });
  let closing = false;
  const close = async (): Promise<void> => {
    closing = true;
    if (exited === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      child.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(socketPath, { force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!fs.existsSync(socketPath)) {
    if (exited !== null || Date.now() > deadline) {
      await close();
      const why = sshFailure(host, { code: exited ?? 255, stderr }) ?? (stderr.trim() || `ssh did not open the forward within ${READY_TIMEOUT_MS / 1000} s`);
      throw new Error(`could not reach the Docker Engine of ${host.name} (${remoteSocket}) over SSH: ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const lost = (): string | null => (exited === null || closing ? null : (sshFailure(host, { code: exited, stderr }) ?? (stderr.trim().split('\n').pop() || `ssh exited with ${exited}`)));
  const lostWithin = async (ms: number): Promise<string | null> => {
    if (exited === null && !closing) {
      await new Promise<void>((resolve) => {
        const onExit = (): void => {
          clearTimeout(timer);
          setImmediate(resolve);
        };
        // Timed out: the listener goes too, so failed calls on a live forward add none.
        const timer = setTimeout(() => {
          child.off('exit', onExit);
          resolve();
        }, ms);
        child.once('exit', onExit);
      });
    }
    return lost();
  };
  return { socketPath, lost, lostWithin, close };
}
