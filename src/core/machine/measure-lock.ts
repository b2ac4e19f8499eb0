import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../user-error';
import { currentHostIdentity } from './host-identity';

/**
 * One machine, one run: measuring is exclusive per machine, not per data directory. Two runs at
 * once share the cores and, with the same caches, delete each other's build cache mid-build, so
 * every run (CLI, app, `envbench serve`) holds this lock while it measures.
 *
 * The lock is a file at a machine-wide path holding its owner's identity. It is taken atomically
 * by link(2) of a complete temporary file (fails with EEXIST when held); an owner that is gone
 * (its PID dead or a zombie, another process with that PID, another boot) leaves a stale lock,
 * which the next run takes over under a short-lived guard file.
 */
export interface MeasureLockOwner {
  pid: number;
  /** Start time of that process (field 22 of /proc/PID/stat): tells it from a later one with the same PID. */
  processStarted: string | null;
  /** /proc/sys/kernel/random/boot_id: a lock from before a reboot is stale whatever its PID. */
  bootId: string | null;
  /** Inode of /proc/self/ns/pid: a PID from another PID namespace cannot be checked from here. */
  pidNamespace: string | null;
  /** Known once the run exists in its history. */
  runId: string | null;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The command line that holds it, e.g. `envbench run --runtimes native`. */
  command: string;
}

export const MEASURE_LOCK_FILE = 'measure.lock';
const TAKEOVER_GUARD_FILE = 'measure.lock.takeover';
/** A guard is held for microseconds; one this old belongs to a process that died while holding it. */
const STALE_GUARD_MS = 10_000;
const WAIT_POLL_MS = 1_000;

/**
 * The folder of the lock: the same for every EnvBench process on the machine whatever its --db or
 * $ENVBENCH_DATA_DIR. /run/envbench (shared by all users, sticky like /tmp) where it can be made;
 * otherwise $XDG_RUNTIME_DIR/envbench or the temp folder, per user. $ENVBENCH_LOCK_DIR overrides it
 * (tests that run beside other test runs on one machine).
 */
export function measureLockDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENVBENCH_LOCK_DIR) return ensureDir(path.resolve(env.ENVBENCH_LOCK_DIR), 0o700)!;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const candidates: [string, number][] = [['/run/envbench', 0o1777]];
  if (env.XDG_RUNTIME_DIR) candidates.push([path.join(env.XDG_RUNTIME_DIR, 'envbench'), 0o700]);
  candidates.push([path.join(os.tmpdir(), `envbench-${uid}`), 0o700]);
  for (const [dir, mode] of candidates) {
    const usable = ensureDir(dir, mode, true);
    if (usable) return usable;
  }
  return candidates[candidates.length - 1]![0];
}

function ensureDir(dir: string, mode: number, quiet = false): string | null {
  try {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      fs.chmodSync(dir, mode);
    }
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch (error) {
    if (quiet) return null;
    throw new UserError(`Cannot use ${dir} for the measuring lock`, (error as Error).message, 'Point ENVBENCH_LOCK_DIR at a writable folder, or unset it');
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function bootId(): string | null {
  return currentHostIdentity().bootId || null;
}

function pidNamespace(): string | null {
  return currentHostIdentity().pidNamespace || null;
}

/** State letter and start time of a process from /proc/PID/stat; null when there is no such process. */
function processStat(pid: number): { state: string; started: string | null } | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', started: fields[19] ?? null };
}

function currentOwner(command: string): MeasureLockOwner {
  return {
    pid: process.pid,
    processStarted: processStat(process.pid)?.started ?? null,
    bootId: bootId(),
    pidNamespace: pidNamespace(),
    runId: null,
    startedAt: new Date().toISOString(),
    command,
  };
}

/** 'gone' when the owner can no longer be measuring; 'unknown' when it cannot be checked from here. */
export function ownerState(owner: MeasureLockOwner): 'alive' | 'gone' | 'unknown' {
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return 'gone';
  const namespace = pidNamespace();
  if (owner.pidNamespace !== null && namespace !== null && owner.pidNamespace !== namespace) return 'unknown';
  const stat = processStat(owner.pid);
  // A zombie has exited: a parent that has not reaped it yet must not hold the machine.
  if (!stat || stat.state === 'Z' || stat.state === 'X') return 'gone';
  if (owner.processStarted && stat.started !== owner.processStarted) return 'gone';
  return 'alive';
}

function parseOwner(text: string | null): MeasureLockOwner | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<MeasureLockOwner>;
    if (!Number.isInteger(value.pid) || typeof value.startedAt !== 'string') return null;
    return {
      pid: value.pid!,
      processStarted: value.processStarted ?? null,
      bootId: value.bootId ?? null,
      pidNamespace: value.pidNamespace === undefined || value.pidNamespace === null ? null : String(value.pidNamespace),
      runId: value.runId ?? null,
      startedAt: value.startedAt,
      command: value.command ?? '',
    };
  } catch {
    return null;
  }
}

/** The run that holds the machine (alive, or in a PID namespace we cannot check), or null. */
export function measureLockHolder(dir = measureLockDir()): MeasureLockOwner | null {
  const owner = parseOwner(readText(path.join(dir, MEASURE_LOCK_FILE)));
  return owner && ownerState(owner) !== 'gone' ? owner : null;
}

