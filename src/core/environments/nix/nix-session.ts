import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FactValue, NixEntry, WorkspaceInfo } from '../../../shared/run';
import { configLines } from '../../config-lines';
import { definitionFacts } from '../definition-facts';
import { connectLoopback, delveArgv, launchDebugServer } from '../debug-server';
import { modulesSource } from '../host-go';
import type { ToolResult } from '../../machine/run-tool';
import { runTool } from '../../machine/run-tool';
import { measureHelperArgs } from '../../measure/measure-helper';
import { runMeasured } from '../../measure/measured-process';
import { nixError, pathInfoClosure } from '../nix-cli';
import { nixSystem } from '../offline-flake';
import { NETWORK_NAMESPACE_ISOLATION, withoutNetwork } from '../no-network';
import { NixStoreQueries } from './nix-store';
import { ENTER_DIRECTORY_ENV, enterDirectoryArgv, HOST_TMPDIR_ENV, RESTORE_TMPDIR, terminalShellArgv } from '../start-directory';
import { readyThenFirstRun } from '../startup-phases';
import type { CommandSpec, DebugServer, ExecOptions, ExecOutcome, Footprint, IsolatedOutcome, RuntimeSession, StartupOptions, StartupOutcome, StartupTemperature } from '../runtime';
import { addedEnvironment } from '../runtime';
import { flushPendingWrites } from '../../measure/flush-writes';
import type { DeferredRemovals } from '../../measure/deferred-removal';
import { emptyFolder } from '../../measure/deferred-removal';

// A prepared Nix environment (`nix develop` on a flake, or nix-shell): commands, terminals, the
// debugger, startups and the footprint, each entering the environment by an argument vector.

/**
 * Runs nix (or nix-store, nix-instantiate) with an argument vector, collecting its output. Never in
 * EnvBench's own working directory, which may be anything (see start-directory.ts): in `cwd`, by
 * default `/`.
 */
export function runNix(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal, program = 'nix', cwd = '/'): Promise<ToolResult> {
  return runTool(program, args, { env, signal, cwd });
}

export interface NixDefinition {
  entry: NixEntry;
  /** flake.nix or shell.nix. */
  file: string;
  /** `path:<dir>` for flakes; null for nix-shell. */
  flakeRef: string | null;
  source: string;
  /** Whether Nix calls may not use the network (--offline, or a definition that needs none). */
  offline: boolean;
  /** Why the offline variant was generated, when it was. */
  offlineReason: string | null;
  /** This EnvBench installation (instanceKey() of its data directory): names its shell and its GC root. */
  instance: string;
}

interface NixConfig {
  workspace: WorkspaceInfo;
  definition: NixDefinition;
  common: string[];
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** Where every Nix call of the session starts (never the workspace: start-directory.ts). */
  startDir: string;
  helper: string;
  nixVersion: string | null;
  goCache: string;
  modCache: string | null;
  /** The run's: a cold start's deletions are freed after its last sample (deferred-removal.ts). */
  removals?: DeferredRemovals;
  /** The run's cancel signal: also stops Nix calls outside a measurement (realising for the facts). */
  signal?: AbortSignal;
}

/**
 * nix-shell only takes a shell string (--run). So that no argument is ever parsed by a shell,
 * this constant script reads the command's argument vector, NUL-separated, from a file. (nix-shell
 * leaves PATH unexported for a plain derivation, so the script exports it.)
 */
const RUN_ARGV_FROM_FILE = `export PATH; mapfile -d "" -t argv < "$ENVBENCH_ARGV_FILE"; cd -- "$${ENTER_DIRECTORY_ENV}" || exit 126; ${RESTORE_TMPDIR}; exec "\${argv[@]}"`;

export class NixSession implements RuntimeSession {
  readonly runtime = 'nix' as const;
  readonly workspaceDir: string;
  readonly xdgCacheHome: string;
  private readonly startedAt = Date.now() - 1000;
  /** A GC root EnvBench owns that keeps the realised shell alive (`nix develop --profile`, `nix-store --add-root`). */
  private readonly profile: string;
  private readonly definition: NixDefinition;
  private readonly store = new NixStoreQueries((args) => this.classic('nix-store', args));

