import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostEntry } from '../../shared/hosts';

/**
 * EnvBench reaches a host with the user's own OpenSSH client, never a password: keys, the agent,
 * ~/.ssh/config (ProxyJump, ...) and known_hosts work as they do for `ssh`. These options make it
 * safe to run unattended:
 * - BatchMode: never ask for a password, a passphrase or whether to trust a new host key;
 * - StrictHostKeyChecking: a host whose key is unknown or changed is refused, never added;
 * - ServerAlive*: a dead connection ends within 15 s, and with it everything EnvBench started
 *   there (every remote command is tied to its session: see remoteCommand());
 * - one shared connection per host (ControlMaster), so each command costs a round trip, not a
 *   new key exchange.
 */
export function sshOptions(host: HostEntry): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${controlPath(host)}`,
    '-o', 'ControlPersist=60',
    ...(host.knownHostsFile ? ['-o', `UserKnownHostsFile=${host.knownHostsFile}`] : []),
    ...(host.identityFile ? ['-o', 'IdentitiesOnly=yes', '-i', host.identityFile] : []),
    ...(host.port !== null ? ['-p', String(host.port)] : []),
    ...(host.user !== null ? ['-l', host.user] : []),
  ];
}

/**
 * The shared connection's socket: short (a socket path has 108 bytes), in a private folder, and
 * named for everything that decided whether the host was trusted: the URL, the key file, and the
 * known_hosts file with its content. A connection opened under other terms (another key, a
 * known_hosts line since changed) is never reused: OpenSSH's own %C names only user, host and port.
 */
function controlPath(host: HostEntry): string {
  const dir = privateSocketDir();
  const knownHosts = host.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  const terms = crypto.createHash('sha256').update(JSON.stringify([host.url, host.identityFile, knownHosts, readOrEmpty(knownHosts), host.identityFile ? readOrEmpty(host.identityFile) : '']));
  return path.join(dir, terms.digest('hex').slice(0, 20));
}

/** EnvBench's folder for SSH sockets (shared connections, forwarded Docker sockets): this user's only, and short. */
export function privateSocketDir(): string {
  const dir = path.join(os.tmpdir(), `envbench-ssh-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The ssh argument vector that runs `argv` on the host (`tty`: a terminal's, with a pty there). */
export function sshArgv(host: HostEntry, remote: string, options: { tty?: boolean } = {}): string[] {
  return [...sshOptions(host), options.tty ? '-tt' : '-T', '--', host.hostname, remote];
}

/** One word for a POSIX shell: in single quotes, a single quote as '\''. */
export function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one string sshd hands the login shell, from an argument vector. OpenSSH has no argv on the
 * wire: the remote shell parses what it gets. Every word is quoted (shellWord), so no argument is
 * ever read as shell syntax there, whatever it holds; `cwd` and `env` are quoted the same way.
 */
export function remoteCommand(argv: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string>> } = {}): string {
  const env = Object.entries(options.env ?? {}).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not an environment variable name: ${JSON.stringify(key)}`);
    return shellWord(`${key}=${value}`);
  });
  const command = [...(env.length > 0 ? ['env', ...env] : []), ...argv.map(shellWord)].join(' ');
  return options.cwd ? `cd ${shellWord(options.cwd)} && exec ${command}` : `exec ${command}`;
}

export interface SshOutcome {
  /** The remote command's exit code; 255 is ssh's own failure (see sshFailure). */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command on the host and collects its output (for probes and small steps, not measurements). */
export function runOverSsh(host: HostEntry, argv: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string>>; input?: string | Buffer; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SshOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ssh', sshArgv(host, remoteCommand(argv, options)), { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 255 : 0), stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), ms: performance.now() - started });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Why ssh itself failed (exit 255), in one line with what to do; null when the remote command ran
 * (its own exit code, whatever it is, is not an SSH failure).
 */
export function sshFailure(host: HostEntry, outcome: Pick<SshOutcome, 'code' | 'stderr'>): string | null {
  if (outcome.code !== 255) return null;
  const text = outcome.stderr;
  const where = `${host.name} (${host.url})`;
  const known = host.knownHostsFile ?? '~/.ssh/known_hosts';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text)) {
    return `${where} presented a host key that does not match ${known}: someone may be in between, or the host was reinstalled; check the key with its owner, then replace its line (ssh-keygen -R)`;
  }
  if (/Host key verification failed|No .* host key is known/.test(text)) {
    return `${where}: its host key is not in ${known}, so EnvBench does not trust it; check the key and add it (ssh-keyscan, or one \`ssh\` by hand)`;
  }
  if (/Permission denied/.test(text)) return `${where} refused the login (${lastLine(text)}): put your public key on it (ssh-copy-id) or load your key into the agent (ssh-add)`;
  if (/Could not resolve hostname/.test(text)) return `${where}: the name ${host.hostname} does not resolve; check the URL (\`envbench hosts list\`)`;
  if (/Connection refused/.test(text)) return `${where} is unreachable: connection refused on port ${host.port ?? 22}; is sshd running there?`;
  if (/timed out|No route to host|Network is unreachable/.test(text)) return `${where} is unreachable (${lastLine(text)}); check the network and that the machine is on`;
  return `${where}: ssh failed (${lastLine(text) || 'exit 255'})`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.replace(/^ssh: /, '').trim() ?? '';
}
