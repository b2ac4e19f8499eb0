import type { FactValue } from '../../shared/run';
import { sampleFailure } from '../measure/command-failure';
import type { ProbeContext, ProbeOutcome } from './probe';

/** The three ways two builds can get their modules, in the order they run. */
export const MODCACHE_MODES = ['shared-cache', 'own-cache', 'vendored'] as const;
type Mode = (typeof MODCACHE_MODES)[number];

/**
 * Two builds of one main package at once, three times over: sharing the environment's module cache,
 * each with a module cache of its own, and from a vendor directory. A constant script; the package
 * is its only argument. The script works on a copy of the workspace in a fresh directory under the
 * environment's /tmp (untimed; vendoring writes, and the user's tree is left as it was), so
 * all three modes read the same tree. Every build has `-trimpath` and writes its binary there; the
 * build cache stays the environment's own (warm), as a developer's is.
 *
 * - shared-cache: both read the one GOMODCACHE (`-mod=readonly`, so a vendor directory is ignored).
 * - own-cache: each build starts from an empty GOMODCACHE filled from the shared one's download
 *   directory as a file:// proxy: nothing goes to the network, and the cost of isolation (extracting
 *   every module again) is in the time.
 * - vendored: `go mod vendor` in the copy (untimed, as it is done once and committed), then
 *   `-mod=vendor`. A vendor directory the workspace already has is used as it is.
 *
 * Prints `phase <mode> <ns>` for each pair, `sha256 <mode>-<i> <hash>` for each binary and
 * `info <mode> <line>` for the build information (`go version -m`) of each mode's first binary.
 */
const SCRIPT = `
set -u
pkg=$1
shared=$(go env GOMODCACHE) || exit 4
work=$(mktemp -d "\${TMPDIR:-/tmp}/envbench-modcache.XXXXXX") || exit 4
trap 'rm -rf "$work"' EXIT
cp -a . "$work/tree" && cd "$work/tree" || { echo "modcache-isolation: could not copy the workspace to $work" >&2; exit 4; }
now() { date +%s%N; }
pair_done() { # mode t0 pid1 pid2
  wait "$3"; a=$?; wait "$4"; b=$?
  if [ "$a" != 0 ] || [ "$b" != 0 ]; then echo "modcache-isolation: the $1 builds failed" >&2; exit 5; fi
  echo "phase $1 $(( $(now) - $2 ))"
}
t0=$(now)
go build -mod=readonly -trimpath -o "$work/shared-cache-1" "$pkg" & p1=$!
go build -mod=readonly -trimpath -o "$work/shared-cache-2" "$pkg" & p2=$!
pair_done shared-cache "$t0" "$p1" "$p2"
t0=$(now)
GOMODCACHE="$work/mod-1" GOPROXY="file://$shared/cache/download" GOSUMDB=off go build -mod=readonly -modcacherw -trimpath -o "$work/own-cache-1" "$pkg" & p1=$!
GOMODCACHE="$work/mod-2" GOPROXY="file://$shared/cache/download" GOSUMDB=off go build -mod=readonly -modcacherw -trimpath -o "$work/own-cache-2" "$pkg" & p2=$!
pair_done own-cache "$t0" "$p1" "$p2"
if [ ! -d vendor ]; then go mod vendor >&2 || { echo "modcache-isolation: go mod vendor failed" >&2; exit 5; }; fi
t0=$(now)
go build -mod=vendor -trimpath -o "$work/vendored-1" "$pkg" & p1=$!
go build -mod=vendor -trimpath -o "$work/vendored-2" "$pkg" & p2=$!
pair_done vendored "$t0" "$p1" "$p2"
for mode in shared-cache own-cache vendored; do
  for i in 1 2; do
    set -- $(sha256sum "$work/$mode-$i") || exit 4
    echo "sha256 $mode-$i $1"
  done
  go version -m "$work/$mode-1" | tail -n +2 | sed "s/^/info $mode /"
done
`;

interface Parsed {
  phaseNs: Map<Mode, number>;
  hashes: Map<string, string>;
  info: Map<Mode, string[]>;
}