  constructor(private readonly config: NixConfig) {
    this.workspaceDir = config.workspace.path;
    this.xdgCacheHome = config.env.XDG_CACHE_HOME!;
    this.definition = config.definition;
    // One per installation: two data directories may share a cache directory (and with it stateDir).
    this.profile = path.join(config.stateDir, `${this.definition.entry === 'flake' ? 'dev-profile' : 'dev-profile-shell'}-${this.definition.instance}`);
  }

  private nix(args: string[], signal: AbortSignal | undefined = this.config.signal): Promise<ToolResult> {
    return runNix([...this.config.common, ...args], this.config.env, signal, 'nix', this.config.startDir);
  }

  /** nix-store or nix-instantiate, started where every Nix call of the session starts. */
  private classic(program: 'nix-store' | 'nix-instantiate', args: string[], signal?: AbortSignal): Promise<ToolResult> {
    return runNix(args, this.config.env, signal, program, this.config.startDir);
  }

  /** nix-shell and nix-instantiate take options but not the new CLI's experimental features. */
  private classicArgs(): string[] {
    return this.definition.offline ? ['--option', 'substituters', ''] : [];
  }

  private async must(what: string, run: Promise<ToolResult>): Promise<ToolResult> {
    const result = await run;
    if (result.code !== 0) throw new Error(`${what} failed: ${nixError(result.stderr)}`);
    return result;
  }

