import fs from 'node:fs';
import path from 'node:path';
import type { FactValue } from '../../../shared/run';
import { configLines } from '../../config-lines';
import { capDefinitionText, definitionFacts } from '../definition-facts';
import { connectLoopback, delveArgv, launchDebugServer } from '../debug-server';
import { directorySize } from '../../machine/disk-usage';
import type { ToolResult } from '../../machine/run-tool';
import { runTool } from '../../machine/run-tool';
import { measureHelperArgs } from '../../measure/measure-helper';
import { runMeasured } from '../../measure/measured-process';
import { nixError } from '../nix-cli';
import { nixSystem } from '../offline-flake';
import { NETWORK_NAMESPACE_ISOLATION, namespaceFailure, withoutNetwork } from '../no-network';
import { readyThenFirstRun } from '../startup-phases';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, Footprint, FootprintItem, IsolatedOutcome, RuntimeSession, StartupOptions, StartupOutcome, StartupTemperature } from '../runtime';
import { addedEnvironment } from '../runtime';
import { flakeLockPinsEveryInput, localFlakeUrl, lockPins, lockStorePaths, pathFlakeDir, pathInfoUnion } from './devbox-definitions';
import { devboxTerminalEntry, runInDirectoryEnv, runInDirectoryScript } from './devbox-entry';
import { devboxFailure } from './devbox-errors';
import { devboxPackages } from './devbox-json';
import { flushPendingWrites } from '../../measure/flush-writes';
import type { DeferredRemovals } from '../../measure/deferred-removal';
import { emptyFolder } from '../../measure/deferred-removal';

export interface DevboxDefinition {
  /** The directory passed as `--config`: Devbox keeps its state in `<configDir>/.devbox/`. */
  configDir: string;
  configFile: string;
  source: 'workspace' | 'generated' | 'generated-offline';
  offlineFlakeDir: string | null;
  /** Offline: the flake devbox.lock resolves nixpkgs to (nixpkgsStandinFlake). */
  standinDir: string | null;
  /** Offline: the store paths the Go tree and tools were added as (storedSource). */
  storeSources: string[];
}

interface DevboxSessionConfig extends DevboxDefinition {
  program: string;
  workspacePath: string;
  offline: boolean;
  env: NodeJS.ProcessEnv;
  helper: string;
  devboxVersion: string | null;
  nixVersion: string | null;
  /** Arguments for EnvBench's own Nix queries (path-info, eval), offline-safe. */
  nixArgs: string[];
  goCache: string;
  /** The run's: a cold start's deletions are freed after its last sample (deferred-removal.ts). */
  removals?: DeferredRemovals;
  /** Where Devbox and Nix are started: never the workspace (start-directory.ts). */
  startDir: string;
}

const SOURCE_TEXT: Record<DevboxDefinition['source'], string> = {
  workspace: 'workspace devbox.json',
  generated: 'generated devbox.json (packages from nixpkgs through Devbox search)',
  'generated-offline': "generated devbox.json (offline: local flake with this machine's Go toolchain)",
};

export class DevboxSession implements RuntimeSession {
  readonly runtime = 'devbox' as const;
  readonly workspaceDir: string;
  private readonly stateDir: string;
  private readonly profileLink: string;

  constructor(private readonly config: DevboxSessionConfig) {
    this.workspaceDir = config.workspacePath;
    this.stateDir = path.join(config.configDir, '.devbox');
    // The project's Nix profile: Devbox's GC root for the packages it installed.
    this.profileLink = path.join(this.stateDir, 'nix', 'profile', 'default');
  }

  private devbox(args: string[], signal?: AbortSignal): Promise<ToolResult> {
    return runTool(this.config.program, args, { env: this.config.env, cwd: this.config.startDir, signal });
  }

  private nix(args: string[], program = 'nix'): Promise<ToolResult> {
    return runTool(program, program === 'nix' ? [...this.config.nixArgs, ...args] : args, { env: this.config.env, cwd: this.config.startDir });
  }

