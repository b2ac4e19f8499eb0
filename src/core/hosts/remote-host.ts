import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostEntry } from '../../shared/hosts';
import type { MachineFingerprint } from '../../shared/run';
import type { EnvbenchBuild } from '../machine/fingerprint';
import { measureHelperPath, MEASURE_HELPER_NAME } from '../measure/measure-helper';
import { UserError } from '../user-error';
import type { HostProbe } from './host-doctor';
import { probeHost } from './host-doctor';
import { runOverSsh, type SshOutcome, sshFailure, sshOptions } from './ssh';

/** EnvBench's folder on a host, under the SSH user's home; nothing of EnvBench's lives elsewhere there. */
export const REMOTE_ROOT = '.cache/envbench-remote';

export interface SyncOutcome {
  ms: number;
  /** What rsync sent, as its --stats says ("Total bytes sent"). */
  bytesSent: number;
}

/** A session's syncs as its `workspaceSyncs` fact says them: how many, bytes, time, and that no figure holds them. */
export function describeSyncs(syncs: readonly SyncOutcome[]): string {
  const sent = syncs.reduce((sum, s) => sum + s.bytesSent, 0);
  const ms = Math.round(syncs.reduce((sum, s) => sum + s.ms, 0));
  return `${syncs.length} rsync run${syncs.length === 1 ? '' : 's'}, ${sent} bytes sent, ${ms} ms in all (never in a figure)`;
}

/**
 * One host during a run: its probe, EnvBench's folder there (one per installation of EnvBench:
 * `instance`), the measure helper copied once and checked by its SHA-256, and the workspace synced
 * with rsync over the same SSH settings (ssh.ts).
 */
export class RemoteHost {
  private helperReady: Promise<string> | null = null;

  private constructor(
    readonly entry: HostEntry,
    readonly probe: HostProbe & { remote: NonNullable<HostProbe['remote']> },
    /** $HOME/.cache/envbench-remote/<instance> on the host. */
    readonly base: string,
  ) {}

  /** Probes the host; an unreachable one, or one without Go or rsync, is the user's to fix: a UserError. */
  static async connect(entry: HostEntry, instance: string, options: { signal?: AbortSignal } = {}): Promise<RemoteHost> {
    return RemoteHost.fromProbe(entry, await probeHost(entry, options), instance);
  }

  /** A host already probed (the app shows the probe too); throws connect's UserError when it cannot run anything. */
  static fromProbe(entry: HostEntry, probe: HostProbe, instance: string): RemoteHost {
    if (!probe.reachable || !probe.remote) throw new UserError(`Cannot run on ${entry.name}`, probe.reason ?? 'it did not answer', `Check it with \`envbench hosts doctor ${entry.name}\``);
    const missing = probe.tools.filter((t) => (t.name === 'go' || t.name === 'rsync') && t.reason);
    if (missing.length > 0) {
      throw new UserError(`Cannot run on ${entry.name}`, missing.map((t) => `${t.name}: ${t.reason}`).join('; '), `Fix it there, then check with \`envbench hosts doctor ${entry.name}\``);
    }
    return new RemoteHost(entry, probe as RemoteHost['probe'], `${probe.remote.home}/${REMOTE_ROOT}/${instance}`);
  }

  /** The host's machine, as a run records it: the host's hardware and tools, and which host it is. */
  fingerprint(build: EnvbenchBuild): MachineFingerprint {
    const m = this.probe.machine!;
    const version = (name: string): string | null => this.probe.tools.find((t) => t.name === name)?.version ?? null;
    return {
      cpuModel: m.cpuModel,
      cpuCount: m.cpus,
      memoryBytes: m.memoryBytes,
      kernel: m.kernel.replace(/^\S+\s+/, ''),
      os: this.probe.remote.os,
      arch: m.arch === 'x86_64' ? 'x64' : m.arch === 'aarch64' ? 'arm64' : m.arch,
      cgroupVersion: this.probe.remote.cgroupVersion,
      dockerStorageDriver: this.probe.remote.dockerStorageDriver,
      tools: { go: version('go') ? `go${version('go')}` : null, docker: version('docker'), nix: version('nix'), devbox: version('devbox') },
      envbenchVersion: build.version,
      envbenchCommit: build.commit,
      host: `${this.entry.name} (${this.entry.url})`,
    };
  }