  /** Enters the shell and runs the helper there: wallMs includes entering the shell, innerWallMs does not. */
  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.entered(command, options, (program, args) => ({ program, args }));
  }

  /** dlv from the shell's PATH, entered like every command; the shell shares the host's network. */
  startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    return launchDebugServer((opts) => this.exec({ argv: delveArgv('dlv', mainPackage), cwd }, opts), connectLoopback, options);
  }

  /** The same entry inside a private network namespace: what the user gets on a plane. */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    return { ...(await this.entered(command, options, withoutNetwork)), isolation: NETWORK_NAMESPACE_ISOLATION };
  }

  private async entered(
    command: CommandSpec,
    options: ExecOptions,
    wrap: (program: string, args: string[]) => { program: string; args: string[] },
  ): Promise<ExecOutcome> {
    const inner = [this.config.helper, ...measureHelperArgs(command.argv, options.timeoutMs)];
    // Nix starts in the start directory; the command's directory is entered inside the shell, and
    // the host's TMPDIR restored there (Nix replaces it on every entry).
    const enter = { [ENTER_DIRECTORY_ENV]: command.cwd, [HOST_TMPDIR_ENV]: process.env.TMPDIR ?? '' };
    if (this.definition.entry === 'flake') {
      const { program, args } = wrap('nix', [...this.config.common, 'develop', this.definition.flakeRef!, '--command', ...enterDirectoryArgv(inner)]);
      return this.run(program, args, command, options, enter);
    }
    const argvFile = path.join(this.config.stateDir, `argv-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
    fs.writeFileSync(argvFile, inner.map((a) => `${a}\0`).join(''));
    try {
      const { program, args } = wrap('nix-shell', [...this.classicArgs(), this.definition.file, '--run', RUN_ARGV_FROM_FILE]);
      return await this.run(program, args, command, options, { ...enter, ENVBENCH_ARGV_FILE: argvFile });
    } finally {
      fs.rmSync(argvFile, { force: true });
    }
  }

  private async run(program: string, args: string[], command: CommandSpec, options: ExecOptions, extraEnv: Record<string, string>): Promise<ExecOutcome> {
    const outcome = await runMeasured({
      program,
      args,
      cwd: this.config.startDir,
      env: { ...this.config.env, ...command.env, ...extraEnv },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    return {
      ...outcome,
      stderr: withoutEntryNoise(outcome.stderr),
      wallMs: outcome.outerWallMs,
      innerWallMs: outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs,
    };
  }

  /** evaluate: the shell's derivation path (flake: also copies the flake and its inputs into the store). */
  private async evaluate(signal?: AbortSignal): Promise<string> {
    if (this.definition.entry === 'flake') {
      return (await this.must('evaluating the flake', this.nix(['eval', '--raw', `${this.definition.flakeRef}#devShells.${nixSystem()}.default.drvPath`], signal))).stdout.trim();
    }
    const result = await this.must('evaluating shell.nix', this.classic('nix-instantiate', [...this.classicArgs(), this.definition.file], signal));
    return result.stdout.trim().split('\n').pop()!.replace(/!.*$/, '');
  }

  /** realise: build (or fetch) the shell environment and register it as EnvBench's GC root. */
  private async realise(drvPath: string, signal?: AbortSignal): Promise<void> {
    if (this.definition.entry === 'flake') {
      await this.must('realising the shell', this.nix(['develop', this.definition.flakeRef!, '--profile', this.profile, '--command', 'true'], signal));
      return;
    }
    await this.must('realising the shell', this.classic('nix-store', [...this.classicArgs(), '--realise', drvPath, '--add-root', this.profile, '--indirect'], signal));
  }

  /**
   * Store paths this environment brought in, by who may delete them. `own`, in deletion order:
   * the shell's output, the derivations, the flake's own source; a generated definition's are
   * this EnvBench installation's alone (its shell is named for it, goShellName()). `shared`: the
   * inputs (the flake's inputs, or what a generated shell.nix copied in: the host's Go toolchain,
   * gopls/dlv, nixpkgs) are content-addressed, the same store path for every installation and
   * user with the same files. A workspace's own shell.nix may reference nixpkgs' sources that
   * other things share, so only its output and derivation count.
   */
  async storePathsByOwner(): Promise<{ own: string[]; shared: string[] }> {
    const own: string[] = [];
    const shared: string[] = [];
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    if (target) {
      own.push(target);
      const deriver = await this.classic('nix-store', ['--query', '--deriver', target]);
      if (deriver.code === 0 && deriver.stdout.trim().startsWith('/nix/store/')) own.push(deriver.stdout.trim());
    }
    const drv = await this.evaluate().catch(() => null);
    if (drv) own.push(drv);
    if (this.definition.entry === 'flake') {
      const archive = await this.nix(['flake', 'archive', '--dry-run', '--json', this.definition.flakeRef!]);
      if (archive.code === 0) {
        type Node = { path?: string; inputs?: Record<string, Node> };
        const collect = (node: Node, into: string[]): void => {
          if (node.path) into.push(node.path);
          for (const input of Object.values(node.inputs ?? {})) collect(input, shared);
        };
        collect(JSON.parse(archive.stdout) as Node, own);
      }
    } else if (drv && this.definition.source.startsWith('generated')) {
      const sources = await this.classic('nix-store', ['--query', '--references', drv]);
      shared.push(...sources.stdout.split('\n').filter((p) => p.startsWith('/nix/store/') && !p.endsWith('.drv')));
    }
    const ownSet = new Set(own);
    return { own: [...ownSet], shared: [...new Set(shared)].filter((p) => !ownSet.has(p)) };
  }

  /** Every store path this environment brought in: its own, then the shared inputs. */
  async storePaths(): Promise<string[]> {
    const { own, shared } = await this.storePathsByOwner();
    return [...own, ...shared];
  }

  /** Which of these paths are in the store now. */
  presentPaths(paths: readonly string[]): Promise<string[]> {
    return this.store.presentPaths(paths);
  }

  /**
   * This installation's GC roots in this cache directory (any workspace's, and the unnamed ones
   * of EnvBench versions before installations were told apart) that keep one of `paths`: a
   * generated shell is the same store path for every workspace of this installation. Another
   * installation's roots (two data directories may share a cache directory) stay, and a path
   * they keep is reported by the cold start, not forced.
   */
  private dropOwnRoots(paths: ReadonlySet<string>): void {
    const runtimeDir = path.dirname(this.config.stateDir);
    const { instance } = this.definition;
    const mine = (name: string): boolean => name.startsWith(`dev-profile-${instance}`) || name.startsWith(`dev-profile-shell-${instance}`) || /^dev-profile(-shell)?(-\d+-link)?$/.test(name);
    for (const dir of fs.readdirSync(runtimeDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const link of fs.readdirSync(path.join(runtimeDir, dir.name)).filter(mine)) {
        const file = path.join(runtimeDir, dir.name, link);
        let target: string;
        try {
          target = fs.realpathSync(file);
        } catch {
          continue; // dangling: keeps nothing alive
        }
        if (paths.has(target)) fs.rmSync(file, { force: true });
      }
    }
  }

  /** What a cold start does with the shared inputs (the host's Go toolchain and tools, or nixpkgs): they stay. */
  private async sharedInputsFact(): Promise<string | null> {
    const { shared } = await this.storePathsByOwner();
    if (shared.length === 0) return null;
    return `${shared.length} content-addressed input${shared.length === 1 ? '' : 's'} (the host's Go toolchain and tools, or nixpkgs): added to the store once and kept by cold starts, as docker keeps its Go image`;
  }

  /**
   * Cold: delete this environment's own store paths (dropping EnvBench's GC roots on them; a
   * path another GC root keeps alive is reported, never forced), the evaluation cache and the Go
   * build cache. The shared inputs stay: they are what a binary cache or an earlier download
   * leaves in a person's store, as the docker runtime keeps its Go image and native its Go; a
   * cold start builds the environment again on them.
   */
  async evictCaches(): Promise<void> {
    const { own } = await this.storePathsByOwner();
    // Together with every path that refers to them (older shells of this definition, their
    // derivations): Nix deletes only what no GC root keeps alive, so a live path is never forced.
    const present = await this.presentPaths(own);
    const kept: string[] = [];
    if (present.length > 0) {
      const doomed = await this.store.deletionClosure(present);
      this.dropOwnRoots(new Set(doomed));
      this.config.removals?.keepFilesOf(doomed);
      const deleted = await this.store.delete(doomed);
      const reason = nixError(deleted.stderr, 1);
      for (const storePath of await this.presentPaths(present)) {
        const roots = await this.store.rootsOf(storePath);
        kept.push(roots.length > 0 ? `${storePath} (kept alive by the GC root ${roots[0]})` : `${storePath} (not deleted: ${reason || 'Nix refused'})`);
      }
    }
    if (kept.length > 0) throw new Error(`cannot make the Nix store cold: ${kept.join('; ')}; EnvBench does not force it`);
    await emptyFolder(this.config.env.XDG_CACHE_HOME!, this.config.removals);
    await emptyFolder(this.config.goCache, this.config.removals);
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') {
      await this.evictCaches();
      await flushPendingWrites();
    }
    const phases: { name: string; ms: number }[] = [];
    let started = performance.now();
    const drvPath = await this.evaluate(options.signal);
    phases.push({ name: 'evaluate', ms: performance.now() - started });
    started = performance.now();
    await this.realise(drvPath, options.signal);
    phases.push({ name: 'realise', ms: performance.now() - started });
    return readyThenFirstRun(phases, 'shell-ready', (argv) => this.exec({ argv, cwd: this.workspaceDir }, options), options.firstRun);
  }

  /**
   * The entry a person would type, and what EnvBench adds to its own environment for every entry.
   * Nix starts in the start directory and the shell enters the workspace from ENTER_DIRECTORY_ENV:
   * `nix develop --command` runs bash with EnvBench's terminal rc file (terminalShellArgv); nix-shell runs a
   * fixed `--command` that exports PATH (a plain derivation leaves it unexported, so programs
   * started from the shell would not find Go), enters the workspace and returns to the interactive
   * shell.
   */
  interactiveShell(): { argv: string[]; env: Record<string, string>; title: string; cwd: string } {
    const env = { ...addedEnvironment(this.config.env), [ENTER_DIRECTORY_ENV]: this.workspaceDir };
    const cwd = this.config.startDir;
    if (this.definition.entry === 'flake') {
      return { argv: ['nix', 'develop', this.definition.flakeRef!, ...this.config.common, '--command', ...terminalShellArgv(this.config.stateDir)], env, title: 'Nix: nix develop', cwd };
    }
    const command = `export PATH; cd -- "$${ENTER_DIRECTORY_ENV}"; return`;
    return { argv: ['nix-shell', ...this.classicArgs(), this.definition.file, '--command', command], env, title: 'Nix: nix-shell', cwd };
  }

  async footprint(): Promise<Footprint> {
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    if (!target) return { totalBytes: 0, items: [] };
    const info = await this.nix(['path-info', '-S', '--json', target]);
    const closure = info.code === 0 ? (pathInfoClosure(info.stdout, target).closureBytes ?? 0) : 0;
    return { totalBytes: closure, items: [{ label: 'devShell closure', bytes: closure, path: target }] };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const flake = this.definition.entry === 'flake';
    const lockFile = flake ? path.join(path.dirname(this.definition.file), 'flake.lock') : null;
    // A generated shell.nix pins its sources by hash; a workspace's own cannot be judged from outside.
    let pinsEveryInput: boolean | null = flake ? null : this.definition.source.startsWith('generated') ? true : null;
    if (lockFile && fs.existsSync(lockFile)) {
      const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { nodes: Record<string, { locked?: { narHash?: string; rev?: string } }>; root: string };
      pinsEveryInput = Object.entries(lock.nodes)
        .filter(([name]) => name !== lock.root)
        .every(([, node]) => Boolean(node.locked?.narHash || node.locked?.rev));
    }
    // Realise once so the closure can be measured (a no-op when already there).
    await this.realise(await this.evaluate(this.config.signal), this.config.signal);
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    let closureBytes: number | null = null;
    let storePaths: number | null = null;
    if (target) {
      const info = await this.nix(['path-info', '-S', '-r', '--json', target]);
      if (info.code === 0) {
        // A list before Nix 2.19, an object keyed by path since.
        const closure = pathInfoClosure(info.stdout, target);
        storePaths = closure.paths;
        closureBytes = closure.closureBytes;
      }
    }
    const text = fs.readFileSync(this.definition.file, 'utf8');
    return {
      entryMode: flake ? 'nix develop (flake)' : 'nix-shell (shell.nix)',
      definitionFile: this.definition.file,
      definitionSource: this.definition.source,
      offlineReason: this.definition.offlineReason,
      nixVersion: this.config.nixVersion,
      lockfile: lockFile && fs.existsSync(lockFile) ? lockFile : flake ? null : 'none (nix-shell has no lock file; a generated shell.nix pins its sources by sha256)',
      lockPinsEveryInput: pinsEveryInput,
      closureBytes,
      closureStorePaths: storePaths,
      configLines: configLines(text),
      modulesSource: modulesSource(this.config.workspace, this.config.modCache).replace(' (read-only)', ''),
      privileges: 'none (single-user Nix store)',
      coldStartSharedInputs: await this.sharedInputsFact(),
      ...definitionFacts(this.definition.file, this.definition.source, text),
    };
  }

  async dispose(): Promise<void> {
    // The GC root stays, so the next run starts warm; `startup-cold` removes it on purpose. The
    // entries' temporary directories this session left (an exec'd command never runs Nix's
    // clean-up trap) go; a terminal's, older or still in use, stay.
    const tmp = this.config.env.TMPDIR!;
    for (const name of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) {
      const dir = path.join(tmp, name);
      if (name.startsWith('nix-shell.') && fs.statSync(dir).mtimeMs >= this.startedAt) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * What Nix prints on every offline entry and then ignores: `nix develop` and `nix-shell` both look
 * up nixpkgs' bashInteractive, fail, and use the bash on PATH. Dropped so that a command's own
 * error is the one the user sees.
 */
export function withoutEntryNoise(stderr: string): string {
  const lines = stderr.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^error \(ignored\)/.test(line)) continue;
    if (/^error: file 'nixpkgs' was not found in the Nix search path/.test(line)) {
      const end = lines.findIndex((l, j) => j > i && /^will use bash from your environment/.test(l));
      if (end > 0) {
        i = end;
        continue;
      }
    }
    if (/^will use bash from your environment/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n');
}