function parse(stdout: string): Parsed {
  const parsed: Parsed = { phaseNs: new Map(), hashes: new Map(), info: new Map() };
  for (const line of stdout.split('\n')) {
    const [kind, key, ...rest] = line.trim().split(/\s+/);
    const mode = MODCACHE_MODES.find((m) => m === key);
    if (kind === 'phase' && mode) parsed.phaseNs.set(mode, Number(rest[0]));
    else if (kind === 'sha256' && key && /^[0-9a-f]{64}$/.test(rest[0] ?? '')) parsed.hashes.set(key, rest[0]!);
    else if (kind === 'info' && mode) parsed.info.set(mode, [...(parsed.info.get(mode) ?? []), rest.join(' ')]);
  }
  return parsed;
}

/** Why two modes' binaries differ, from their build information: the first line one has and the other lacks. */
function buildInfoDifference(a: Mode, b: Mode, info: Parsed['info']): string {
  const left = info.get(a) ?? [];
  const right = info.get(b) ?? [];
  const onlyLeft = left.find((l) => !right.includes(l));
  const onlyRight = right.find((l) => !left.includes(l));
  if (!onlyLeft && !onlyRight) return `${a} and ${b} binaries differ with the same build information`;
  if (onlyLeft && onlyRight && onlyLeft.startsWith(`${onlyRight} h1:`)) {
    return `${b} records "${onlyRight}" without its go.sum hash (a vendored build carries no module hashes), where ${a} has "${onlyLeft}"`;
  }
  return `${a} has "${onlyLeft ?? '(nothing)'}" where ${b} has "${onlyRight ?? '(nothing)'}" in its build information`;
}

/**
 * Module cache isolation, the article's GOMODCACHE-versus-vendor table: the time for two builds at
 * once in each mode (phases shared-cache, own-cache, vendored) and whether all six binaries are
 * identical (facts).
 */
export async function modcacheIsolation({ session, workspace, cwd, timeoutMs, execOptions }: ProbeContext): Promise<ProbeOutcome> {
  const pkg = workspace.mainPackages[0];
  if (!pkg) return { failure: 'the workspace has no main package: modcache-isolation compares the binaries two builds produce' };
  const argv = ['bash', '-c', SCRIPT, 'modcache-isolation', pkg];
  const outcome = await session.exec({ argv, cwd }, execOptions);
  const failed = sampleFailure(['bash', '-c', '<modcache-isolation script>', pkg], outcome, timeoutMs);
  if (failed) return { failure: failed };
  const parsed = parse(outcome.stdout);
  const missing = MODCACHE_MODES.filter((m) => !Number.isFinite(parsed.phaseNs.get(m)));
  if (missing.length > 0 || parsed.hashes.size !== 6) {
    return { failure: `the environment's answer was not understood (no ${missing.length ? `time for ${missing.join(', ')}` : 'six hashes'}): ${outcome.stdout.trim().slice(0, 200) || 'no output'}` };
  }
  const facts: Record<string, FactValue> = { package: pkg };
  const differences: string[] = [];
  for (const mode of MODCACHE_MODES) {
    const [first, second] = [parsed.hashes.get(`${mode}-1`)!, parsed.hashes.get(`${mode}-2`)!];
    facts[`sha256.${mode}`] = first;
    if (first !== second) differences.push(`the two ${mode} builds differ (${first.slice(0, 12)} and ${second.slice(0, 12)})`);
  }
  for (const mode of MODCACHE_MODES.slice(1)) {
    if (facts[`sha256.${mode}`] !== facts['sha256.shared-cache']) differences.push(buildInfoDifference('shared-cache', mode, parsed.info));
  }
  facts.identical = differences.length === 0;
  facts.difference = differences.length === 0 ? null : differences.join('; ');
  return {
    phases: MODCACHE_MODES.map((mode) => ({ name: mode, ms: parsed.phaseNs.get(mode)! / 1e6 })),
    measured: outcome,
    facts,
  };
}