  /**
   * `devbox run --config DIR -- <fixed script>`: the script changes to the command's directory and
   * execs the measure helper, which runs the command. wallMs includes Devbox computing the
   * environment and running the init hook; innerWallMs is the command alone.
   */
  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const { args, env } = this.entry(command, options);
    return this.run(this.config.program, args, env, command, options);
  }

  /** dlv from the Devbox shell's PATH (its `delve` package), entered like every command; host network. Not yet run against a real Devbox. */
  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return launchDebugServer((opts) => this.exec({ argv: delveArgv('dlv', mainPackage), cwd }, opts), connectLoopback, options);
  }

  /** The same entry inside a private network namespace: what the user gets on a plane. */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const { args, env } = this.entry(command, options);
    const isolated = withoutNetwork(this.config.program, args);
    return { ...(await this.run(isolated.program, isolated.args, env, command, options)), isolation: NETWORK_NAMESPACE_ISOLATION };
  }

  private entry(command: CommandSpec, options: ExecOptions): { args: string[]; env: Record<string, string> } {
    const argv = [this.config.helper, ...measureHelperArgs(command.argv, options.timeoutMs)];
    return {
      args: ['run', '--config', this.config.configDir, '--', runInDirectoryScript(argv.length)],
      env: runInDirectoryEnv(command.cwd, argv),
    };
  }

  private async run(program: string, args: string[], entryEnv: Record<string, string>, command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const outcome = await runMeasured({
      program,
      args,
      cwd: this.config.startDir,
      env: { ...this.config.env, ...command.env, ...entryEnv },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    if (!outcome.report && !outcome.timedOut && !outcome.cancelled && !namespaceFailure(outcome.stderr)) {
      // Devbox failed before the command started: say why in Devbox's words.
      outcome.stderr = `${outcome.stderr}\n${devboxFailure(outcome.stderr, this.config.offline)}`;
    }
    return { ...outcome, wallMs: outcome.outerWallMs, innerWallMs: outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs };
  }

  /**
   * Cold start phases. Devbox resolves what devbox.lock does not pin (search.devbox.sh) and
   * realises the packages in one command, `devbox install`; nothing outside Devbox can tell the
   * two apart, so they are one phase, `install`, rather than a made-up `resolve`. With a lock that
   * pins every package, resolving is reading the lock. Then `shell-ready` (the first `go version`
   * through `devbox run`, which computes the environment and runs the init hook) and `first-run`.
   */
  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') {
      await this.evictCaches();
      await flushPendingWrites();
    }
    const phases: { name: string; ms: number }[] = [];
    const started = performance.now();
    const install = await this.devbox(['install', '--config', this.config.configDir], options.signal);
    if (install.code !== 0) throw new Error(`devbox install failed: ${devboxFailure(install.stderr, this.config.offline)}`);
    phases.push({ name: 'install', ms: performance.now() - started });
    return readyThenFirstRun(phases, 'shell-ready', (argv) => this.exec({ argv, cwd: this.workspaceDir }, options), options.firstRun);
  }

  /**
   * The terminal's entry (devboxTerminalEntry: `devbox shell`, or `devbox run` of bash where that
   * is unsafe), started in the start directory, with what EnvBench adds to its own environment
   * for every entry.
   */
  interactiveShell(): { argv: string[]; env: Record<string, string>; cwd: string; entry: 'devbox shell' | 'devbox run'; why: string | null } {
    // EnvBench's files for it go into this runtime's own cache folder (GOCACHE's parent).
    const entry = devboxTerminalEntry(this.config.program, this.config.configDir, this.workspaceDir, path.dirname(this.config.goCache));
    return { argv: entry.argv, env: { ...addedEnvironment(this.config.env), ...entry.env }, cwd: this.config.startDir, entry: entry.entry, why: entry.why };
  }

  private profileTarget(): string | null {
    try {
      const target = fs.realpathSync(this.profileLink);
      return target.startsWith('/nix/store/') ? target : null;
    } catch {
      return null;
    }
  }

  /**
   * Store paths EnvBench's Devbox environment created, and only those: the project profile Devbox
   * built, and offline the local flake's package derivations. The packages themselves (Go from
   * cache.nixos.org, or the toolchain copy other EnvBench environments share) are kept, as a
   * pulled base layer would be.
   */
  async storePaths(): Promise<string[]> {
    const paths: string[] = [];
    const profile = this.profileTarget();
    if (profile) paths.push(profile);
    if (this.config.offlineFlakeDir) {
      const flake = localFlakeUrl(this.config.offlineFlakeDir);
      for (const attribute of ['go', 'gopls', 'dlv']) {
        const out = await this.nix(['eval', '--raw', `${flake}#packages.${nixSystem()}.${attribute}.outPath`]);
        if (out.code === 0 && out.stdout.startsWith('/nix/store/')) paths.push(out.stdout.trim());
      }
    }
    return [...new Set(paths)];
  }

  private async presentPaths(paths: readonly string[]): Promise<string[]> {
    const present: string[] = [];
    for (const p of paths) if ((await this.nix(['--check-validity', p], 'nix-store')).code === 0) present.push(p);
    return present;
  }

  /**
   * Cold: drop Devbox's state in `.devbox/` (its profile, the GC root of the packages, goes with
   * it), delete the store paths above with `nix-store --delete`, which never deletes a path
   * something else keeps alive (such a path fails the cold sample, named with its root), and empty
   * the Go build cache. For a workspace's own devbox.json, `.devbox/virtenv` (plugin data such as
   * databases) is kept. Devbox's and Nix's caches under the user's XDG_CACHE_HOME are the user's
   * and are left alone.
   */
  async evictCaches(): Promise<void> {
    const paths = await this.storePaths();
    const keep = this.config.source === 'workspace' ? new Set(['virtenv']) : new Set<string>();
    if (fs.existsSync(this.stateDir)) {
      for (const entry of fs.readdirSync(this.stateDir)) {
        if (!keep.has(entry)) fs.rmSync(path.join(this.stateDir, entry), { recursive: true, force: true });
      }
    }
    const present = await this.presentPaths(paths);
    const kept: string[] = [];
    if (present.length > 0) {
      const closure = await this.nix(['--query', '--referrers-closure', ...present], 'nix-store');
      const doomed = [...new Set([...closure.stdout.trim().split('\n').filter(Boolean), ...present])];
      this.config.removals?.keepFilesOf(doomed);
      const deleted = await this.nix(['--delete', ...doomed], 'nix-store');
      const reason = nixError(deleted.stderr, 1);
      for (const storePath of await this.presentPaths(present)) {
        const roots = (await this.nix(['--query', '--roots', storePath], 'nix-store')).stdout.trim().split('\n').filter((l) => l.includes(' -> '));
        kept.push(roots.length > 0 ? `${storePath} (kept alive by the GC root ${roots[0]})` : `${storePath} (not deleted: ${reason || 'Nix refused'})`);
      }
    }
    if (kept.length > 0) throw new Error(`cannot make the Devbox environment cold: ${kept.join('; ')}; EnvBench does not force it`);
    await emptyFolder(this.config.goCache, this.config.removals);
  }

  /**
   * The store paths the environment consists of: Devbox's profile when it made one; else (Devbox
   * 0.18 makes none for flake packages) the offline flake's package outputs and the outputs
   * devbox.lock names for this system, those present in the store.
   */
  private async environmentRoots(): Promise<string[]> {
    const profile = this.profileTarget();
    if (profile) return [profile];
    const paths = await this.storePaths();
    const lockFile = path.join(this.config.configDir, 'devbox.lock');
    if (fs.existsSync(lockFile)) paths.push(...lockStorePaths(fs.readFileSync(lockFile, 'utf8'), nixSystem()));
    return this.presentPaths([...new Set(paths)]);
  }

  private async profileClosure(): Promise<{ path: string; bytes: number | null; paths: number | null; storePaths: string[] } | null> {
    const roots = await this.environmentRoots();
    if (roots.length === 0) return null;
    const label = roots.join(', ');
    const info = await this.nix(['path-info', '-S', '-r', '--json', ...roots]);
    if (info.code !== 0) return { path: label, bytes: null, paths: null, storePaths: [] };
    try {
      const { narBytes, storePaths } = pathInfoUnion(info.stdout);
      return { path: label, bytes: narBytes, paths: storePaths.length, storePaths };
    } catch {
      return { path: label, bytes: null, paths: null, storePaths: [] };
    }
  }

  async footprint(): Promise<Footprint> {
    const items: FootprintItem[] = [{ label: 'Devbox state (.devbox/)', path: this.stateDir, bytes: await directorySize(this.stateDir) }];
    const closure = await this.profileClosure();
    if (closure?.bytes != null) items.push({ label: 'Devbox environment closure (Nix store)', path: closure.path, bytes: closure.bytes });
    items.push({ label: 'Go build cache (EnvBench-owned)', path: this.config.goCache, bytes: await directorySize(this.config.goCache) });
    return { totalBytes: items.reduce((sum, item) => sum + item.bytes, 0), items };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const text = fs.readFileSync(this.config.configFile, 'utf8');
    const lockFile = path.join(this.config.configDir, 'devbox.lock');
    let pins: { pinsEveryPackage: boolean; unpinned: string[] } | null = null;
    const flakeLockPins = (ref: string): boolean => {
      const file = path.join(pathFlakeDir(ref), 'flake.lock');
      return fs.existsSync(file) && flakeLockPinsEveryInput(fs.readFileSync(file, 'utf8'));
    };
    if (fs.existsSync(lockFile)) pins = lockPins(fs.readFileSync(lockFile, 'utf8'), devboxPackages(text), flakeLockPins);
    const closure = await this.profileClosure();
    // On disk, each path of the profile's closure (the Go tree included) counted once.
    let profileDiskBytes: number | null = null;
    if (closure && closure.storePaths.length > 0) {
      profileDiskBytes = 0;
      for (const storePath of closure.storePaths) profileDiskBytes += await directorySize(storePath);
    }
    return {
      entryMode: 'devbox run --config (one devbox run per command)',
      definitionFile: this.config.configFile,
      definitionSource: SOURCE_TEXT[this.config.source],
      offlineFlake: this.config.offlineFlakeDir ? path.join(this.config.offlineFlakeDir, 'flake.nix') : null,
      devboxVersion: this.config.devboxVersion,
      nixVersion: this.config.nixVersion,
      lockfile: pins ? lockFile : null,
      lockPinsEveryPackage: pins?.pinsEveryPackage ?? null,
      // What the ranking reads: devbox.lock (with the local flakes' flake.lock) pins every input.
      lockPinsEveryInput: pins?.pinsEveryPackage ?? null,
      lockUnpinnedPackages: pins && pins.unpinned.length > 0 ? pins.unpinned.join(', ') : null,
      closureBytes: closure?.bytes ?? null,
      closureStorePaths: closure?.paths ?? null,
      profileDiskBytes,
      nixStoreSources: this.config.storeSources.length > 0 ? this.config.storeSources.join(', ') : null,
      configLines: configLines(text),
      privileges: 'none',
      ...definitionFacts(this.config.configFile, SOURCE_TEXT[this.config.source], text),
      ...this.offlineDefinitionFacts(lockFile),
    };
  }

  /** Offline, the files besides devbox.json the run used: the packages' flake, the nixpkgs stand-in and devbox.lock (definition.*.file/text). */
  private offlineDefinitionFacts(lockFile: string): Record<string, FactValue> {
    if (this.config.source !== 'generated-offline') return {};
    const facts: Record<string, FactValue> = {};
    const files: [string, string | null][] = [
      ['packagesFlake', this.config.offlineFlakeDir && path.join(this.config.offlineFlakeDir, 'flake.nix')],
      ['nixpkgsStandin', this.config.standinDir && path.join(this.config.standinDir, 'flake.nix')],
      ['devboxLock', lockFile],
    ];
    for (const [name, file] of files) {
      if (!file || !fs.existsSync(file)) continue;
      facts[`definition.${name}.file`] = file;
      facts[`definition.${name}.text`] = capDefinitionText(fs.readFileSync(file, 'utf8'));
    }
    return facts;
  }

  async dispose(): Promise<void> {
    // Devbox's profile stays, so the next run starts warm; `startup-cold` removes it on purpose.
  }
}
