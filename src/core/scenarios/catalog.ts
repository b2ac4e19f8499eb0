import type { Dimension, WorkspaceInfo } from '../../shared/run';
import { UserError } from '../user-error';
import type { CheckFn } from './check';
import type { ProbeFn } from './probe';

/**
 * Scenarios are data: what to run, what to do before each sample, and what the figure means.
 * The harness interprets them the same way in every runtime.
 */
export type PrepareStep =
  /** Empty the runtime's own Go build cache (never the user's). */
  | { kind: 'clean-build-cache' }
  /** Change one source file of a main package (content, not just mtime: Go caches by content). */
  | { kind: 'edit-source-file' };

interface ScenarioBase {
  id: string;
  dimension: Dimension;
  title: string;
  /** What the figure means, shown in reports. */
  counts: string;
  /**
   * The scenario works on a main package (what it does with it, "to debug"): in a module without
   * one it is not applicable (notApplicableReason), unless the user names one with --main.
   */
  needsMainPackage?: string;
  /**
   * Where the scenario means something: 'remote' ones only on a host (`run --host`: left out of
   * the default list locally, refused when named), 'local' ones not there (not applicable).
   */
  only?: 'local' | 'remote';
}

/** Time to get into the environment, phase by phase, until the first-run command (by default the first build of the main packages) exits. */
export interface StartupScenario extends ScenarioBase {
  kind: 'startup';
  temperature: 'cold' | 'warm';
}

export interface CommandScenario extends ScenarioBase {
  kind: 'command';
  /** Go command, run in the workspace root. */
  argv: readonly string[];
  /** Runs before every sample, untimed. */
  prepare?: PrepareStep;
  /**
   * Runs once before the first sample (warmup included), untimed: gopls's goimports module index
   * is built to completion, as a running editor's gopls keeps it (goimports-index.ts).
   */
  beforeFirstSample?: 'build-goimports-index';
  /** Runs on a scratch copy of the workspace because preparing it changes files. */
  mutatesWorkspace?: boolean;
  /** `--test-args` are added after argv (`go test` takes flags after the packages, and `-args` must come last). */
  takesTestArgs?: boolean;
  /** The user's own command (`--command NAME=CMD`, user-command.ts), not the catalogue's. */
  userCommand?: true;
}

/**
 * A question answered once per runtime rather than a figure sampled many times (offline
 * readiness, consistency, reproducible builds): each check is a function in its own file here.
 */
export interface CheckScenario extends ScenarioBase {
  kind: 'check';
  check: CheckFn;
}

/**
 * An interaction with a tool inside the environment, timed phase by phase (a debugger session,
 * ...): sampled and compared like a command, but driven by a function in its own file here.
 */
export interface ProbeScenario extends ScenarioBase {
  kind: 'probe';
  probe: ProbeFn;
  /** Runs on a scratch copy of the workspace because the probe writes files. */
  mutatesWorkspace?: boolean;
}

export type Scenario = StartupScenario | CommandScenario | CheckScenario | ProbeScenario;

