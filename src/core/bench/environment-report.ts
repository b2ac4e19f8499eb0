import type { ConsistencyJson, ConsistencyRow, CrossBuildJson, RuntimeFacts, RuntimeId } from '../../shared/run';
import { compareVersions } from '../environments/nix-cli';
import { inputDiffers } from '../scenarios/environment-inputs';

const BASELINE: RuntimeId = 'native';
/** Settings whose value is a path inside the environment: different by nature, not a drift. */
const PATH_KEYS = new Set(['env.GOROOT', 'env.GOMODCACHE']);
const LABELS: Record<string, string> = {
  'env.GOVERSION': 'Go',
  'env.CGO_ENABLED': 'CGO_ENABLED',
  cc: 'C compiler',
  gopls: 'gopls',
  dlv: 'Delve',
  'input.uid': 'User id',
  'input.HOME': 'HOME',
  'input.XDG_CACHE_HOME': 'XDG_CACHE_HOME',
  'input.TMPDIR': 'TMPDIR',
  'input.caches': 'Cache warmth',
};

/** Why a difference in what commands get matters, per input (environment-inputs.ts). */
function explainInput(key: string, runtime: RuntimeId, value: string, baseline: string): string {
  switch (key) {
    case 'input.uid':
      return `${runtime} runs commands as user ${value}, native as ${baseline}: file permissions differ, and tests that check them (or skip as root) pass in one and fail in the other`;
    case 'input.HOME':
      return `HOME is ${value} in ${runtime}, ${baseline} on native: tools read their configuration (~/.gitconfig, ~/.netrc, ~/.config) from different places`;
    case 'input.XDG_CACHE_HOME':
      return `XDG_CACHE_HOME is ${value} in ${runtime}, ${baseline} on native: gopls and goimports start from different caches, so gopls-load is not comparable`;
    case 'input.TMPDIR':
      return `TMPDIR is ${value} in ${runtime}, ${baseline} on native: builds and tests write temporary files to different filesystems`;
    case 'input.caches':
      return `caches in ${runtime}: ${value}; native: ${baseline}: a warm cache against an empty one decides build and gopls figures, not the environment`;
    default:
      return `${settingLabel(key)}: ${runtime} has ${value}, native has ${baseline}`;
  }
}

function differsFrom(key: string, value: string, baseline: string): boolean {
  if (PATH_KEYS.has(key)) return false;
  return key.startsWith('input.') ? inputDiffers(key.slice('input.'.length), value, baseline) : value !== baseline;
}
/** The consistency facts that change the bytes of a binary, for explaining different hashes. */
const BUILD_SHAPING = ['env.GOVERSION', 'env.GOOS', 'env.GOARCH', 'env.GOAMD64', 'env.CGO_ENABLED', 'env.GOFLAGS', 'cc'];

/** How a consistency key is shown: "env.GOFLAGS" -> "GOFLAGS", "cc" -> "C compiler". */
export function settingLabel(key: string): string {
  return LABELS[key] ?? key.replace(/^env\./, '');
}

function consistencyFacts(maintenance: readonly RuntimeFacts[], prefix: string): Map<RuntimeId, Map<string, string>> {
  const byRuntime = new Map<RuntimeId, Map<string, string>>();
  for (const { runtime, facts } of maintenance) {
    const picked = new Map<string, string>();
    for (const [key, value] of Object.entries(facts)) if (key.startsWith(prefix)) picked.set(key.slice(prefix.length), String(value ?? ''));
    if (picked.size > 0) byRuntime.set(runtime, picked);
  }
  return byRuntime;
}

function goVersionNumber(goVersion: string): string {
  return goVersion.replace(/^go/, '').split(/[\s-]/)[0] ?? '';
}

