import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FactValue, RuntimeHealth } from '../../shared/run';
import { configLines } from '../config-lines';
import { runtimeCacheDir, workspaceDataDir, workspaceKey } from '../data-paths';
import { hostGoToolchain } from '../docker/offline-images';
import { isMeasureHelperBuilt, measureHelperArgs, measureHelperPath } from '../measure/measure-helper';
import { runMeasured } from '../measure/measured-process';
import { compareVersions, emptyRegistry, MIN_FLAKES_VERSION, nixCommonArgs, nixError, nixVersion } from '../nix/nix-cli';
import { nixSystem, offlineFlake } from '../nix/offline-flake';
import { UserError } from '../user-error';
import { goEnvironment } from './go-environment';
import { NETWORK_NAMESPACE_ISOLATION, withoutNetwork } from './no-network';
import type {
  CommandSpec,
  ExecOptions,
  ExecOutcome,
  Footprint,
  IsolatedOutcome,
  PrepareContext,
  Runtime,
  RuntimeSession,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from './runtime';

interface NixResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs nix (or nix-store) with an argument vector (never a shell), collecting its output. */
function runNix(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal, program = 'nix'): Promise<NixResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-64 * 1024)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Nix flakes: `nix develop` on the workspace's flake.nix, or on one EnvBench generates. */
export class NixRuntime implements Runtime {
  readonly id = 'nix' as const;
  readonly displayName = 'Nix';

  constructor(private readonly resourcesDir: string) {}

  async detect(): Promise<RuntimeHealth> {
    const { version, failure } = await nixVersion();
    if (!version) {
      const reason =
        failure === 'ENOENT'
          ? 'Nix is not installed: install it (`apt-get install nix-bin`, or the installer at https://nixos.org/download)'
          : `\`nix --version\` failed (${failure}): check your Nix installation`;
      return { id: this.id, available: false, version: null, reason };
    }
    if (compareVersions(version, MIN_FLAKES_VERSION) < 0) {
      return { id: this.id, available: false, version, reason: `Nix ${version} is too old for flakes and \`nix develop\` (needs ${MIN_FLAKES_VERSION} or newer): upgrade Nix` };
    }
    if (!isMeasureHelperBuilt(this.resourcesDir)) {
      return { id: this.id, available: false, version, reason: 'the measure helper is not built: run `npm run setup`' };
    }
    return { id: this.id, available: true, version, reason: null };
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const log = context.log ?? (() => {});
    const own = runtimeCacheDir(context.dataDir, this.id);
    const key = workspaceKey(context.workspace.path);
    const stateDir = path.join(own, key);
    fs.mkdirSync(stateDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...goEnvironment(context.dataDir, this.id, context.offline),
      // Nix's evaluation cache lives under XDG_CACHE_HOME: EnvBench's own, so a cold start can drop it.
      XDG_CACHE_HOME: path.join(own, 'xdg-cache'),
    };

    let flakeRef: string;
    let flakeFile: string;
    let generated: boolean;
    if (context.workspace.definitions.includes('flake.nix')) {
      flakeRef = `path:${context.workspace.path}`;
      flakeFile = path.join(context.workspace.path, 'flake.nix');
      generated = false;
      log(`nix: using the workspace's own flake.nix`);
    } else {
      const toolchain = await hostGoToolchain();
      const flakeDir = path.join(workspaceDataDir(context.dataDir, context.workspace.path), 'nix');
      let toolsDir: string | null = null;
      if (toolchain.tools.length > 0) {
        toolsDir = path.join(workspaceDataDir(context.dataDir, context.workspace.path), 'nix-tools');
        fs.mkdirSync(toolsDir, { recursive: true });
        for (const tool of toolchain.tools) fs.copyFileSync(tool.path, path.join(toolsDir, tool.name));
      }
      fs.mkdirSync(flakeDir, { recursive: true });
      flakeFile = path.join(flakeDir, 'flake.nix');
      const text = offlineFlake({ goroot: toolchain.goroot, toolsDir, system: nixSystem(), goVersion: toolchain.version });
      if (!fs.existsSync(flakeFile) || fs.readFileSync(flakeFile, 'utf8') !== text) {
        fs.writeFileSync(flakeFile, text);
        fs.rmSync(path.join(flakeDir, 'flake.lock'), { force: true });
      }
      flakeRef = `path:${flakeDir}`;
      generated = true;
      log(`nix: generated ${flakeFile} (offline: the host's Go toolchain as a path: input, no nixpkgs)`);
    }
    // The generated flake needs nothing from the network, so its calls are always offline.
    const common = nixCommonArgs(emptyRegistry(own), context.offline || generated);
    const lock = await runNix([...common, 'flake', 'lock', flakeRef], env, context.signal);
    if (lock.code !== 0) throw new UserError(`The flake ${flakeFile} cannot be used`, `Nix says: ${nixError(lock.stderr)}`, 'Fix the flake (`nix flake check` shows the same error)');
    const version = (await nixVersion()).version;
    return new NixSession({
      workspacePath: context.workspace.path,
      scratchPath: context.scratchPath,
      flakeRef,
      flakeFile,
      generated,
      common,
      env,
      stateDir,
      helper: measureHelperPath(this.resourcesDir),
      nixVersion: version,
      goCache: goEnvironment(context.dataDir, this.id, context.offline).GOCACHE!,
    });
  }
}