  /** Runs a command there and fails with ssh's reason, or the command's stderr, unless it exits 0. */
  async run(argv: readonly string[], options: { cwd?: string; input?: string | Buffer; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<SshOutcome> {
    const outcome = await runOverSsh(this.entry, argv, options);
    const failure = sshFailure(this.entry, outcome);
    if (failure) throw new Error(failure);
    if (outcome.code !== 0) throw new Error(`\`${argv.join(' ')}\` failed on ${this.entry.name} (exit ${outcome.code}): ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return outcome;
  }

  /** `go env NAME` on the host, with the Go the probe found; null when empty or not a folder there. */
  async goEnv(name: string): Promise<string | null> {
    const go = this.probe.remote.goBinary ?? 'go';
    const result = await runOverSsh(this.entry, ['sh', '-c', 'dir=$("$1" env "$2") && test -d "$dir" && printf %s "$dir"', 'envbench-go-env', go, name]);
    return result.code === 0 && result.stdout ? result.stdout : null;
  }

  /**
   * The measure helper on the host, copied once per content (its name carries its SHA-256) and
   * checked there with sha256sum before it is used: a figure means the same thing on both sides.
   */
  helper(resourcesDir: string): Promise<string> {
    this.helperReady ??= (async () => {
      const bytes = fs.readFileSync(measureHelperPath(resourcesDir));
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      const remote = `${this.base}/bin/${MEASURE_HELPER_NAME}-${sha.slice(0, 16)}`;
      const check = async (): Promise<boolean> => (await runOverSsh(this.entry, ['sha256sum', remote])).stdout.startsWith(sha);
      if (await check()) return remote;
      // A fixed script; the paths are its arguments, never part of it.
      await this.run(['sh', '-c', 'mkdir -p "$1" && cat > "$2.partial" && chmod 755 "$2.partial" && mv -f "$2.partial" "$2"', 'envbench-install', `${this.base}/bin`, remote], { input: bytes });
      if (!(await check())) throw new Error(`the measure helper copied to ${this.entry.name}:${remote} does not have the checksum it was sent with`);
      return remote;
    })();
    return this.helperReady;
  }

  /**
   * Mirrors a local folder into `remoteDir` (under this.base) with rsync over SSH: deletions too,
   * symbolic links that point outside the folder left out (--safe-links: a link to a secret on
   * this machine never becomes one to the host's). Returns the time it took and the bytes sent.
   */
  async sync(localDir: string, remoteDir: string, options: { signal?: AbortSignal; remoteDirExists?: boolean } = {}): Promise<SyncOutcome> {
    this.checkInBase(remoteDir);
    if (!options.remoteDirExists) await this.run(['mkdir', '-p', remoteDir], options);
    return this.rsync(['-a', '--delete', '--safe-links', '--stats', '-e', rsyncShell(this.entry), '--', `${path.resolve(localDir)}/`, this.destination(remoteDir)], options);
  }

  /**
   * Sends just these files (relative to `localDir`) to the same places under `remoteDir`, which
   * exists: what a watch-and-sync loop sends for one change (rsync -R, one connection).
   */
  async syncFiles(localDir: string, remoteDir: string, files: readonly string[], options: { signal?: AbortSignal } = {}): Promise<SyncOutcome> {
    this.checkInBase(remoteDir);
    const sources = files.map((file) => `${path.resolve(localDir)}/./${file}`);
    return this.rsync(['-a', '--relative', '--safe-links', '--stats', '-e', rsyncShell(this.entry), '--', ...sources, this.destination(remoteDir)], options);
  }

  private checkInBase(remoteDir: string): void {
    if (!remoteDir.startsWith(`${this.base}/`)) throw new Error(`not syncing outside EnvBench's folder on ${this.entry.name}: ${remoteDir}`);
  }

  private destination(remoteDir: string): string {
    return `${this.entry.hostname.includes(':') ? `[${this.entry.hostname}]` : this.entry.hostname}:${remoteDir}/`;
  }

  private async rsync(args: string[], options: { signal?: AbortSignal }): Promise<SyncOutcome> {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('rsync', args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', (error) => reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new UserError('Cannot sync the workspace', 'rsync is not installed on this machine', 'Install it (apt-get install rsync)') : error));
      child.on('close', (exitCode) => resolve({ code: exitCode ?? 1, stdout: out, stderr: err }));
    });
    if (code !== 0) throw new Error(`rsync to ${this.entry.name} failed (exit ${code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
    const sent = /Total bytes sent:\s*([\d,.]+)/.exec(stdout)?.[1]?.replace(/[,.]/g, '');
    return { ms: performance.now() - started, bytesSent: Number(sent ?? 0) };
  }
}

/**
 * rsync's -e: one string rsync splits on spaces itself, honouring single and double quotes but no
 * backslashes. Each word goes in the quotes it does not contain; a word with both kinds cannot be
 * written, and is refused.
 */
export function rsyncShell(host: HostEntry): string {
  return ['ssh', ...sshOptions(host)]
    .map((word) => {
      if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
      if (!word.includes("'")) return `'${word}'`;
      if (!word.includes('"')) return `"${word}"`;
      throw new UserError('Cannot pass a path to rsync', `${word} holds both kinds of quotes, which rsync's -e cannot carry`, 'Rename the key or known_hosts file, then add the host again');
    })
    .join(' ');
}