/** One sentence per difference from native (and from go.mod for Go's version). */
function explain(key: string, runtime: RuntimeId, value: string, baseline: string | undefined, goModVersion: string | null): string[] {
  const said: string[] = [];
  if (key === 'env.GOVERSION' && goModVersion && value && compareVersions(goVersionNumber(value), goModVersion) < 0) {
    said.push(`go.mod asks for ${goModVersion}, ${runtime} has ${value}: builds fail or download a toolchain`);
  }
  if (baseline === undefined || value === baseline) return said;
  if (key.startsWith('input.')) {
    if (differsFrom(key, value, baseline)) said.push(explainInput(key, runtime, value, baseline));
    return said;
  }
  const label = settingLabel(key);
  if (PATH_KEYS.has(key)) said.push(`${label} is ${value} in ${runtime} (native: ${baseline}): a path inside the environment, expected to differ`);
  else if (key === 'env.CGO_ENABLED') said.push(`cgo is ${value === '1' ? 'on' : 'off'} in ${runtime} but ${baseline === '1' ? 'on' : 'off'} on native: binaries link differently, and -race needs cgo`);
  else if (key === 'env.GOFLAGS') said.push(`${runtime} builds with GOFLAGS="${value}", native with "${baseline}"`);
  else said.push(`${label}: ${runtime} has ${value || '(unset)'}, native has ${baseline || '(unset)'}`);
  return said;
}

/**
 * The consistency matrix (every key, every runtime, differences from native explained) and, per
 * main package, whether each environment's reproducible build is byte-identical to native's and
 * which settings explain it when not.
 */
export function buildConsistency(maintenance: readonly RuntimeFacts[], goModVersion: string | null, runtimes: readonly RuntimeId[]): ConsistencyJson | null {
  const facts = consistencyFacts(maintenance, 'consistency.');
  const builds = consistencyFacts(maintenance, 'reproducible-build.');
  if (facts.size === 0 && builds.size === 0) return null;
  const order = runtimes.filter((r) => facts.has(r) || builds.has(r));
  const keys = [...new Set([...facts.values()].flatMap((m) => [...m.keys()]))];
  const base = facts.get(BASELINE);
  const rows: ConsistencyRow[] = keys.map((key) => {
    const values: Partial<Record<RuntimeId, string>> = {};
    const explanations: string[] = [];
    const differs: RuntimeId[] = [];
    for (const runtime of order) {
      const value = facts.get(runtime)?.get(key);
      if (value === undefined) continue;
      values[runtime] = value;
      const baseline = runtime === BASELINE ? undefined : base?.get(key);
      if (baseline !== undefined && differsFrom(key, value, baseline)) differs.push(runtime);
      explanations.push(...explain(key, runtime, value, baseline, goModVersion));
    }
    return { key, label: key === 'env.GOVERSION' ? 'GOVERSION' : settingLabel(key), values, differs, explanations: [...new Set(explanations)] };
  });

  const crossBuilds: CrossBuildJson[] = [];
  const baseBuilds = builds.get(BASELINE);
  for (const runtime of order) {
    for (const [key, sha256] of builds.get(runtime) ?? []) {
      if (!key.startsWith('sha256.')) continue;
      const pkg = key.slice('sha256.'.length);
      const nativeHash = baseBuilds?.get(key);
      const identical = runtime === BASELINE || nativeHash === undefined ? null : sha256 === nativeHash;
      let why: string | null = null;
      if (identical === false) {
        const reasons = BUILD_SHAPING.filter((k) => facts.get(runtime)?.get(k) !== base?.get(k)).map(
          (k) => `${settingLabel(k)} ${facts.get(runtime)?.get(k) || '(unset)'} vs ${base?.get(k) || '(unset)'}`,
        );
        const settings = builds.get(runtime)?.get(`settings.${pkg}`);
        const nativeSettings = baseBuilds?.get(`settings.${pkg}`);
        if (settings !== undefined && nativeSettings !== undefined && settings !== nativeSettings) {
          const mine = new Set(settings.split(' '));
          const theirs = new Set(nativeSettings.split(' '));
          const only = (a: Set<string>, b: Set<string>): string[] => [...a].filter((s) => s && !b.has(s));
          reasons.push(`build settings: ${[...only(mine, theirs).map((s) => `+${s}`), ...only(theirs, mine).map((s) => `-${s}`)].join(' ')}`);
        }
        why = reasons.length > 0 ? [...new Set(reasons)].join('; ') : 'same Go, cgo setting and flags: compare `go version -m` of both binaries';
      }
      crossBuilds.push({ runtime, package: pkg, sha256, identicalToNative: identical, why });
    }
  }
  return { rows, builds: crossBuilds };
}