interface NixConfig {
  workspacePath: string;
  scratchPath: string | null;
  flakeRef: string;
  flakeFile: string;
  generated: boolean;
  common: string[];
  env: NodeJS.ProcessEnv;
  stateDir: string;
  helper: string;
  nixVersion: string | null;
  goCache: string;
}

class NixSession implements RuntimeSession {
  readonly runtime = 'nix' as const;
  readonly workspaceDir: string;
  private readonly profile: string;

  constructor(private readonly config: NixConfig) {
    this.workspaceDir = config.workspacePath;
    // `nix develop --profile` keeps the shell's closure alive (a GC root EnvBench owns).
    this.profile = path.join(config.stateDir, 'dev-profile');
  }

  private nix(args: string[], signal?: AbortSignal): Promise<NixResult> {
    return runNix([...this.config.common, ...args], this.config.env, signal);
  }

  private async must(what: string, args: string[], signal?: AbortSignal): Promise<NixResult> {
    const result = await this.nix(args, signal);
    if (result.code !== 0) throw new Error(`${what} failed: ${nixError(result.stderr)}`);
    return result;
  }

  /** `nix develop <flake> --command <helper> ...`: wallMs includes entering the shell, innerWallMs does not. */
  exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.run('nix', this.entryArgs(command, options), command, options);
  }

  /** The same entry inside a private network namespace: what the user gets on a plane. */
  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const isolated = withoutNetwork('nix', this.entryArgs(command, options));
    return { ...(await this.run(isolated.program, isolated.args, command, options)), isolation: NETWORK_NAMESPACE_ISOLATION };
  }

  private entryArgs(command: CommandSpec, options: ExecOptions): string[] {
    return [...this.config.common, 'develop', this.config.flakeRef, '--command', this.config.helper, ...measureHelperArgs(command.argv, options.timeoutMs)];
  }

  private async run(program: string, args: string[], command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const outcome = await runMeasured({
      program,
      args,
      cwd: command.cwd,
      env: { ...this.config.env, ...command.env },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    return { ...outcome, wallMs: outcome.outerWallMs, innerWallMs: outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs };
  }

  /**
   * Store paths this environment brought in, in deletion order: the shell's output, the
   * derivations (they reference the sources), then the flake's source and its inputs.
   */
  async storePaths(): Promise<string[]> {
    const paths: string[] = [];
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    if (target) {
      paths.push(target);
      const deriver = await runNix(['--query', '--deriver', target], this.config.env, undefined, 'nix-store');
      if (deriver.code === 0 && deriver.stdout.trim().startsWith('/nix/store/')) paths.push(deriver.stdout.trim());
    }
    const drv = await this.nix(['eval', '--raw', `${this.config.flakeRef}#devShells.${nixSystem()}.default.drvPath`]);
    if (drv.code === 0 && drv.stdout.trim()) paths.push(drv.stdout.trim());
    const archive = await this.nix(['flake', 'archive', '--dry-run', '--json', this.config.flakeRef]);
    if (archive.code === 0) {
      const collect = (node: { path?: string; inputs?: Record<string, unknown> }): void => {
        if (node.path) paths.push(node.path);
        for (const input of Object.values(node.inputs ?? {})) collect(input as { path?: string; inputs?: Record<string, unknown> });
      };
      collect(JSON.parse(archive.stdout) as { path?: string });
    }
    return [...new Set(paths)];
  }

  /** Which of these paths are in the store now. */
  async presentPaths(paths: readonly string[]): Promise<string[]> {
    const present: string[] = [];
    for (const p of paths) if ((await this.nix(['path-info', p])).code === 0) present.push(p);
    return present;
  }

  /**
   * Cold: drop EnvBench's GC root, delete only this environment's store paths (a path still
   * referenced elsewhere is reported, not forced), the evaluation cache and the Go build cache.
   */
  async evictCaches(): Promise<void> {
    const paths = await this.storePaths();
    // Every workspace's generated shell shares the toolchain's store paths, so EnvBench drops all
    // of its own GC roots (in this data directory), not just this workspace's.
    const runtimeDir = path.dirname(this.config.stateDir);
    for (const dir of fs.readdirSync(runtimeDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const link of fs.readdirSync(path.join(runtimeDir, dir.name))) {
        if (link.startsWith('dev-profile')) fs.rmSync(path.join(runtimeDir, dir.name, link), { force: true });
      }
    }
    // Together with every path that refers to them (older shells of this flake, their
    // derivations): Nix deletes only what no GC root keeps alive, so a live path is never forced.
    const present = await this.presentPaths(paths);
    const kept: string[] = [];
    if (present.length > 0) {
      const closure = await runNix(['--query', '--referrers-closure', ...present], this.config.env, undefined, 'nix-store');
      const doomed = [...new Set([...closure.stdout.trim().split('\n').filter(Boolean), ...present])];
      // nix-store, not `nix store delete`: the latter takes installables and would build a .drv.
      const deleted = await runNix(['--delete', ...doomed], this.config.env, undefined, 'nix-store');
      const reason = nixError(deleted.stderr, 1);
      for (const storePath of await this.presentPaths(present)) {
        const roots = (await runNix(['--query', '--roots', storePath], this.config.env, undefined, 'nix-store')).stdout.trim().split('\n').filter((l) => l.includes(' -> '));
        kept.push(roots.length > 0 ? `${storePath} (kept alive by the GC root ${roots[0]})` : `${storePath} (not deleted: ${reason || 'Nix refused'})`);
      }
    }
    if (kept.length > 0) throw new Error(`cannot make the Nix store cold: ${kept.join('; ')}; EnvBench does not force it`);
    fs.rmSync(this.config.env.XDG_CACHE_HOME!, { recursive: true, force: true });
    fs.rmSync(this.config.goCache, { recursive: true, force: true });
    fs.mkdirSync(this.config.goCache, { recursive: true });
  }

  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') await this.evictCaches();
    const phases: { name: string; ms: number }[] = [];
    const timed = async (name: string, what: string, args: string[]): Promise<void> => {
      const started = performance.now();
      await this.must(what, args, options.signal);
      phases.push({ name, ms: performance.now() - started });
    };
    // evaluate: copy the flake and its inputs into the store and evaluate the shell's derivation.
    await timed('evaluate', 'evaluating the flake', ['eval', '--raw', `${this.config.flakeRef}#devShells.${nixSystem()}.default.drvPath`]);
    // realise: build (or fetch) the shell environment and register it as EnvBench's GC root.
    await timed('realise', 'realising the shell', ['develop', this.config.flakeRef, '--profile', this.profile, '--command', 'true']);
    const ready = await this.exec({ argv: ['go', 'version'], cwd: this.workspaceDir }, options);
    phases.push({ name: 'shell-ready', ms: ready.wallMs });
    if (ready.exitCode !== 0) return { phases, firstRun: ready };
    const firstRun = await this.exec({ argv: options.firstRun, cwd: this.workspaceDir }, options);
    phases.push({ name: 'first-run', ms: firstRun.wallMs });
    return { phases, firstRun };
  }

  shellCommand(): string[] {
    return ['nix', ...this.config.common, 'develop', this.config.flakeRef];
  }

  async footprint(): Promise<Footprint> {
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    if (!target) return { totalBytes: 0, items: [] };
    const info = await this.nix(['path-info', '-S', '--json', target]);
    const closure = info.code === 0 ? ((JSON.parse(info.stdout) as { closureSize?: number }[])[0]?.closureSize ?? 0) : 0;
    return { totalBytes: closure, items: [{ label: 'devShell closure', bytes: closure, path: target }] };
  }

  async facts(): Promise<Record<string, FactValue>> {
    const lockFile = path.join(path.dirname(this.config.flakeFile), 'flake.lock');
    let pinsEveryInput: boolean | null = null;
    if (fs.existsSync(lockFile)) {
      const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { nodes: Record<string, { locked?: { narHash?: string; rev?: string } }>; root: string };
      pinsEveryInput = Object.entries(lock.nodes)
        .filter(([name]) => name !== lock.root)
        .every(([, node]) => Boolean(node.locked?.narHash || node.locked?.rev));
    }
    // Realise once so the closure can be measured (a no-op when already there).
    await this.nix(['develop', this.config.flakeRef, '--profile', this.profile, '--command', 'true']);
    const target = fs.existsSync(this.profile) ? fs.realpathSync(this.profile) : null;
    let closureBytes: number | null = null;
    let storePaths: number | null = null;
    if (target) {
      const info = await this.nix(['path-info', '-S', '-r', '--json', target]);
      if (info.code === 0) {
        const entries = JSON.parse(info.stdout) as { path: string; closureSize?: number }[];
        storePaths = entries.length;
        closureBytes = entries.find((e) => e.path === target)?.closureSize ?? null;
      }
    }
    const text = fs.readFileSync(this.config.flakeFile, 'utf8');
    return {
      entryMode: 'nix develop (flake)',
      definitionFile: this.config.flakeFile,
      definitionSource: this.config.generated ? 'generated offline flake (no nixpkgs)' : 'workspace flake.nix',
      nixVersion: this.config.nixVersion,
      lockfile: fs.existsSync(lockFile) ? lockFile : null,
      lockPinsEveryInput: pinsEveryInput,
      closureBytes,
      closureStorePaths: storePaths,
      configLines: configLines(text),
      privileges: 'none (single-user Nix store)',
    };
  }

  async dispose(): Promise<void> {
    // The GC root stays, so the next run starts warm; `startup-cold` removes it on purpose.
  }
}