/** "run X (pid N, started 08:15:02, envbench run ...)": how a person recognises the holder. */
export function describeOwner(owner: MeasureLockOwner): string {
  const started = new Date(owner.startedAt);
  const when = Number.isNaN(started.getTime()) ? owner.startedAt : started.toLocaleString('sv-SE');
  const command = owner.command.length > 80 ? `${owner.command.slice(0, 77)}...` : owner.command;
  return `${owner.runId ? `run ${owner.runId}` : 'a run that is starting'} (pid ${owner.pid}, started ${when}${command ? `, ${command}` : ''})`;
}

/** A held lock: `setRunId` once the run exists, `release` when it has ended. */
export class MeasureLock {
  private released = false;
  private readonly releaseOnExit = (): void => this.release();

  constructor(
    private readonly file: string,
    private owner: MeasureLockOwner,
  ) {
    process.once('exit', this.releaseOnExit);
  }

  get holder(): MeasureLockOwner {
    return this.owner;
  }

  setRunId(runId: string): void {
    if (this.released || !this.isStillOurs()) return;
    this.owner = { ...this.owner, runId };
    const temp = tempFile(path.dirname(this.file), this.owner);
    try {
      fs.renameSync(temp, this.file);
    } catch {
      fs.rmSync(temp, { force: true });
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.releaseOnExit);
    if (this.isStillOurs()) fs.rmSync(this.file, { force: true });
  }

  private isStillOurs(): boolean {
    const current = parseOwner(readText(this.file));
    return current !== null && current.pid === this.owner.pid && current.processStarted === this.owner.processStarted && current.startedAt === this.owner.startedAt;
  }
}

function tempFile(dir: string, owner: MeasureLockOwner): string {
  const temp = path.join(dir, `.${MEASURE_LOCK_FILE}.${process.pid}.${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(temp, JSON.stringify(owner) + '\n', { flag: 'wx', mode: 0o644 });
  return temp;
}

/** Links `temp` as `target`; false when `target` exists. */
function linkExclusive(temp: string, target: string): boolean {
  try {
    fs.linkSync(temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Replaces a stale lock whose content was `staleText` by `temp`, under a guard so that two runs
 * finding the same stale lock do not both take it. False when someone else got there first or
 * holds the guard (the caller looks again).
 */
function takeOver(dir: string, temp: string, staleText: string): boolean {
  const file = path.join(dir, MEASURE_LOCK_FILE);
  const guard = path.join(dir, TAKEOVER_GUARD_FILE);
  if (!linkExclusive(temp, guard)) {
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > STALE_GUARD_MS) fs.rmSync(guard, { force: true });
    } catch {
      // Released meanwhile.
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return false;
  }
  try {
    if (readText(file) !== staleText) return false;
    fs.rmSync(file, { force: true });
    return linkExclusive(temp, file);
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** One attempt: the lock, or the owner that holds it. */
function tryAcquire(dir: string, command: string): MeasureLock | MeasureLockOwner {
  const file = path.join(dir, MEASURE_LOCK_FILE);
  const owner = currentOwner(command);
  const temp = tempFile(dir, owner);
  try {
    for (const giveUp = Date.now() + STALE_GUARD_MS + 5_000; Date.now() < giveUp; ) {
      if (linkExclusive(temp, file)) return new MeasureLock(file, owner);
      const text = readText(file);
      if (text === null) continue; // released between the two calls
      const holder = parseOwner(text);
      if (holder && ownerState(holder) !== 'gone') return holder;
      // Its owner is gone (or the file is not a lock EnvBench wrote): take it over.
      if (takeOver(dir, temp, text)) return new MeasureLock(file, owner);
    }
    throw new UserError(`Cannot take the measuring lock ${file}`, 'it kept changing hands for 15 s', 'Try again; if it persists, check that no other program writes that file');
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export interface AcquireOptions {
  /** How the holder is named, e.g. `envbench run --runtimes native`. */
  command: string;
  /** Wait for the holder to finish instead of refusing at once. */
  wait?: boolean;
  /** Called when waiting starts, and again whenever another run holds it. */
  onWaiting?: (holder: MeasureLockOwner) => void;
  signal?: AbortSignal;
  dir?: string;
  pollMs?: number;
}

/** Takes the machine for one run; refuses at once (a UserError naming the holder) unless `wait`. */
export async function acquireMeasureLock(options: AcquireOptions): Promise<MeasureLock> {
  const dir = options.dir ?? measureLockDir();
  let announced: string | null = null;
  for (;;) {
    const result = tryAcquire(dir, options.command);
    if (result instanceof MeasureLock) return result;
    const holder = result;
    if (!options.wait) {
      throw new UserError(
        `Another run is measuring on this machine: ${describeOwner(holder)}`,
        "two runs at once share the cores and build caches and spoil each other's figures",
        `Wait for it to finish, or start this one with --wait to begin when it ends${ownerState(holder) === 'unknown' ? ` (its process is in another PID namespace; if it is gone, remove ${path.join(dir, MEASURE_LOCK_FILE)})` : ''}`,
      );
    }
    const key = `${holder.pid}:${holder.startedAt}:${holder.runId}`;
    if (key !== announced) {
      announced = key;
      options.onWaiting?.(holder);
    }
    await sleep(options.pollMs ?? WAIT_POLL_MS, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
