import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../machine/run-tool';
import { writeFileAtomic } from '../write-file-atomic';
import { emptyRegistry, nixCommonArgs, nixError } from './nix-cli';
import { goShellDerivation, nixSystem } from './offline-flake';

/**
 * "Nix answers `--version`" is not "Nix can do the work": on a fresh Debian machine whose nix-bin
 * came without recommends, every build fails (no `nixbld` group, or a sandbox that hides the
 * /bin/bash EnvBench's builders use). So health realises a trivial derivation shaped like the
 * generated shells, offline, with the options every EnvBench Nix call uses, and names the fix.
 * It never changes the machine's configuration.
 */

/** How long a probe's answer is trusted while nothing it depends on changed. */
export const NIX_PROBE_TTL_MS = 10 * 60 * 1000;
/** Realising a derivation that writes one file takes well under a second; a stuck daemon does not get the whole doctor. */
const PROBE_TIMEOUT_MS = 60_000;

export interface NixProbeOptions {
  /** `nix`, or the absolute path of the Nix another tool (Devbox) would run. */
  program?: string;
  /** Its version: part of the cache key. */
  version: string;
  /** EnvBench's own directory for Nix: the empty flake registry, and the cached answer. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  /** Ignore a cached answer (tests, or after the user changed something the key does not see). */
  fresh?: boolean;
}

/** The nix.conf Nix reads for this environment (NIX_CONF_DIR, else /etc/nix). */
export function systemNixConf(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.NIX_CONF_DIR || '/etc/nix', 'nix.conf');
}

/** The two lines a single-user Nix run by root needs (docs/runtimes.md, "What each runtime needs"). */
export const SINGLE_USER_NIX_CONF = 'build-users-group =\nsandbox = false\n';

/**
 * What a failed probe means, with the fix, in one sentence; the user's nix.conf is named, not edited.
 * Exported for its table-driven test.
 */
export function nixBuildFailureReason(stderr: string, confFile: string): string {
  const says = nixError(stderr.replace(/^building '.*\n/gm, ''), 2) || 'nothing on stderr';
  if (/group '[^']*' specified in 'build-users-group' does not exist/.test(stderr)) {
    return (
      `Nix cannot build here (Nix says: ${says}): for single-user Nix run by root, put the lines \`build-users-group =\` and \`sandbox = false\` in ${confFile}; ` +
      'or set up the multi-user daemon with its build users (Debian: `apt-get install nix-setup-systemd`)'
    );
  }
  const hidden = /executing '\/bin\/bash': [A-Za-z ]+/.exec(stderr);
  if (hidden) {
    return `Nix cannot build EnvBench's environments here (a builder says: ${hidden[0].trim()}): Nix's sandbox hides the host's /bin/bash their builders run; put the line \`sandbox = false\` in ${confFile} (and restart nix-daemon if one runs)`;
  }
  return `Nix cannot build a trivial derivation offline (Nix says: ${says}): \`nix build\` of any derivation shows the same error; fix the Nix installation or ${confFile}`;
}

/** Nix's settings as a probe's cache key sees them: the user, the variables that change them, the system nix.conf. */
export function nixSettingsKeyParts(env: NodeJS.ProcessEnv): string[] {
  return [String(process.getuid?.() ?? ''), env.NIX_CONF_DIR ?? '', env.NIX_CONFIG ?? '', env.NIX_REMOTE ?? '', readOrEmpty(systemNixConf(env))];
}

export function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Everything the probe's answer depends on that EnvBench can see cheaply: a change means probe again. */
function probeKey(options: NixProbeOptions, env: NodeJS.ProcessEnv): string {
  const userConfs = (env.NIX_USER_CONF_FILES ?? path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'nix', 'nix.conf')).split(':');
  let groups = '';
  try {
    groups = String(fs.statSync('/etc/group').mtimeMs);
  } catch {
    // No /etc/group: nothing to key on.
  }
  const parts = [options.program ?? 'nix', options.version, ...nixSettingsKeyParts(env), ...userConfs.map(readOrEmpty), groups];
  return crypto.createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

interface CachedProbe {
  key: string;
  at: number;
  problem: string | null;
}

const inProcess = new Map<string, Promise<CachedProbe>>();

/**
 * Why Nix cannot realise EnvBench's kind of derivation here, with the fix; null when it can.
 * The answer is kept for NIX_PROBE_TTL_MS in this process and in a file under stateDir, keyed by
 * the Nix version, the configuration it reads and the groups file, so a warm doctor stays fast.
 */
export async function nixBuildProblem(options: NixProbeOptions): Promise<string | null> {
  const env = options.env ?? process.env;
  const key = probeKey(options, env);
  const cacheFile = path.join(options.stateDir, 'build-probe.json');
  const fresh = (entry: CachedProbe | null): entry is CachedProbe => entry !== null && entry.key === key && Date.now() - entry.at < NIX_PROBE_TTL_MS && Date.now() >= entry.at;
  if (!options.fresh) {
    const pending = inProcess.get(key);
    if (pending) {
      const entry = await pending;
      if (fresh(entry)) return entry.problem;
    }
    let stored: CachedProbe | null = null;
    try {
      stored = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CachedProbe;
    } catch {
      // No cached answer yet (or an unreadable one): probe.
    }
    if (fresh(stored)) return stored.problem;
  }
  const probing = realiseProbe(options, env).then((problem) => ({ key, at: Date.now(), problem }));
  inProcess.set(key, probing);
  const entry = await probing;
  try {
    fs.mkdirSync(options.stateDir, { recursive: true });
    writeFileAtomic(cacheFile, JSON.stringify(entry));
  } catch {
    // A data directory EnvBench cannot write only costs the next doctor a probe.
  }
  return entry.problem;
}

/**
 * `nix build` of the generated shells' derivation (bash builder, `echo > $out`) made unique by a
 * nonce, so it is really built, then deleted again: nothing stays in the store.
 */
async function realiseProbe(options: NixProbeOptions, env: NodeJS.ProcessEnv): Promise<string | null> {
  const program = options.program ?? 'nix';
  const nonce = `${Date.now()}-${crypto.randomBytes(6).toString('hex')}`;
  // The generated shells' derivation with a `go` that exists nowhere: the builder never reads it.
  const expression = `let go = "/envbench-health-probe-${nonce}"; in ${goShellDerivation(nixSystem(), false, '', null)}`;
  const args = [...nixCommonArgs(emptyRegistry(options.stateDir), true), 'build', '--no-link', '--json', '--expr', expression];
  let result;
  try {
    result = await runTool(program, args, { env, cwd: os.tmpdir(), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError';
    return timedOut
      ? `\`nix build\` of a trivial derivation did not finish within ${PROBE_TIMEOUT_MS / 1000} s: check that the Nix store (or nix-daemon) is not locked by another process`
      : `\`nix build\` of a trivial derivation could not start (${(error as Error).message}): check your Nix installation`;
  }
  if (result.code !== 0) return nixBuildFailureReason(result.stderr, systemNixConf(env));
  const built: string[] = [];
  try {
    for (const item of JSON.parse(result.stdout) as { drvPath?: string; outputs?: Record<string, string> }[]) {
      built.push(...Object.values(item.outputs ?? {}));
      if (item.drvPath) built.push(item.drvPath);
    }
  } catch {
    // Nothing to delete that EnvBench can name.
  }
  if (built.length > 0) {
    const nixStore = path.isAbsolute(program) ? path.join(path.dirname(program), 'nix-store') : 'nix-store';
    await runTool(nixStore, ['--delete', ...built], { env, cwd: os.tmpdir(), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).catch(() => null);
  }
  return null;
}