// `-o /dev/null` lets `go build ./...` compile and link main packages without writing binaries
// into the user's tree.
// Startup scenarios come first: a cold start removes the environment's image, which the
// command scenarios then reuse.
/**
 * The catalogue. Each check and probe is a function in its own file, loaded when it first runs:
 * reading the list (`envbench history`, the CLI's options) loads none of them.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'startup-cold',
    kind: 'startup',
    temperature: 'cold',
    dimension: 'startup',
    title: 'Cold start',
    counts: 'from nothing cached (image and build cache removed) until the first-run command exits: `go build -o /dev/null` of the main packages, or the command given with --first-run',
  },
  {
    id: 'startup-warm',
    kind: 'startup',
    temperature: 'warm',
    dimension: 'startup',
    title: 'Warm start',
    counts: 'with the image and build cache present (entered once, unmeasured, first), until the first-run command exits: `go build -o /dev/null` of the main packages, or the command given with --first-run',
  },
  {
    id: 'build-clean',
    kind: 'command',
    dimension: 'performance',
    title: 'Clean build',
    counts: '`go build ./...` after emptying the environment\'s own build cache (module cache kept)',
    argv: ['go', 'build', '-o', '/dev/null', './...'],
    prepare: { kind: 'clean-build-cache' },
  },
  {
    id: 'build-incremental',
    kind: 'command',
    dimension: 'performance',
    title: 'Incremental build',
    counts: '`go build ./...` after changing one line of one main-package file, with a warm build cache',
    argv: ['go', 'build', '-o', '/dev/null', './...'],
    prepare: { kind: 'edit-source-file' },
    mutatesWorkspace: true,
  },
  {
    id: 'test',
    kind: 'command',
    dimension: 'performance',
    title: 'Tests',
    counts: '`go test -count=1 ./...` with a warm build cache (test results never cached)',
    argv: ['go', 'test', '-count=1', './...'],
    takesTestArgs: true,
  },
  {
    id: 'test-race',
    kind: 'command',
    dimension: 'performance',
    title: 'Tests with the race detector',
    counts: '`go test -race -count=1 ./...` with a warm build cache',
    argv: ['go', 'test', '-race', '-count=1', './...'],
    takesTestArgs: true,
  },
  {
    id: 'vet',
    kind: 'command',
    dimension: 'performance',
    title: 'Vet',
    counts: '`go vet ./...` with a warm build cache',
    argv: ['go', 'vet', './...'],
  },
  {
    id: 'gopls-load',
    kind: 'command',
    dimension: 'performance',
    title: 'gopls workspace load',
    counts: '`gopls stats -anon`: gopls loads the workspace as an editor would (its initial workspace load) and reports; time, peak RSS and bytes read of the whole process. Before the first sample gopls\'s goimports index of the module cache is built to completion in every environment, as an editor\'s long-running gopls keeps it',
    argv: ['gopls', 'stats', '-anon'],
    beforeFirstSample: 'build-goimports-index',
  },
  {
    id: 'debug-breakpoint',
    kind: 'probe',
    dimension: 'performance',
    title: 'Debugger to first breakpoint',
    counts: '`dlv debug --headless` of the main package until Delve listens (build and launch), then a breakpoint at main.main over its JSON-RPC API and `continue` until the program stops there; phases listening, attach, breakpoint',
    probe: (context) => import('./debug-breakpoint').then((m) => m.debugBreakpoint(context)),
    needsMainPackage: 'to debug',
  },
  {
    id: 'file-sync',
    kind: 'probe',
    dimension: 'performance',
    title: 'File sync latency',
    counts: 'from the host writing a new file into (a scratch copy of) the workspace until the environment, already polling, sees it',
    probe: (context) => import('./file-sync').then((m) => m.fileSync(context)),
    mutatesWorkspace: true,
    only: 'local',
  },
  {
    id: 'remote-sync',
    kind: 'probe',
    dimension: 'performance',
    title: 'Edit to remote host',
    counts: 'on a remote host (run --host): from a file written here until the environment there, already polling, sees it, two ways: rsync of the whole working copy over SSH, and a watcher here sending just that file with rsync; phases rsync, watch-sync; bytes sent as facts',
    probe: (context) => import('./remote-sync').then((m) => m.remoteSync(context)),
    mutatesWorkspace: true,
    only: 'remote',
  },
  {
    id: 'mount-build',
    kind: 'probe',
    dimension: 'performance',
    title: 'Build on the mount vs a copy',
    counts: 'the file-sync build: `go build ./...` (warm build cache) on the workspace as the environment mounts it, then on a copy inside the environment\'s own filesystem; phases mounted, copy',
    probe: (context) => import('./mount-build').then((m) => m.mountBuild(context)),
  },
  {
    id: 'modcache-isolation',
    kind: 'probe',
    dimension: 'performance',
    title: 'Module cache isolation',
    counts: 'two `go build -trimpath` of the first main package at once, three ways: sharing the environment\'s module cache, each with an empty module cache of its own (filled from the shared one as a local proxy), and vendored; phases shared-cache, own-cache, vendored, and whether all six binaries are identical',
    probe: (context) => import('./modcache-isolation').then((m) => m.modcacheIsolation(context)),
    needsMainPackage: 'to build twice three ways',
  },
  {
    id: 'offline-readiness',
    kind: 'check',
    dimension: 'maintenance',
    title: 'Offline readiness',
    counts: 'whether `go build ./...` succeeds in the warm environment with the network cut (once per runtime; ready / not ready with the first error line)',
    check: (context) => import('./offline-readiness').then((m) => m.offlineReadiness(context)),
  },
  {
    id: 'consistency',
    kind: 'check',
    dimension: 'maintenance',
    title: 'Environment consistency',
    counts: '`go version`, the `go env` settings that shape builds, the C compiler, gopls and Delve in each environment, side by side with native',
    check: (context) => import('./consistency').then((m) => m.consistency(context)),
  },
  {
    id: 'reproducible-build',
    kind: 'check',
    dimension: 'maintenance',
    title: 'Reproducible build',
    counts: 'SHA-256 of each main package built with -trimpath twice in each environment: stable across rebuilds, and identical to native or not (and why)',
    check: (context) => import('./reproducible-build').then((m) => m.reproducibleBuild(context)),
    needsMainPackage: 'to build a binary from',
  },
];

/**
 * Why a scenario has nothing to measure in this workspace, decided once per run before any
 * sampling: it needs a main package and the module has none (and none was named with --main), or
 * it means something only locally or only on a remote host (`host`: the run's --host). Null when it applies.
 */
export function notApplicableReason(scenario: Scenario, workspace: Pick<WorkspaceInfo, 'module' | 'mainPackages'>, host?: string): string | null {
  if (scenario.only === 'local' && host) return `it times a write here reaching a mount here; on ${host} an edit's way there is remote-sync's to measure`;
  if (scenario.only === 'remote' && !host) return 'it measures edits reaching a remote host: run it with --host NAME';
  if (!scenario.needsMainPackage || workspace.mainPackages.length > 0) return null;
  return `${workspace.module} has no main package (package main with func main) ${scenario.needsMainPackage}; name one with --main ./cmd/x`;
}

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

export function parseScenarioIds(list: string): string[] {
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  const known = SCENARIOS.map((s) => s.id);
  if (ids.length === 0) {
    throw new UserError('No scenario given', 'the scenario list is empty', `Name one or more of: ${known.join(', ')}`);
  }
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UserError(`Unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}`, `EnvBench knows ${known.join(', ')}`, 'Use one of those names, separated by commas');
  }
  return [...new Set(ids)];
}
