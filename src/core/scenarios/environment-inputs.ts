import type { ExecOptions, RuntimeSession } from '../environments/runtime';
import { GOIMPORTS_INDEX_STATE } from './goimports-index';

/**
 * What an environment gives a command besides the workspace (docs/scenario-inputs.md): the user
 * it runs as, HOME, XDG_CACHE_HOME, TMPDIR, and how warm the caches are. Read inside the
 * environment by one constant script (no argument is ever parsed by a shell), once per result
 * before its measured samples and once by the consistency check.
 *
 * Prints `key=value` lines. Sizes in KiB from GNU du; the tool caches are XDG_CACHE_HOME without
 * the build cache (in containers GOCACHE lives inside it).
 */
const SCRIPT = `
show() { if [ -n "\${!1+x}" ]; then printf '%s=%s\\n' "$1" "\${!1}"; else printf '%s=\\n' "$1"; printf '%s.unset=1\\n' "$1"; fi; }
printf 'uid=%s\\n' "$(id -u 2>/dev/null)"
printf 'user=%s\\n' "$(id -un 2>/dev/null)"
show HOME
show XDG_CACHE_HOME
show TMPDIR
{ read -r gocache; read -r gomodcache; } < <(go env GOCACHE GOMODCACHE 2>/dev/null)
printf 'GOCACHE=%s\\n' "$gocache"
tools=\${XDG_CACHE_HOME:-\${HOME:-/nonexistent}/.cache}
kib() { if [ -d "$2" ]; then printf '%s=%s\\n' "$1" "$(du -sk "\${@:3}" -- "$2" 2>/dev/null | cut -f1)"; else printf '%s=0\\n' "$1"; fi; }
kib GOCACHE.kib "$gocache"
kib toolcache.kib "$tools" --exclude=go-build
${GOIMPORTS_INDEX_STATE}`;

export interface EnvironmentInputs {
  /** "0 (root)", "1000 (ana)". */
  uid: string;
  /** The variable's value, or "(unset)". */
  HOME: string;
  /** "EnvBench's own (<path>)" when it is the runtime's own cache directory, else the value or "(unset: ~/.cache)". */
  XDG_CACHE_HOME: string;
  /** The value, or "(unset: /tmp)". */
  TMPDIR: string;
  /** "build cache warm (120.5 MiB), tool caches warm (3.1 MiB), goimports index built" (or empty, none). */
  caches: string;
}

export const INPUT_KEYS = ['uid', 'HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'caches'] as const;

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** Parses the script's output; `ownCacheHome` is the session's xdgCacheHome. */
export function parseEnvironmentInputs(stdout: string, ownCacheHome: string | undefined): EnvironmentInputs {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  const unset = (key: string): boolean => values.get(`${key}.unset`) === '1';
  const uid = values.get('uid') || '?';
  const user = values.get('user');
  const xdg = values.get('XDG_CACHE_HOME') ?? '';
  const buildKib = Number(values.get('GOCACHE.kib') ?? 0) || 0;
  const toolKib = Number(values.get('toolcache.kib') ?? 0) || 0;
  // A build cache holds a README and a trim.txt even when empty: under 64 KiB counts as empty.
  const warmth = (kib: number): string => (kib < 64 ? 'empty' : 'warm');
  return {
    uid: user ? `${uid} (${user})` : uid,
    HOME: unset('HOME') ? '(unset)' : (values.get('HOME') ?? '?'),
    XDG_CACHE_HOME: unset('XDG_CACHE_HOME') ? '(unset: ~/.cache)' : ownCacheHome && xdg === ownCacheHome ? `EnvBench's own (${xdg})` : xdg,
    TMPDIR: unset('TMPDIR') ? '(unset: /tmp)' : (values.get('TMPDIR') ?? '?'),
    caches: `build cache ${warmth(buildKib)} (${mib(buildKib)}), tool caches ${warmth(toolKib)} (${mib(toolKib)}), goimports index ${values.get('goimports') === 'built' ? 'built' : 'none'}`,
  };
}

/** Reads the inputs inside the environment; null when the environment could not answer (its failure is the scenario's to report). */
export async function readEnvironmentInputs(session: RuntimeSession, cwd: string, options: ExecOptions): Promise<EnvironmentInputs | null> {
  const outcome = await session.exec({ argv: ['bash', '-c', SCRIPT, 'envbench-inputs'], cwd }, { timeoutMs: options.timeoutMs, signal: options.signal });
  if (outcome.exitCode !== 0 || outcome.report?.execError) return null;
  return parseEnvironmentInputs(outcome.stdout, session.xdgCacheHome);
}

/** Whether two runtimes' values of an input differ in kind (EnvBench's own cache directories differ only in path). */
export function inputDiffers(key: string, value: string, baseline: string): boolean {
  if (key === 'XDG_CACHE_HOME') return value.startsWith("EnvBench's own") !== baseline.startsWith("EnvBench's own") || (!value.startsWith("EnvBench's own") && value !== baseline);
  if (key === 'caches') return warmthOf(value) !== warmthOf(baseline);
  if (key === 'uid') return value.split(' ')[0] !== baseline.split(' ')[0];
  return value !== baseline;
}

/**
 * The build and tool caches' warmth. The goimports index is shown, not compared: gopls-load, the
 * one scenario it decides, builds it in every environment first (goimports-index.ts).
 */
function warmthOf(caches: string): string {
  return [...caches.matchAll(/\b(empty|warm)\b/g)].map((m) => m[1]).join(',');
}
