import fs from 'node:fs';
import path from 'node:path';
import type { NixEntry, RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import { defaultCacheDir, instanceKey, runtimeCacheDir, workspaceDataDir, workspaceKey } from '../../data-paths';
import { hostGoToolchain, hostModuleCache } from '../host-go';
import { sharedToolsDir } from '../../machine/shared-tools';
import { offlineShellNix, onlineFlake } from './generated-definitions';
import { nixBuildProblem } from '../nix-health';
import { isMeasureHelperBuilt, measureHelperPath } from '../../measure/measure-helper';
import { compareVersions, emptyRegistry, MIN_FLAKES_VERSION, nixCommonArgs, nixError, nixVersion } from '../nix-cli';
import { nixSystem, offlineFlake } from '../offline-flake';
import { UserError } from '../../user-error';
import { goEnvironment } from '../go-environment';
import { startDirectory } from '../start-directory';
import type { PrepareContext, Runtime, RuntimeSession, ShellCommand, ShellOptions } from '../runtime';
import type { PortableDefinition } from '../runtime';
import { commandLine, terminalPrepareContext } from '../runtime';
import type { NixDefinition } from './nix-session';
import { NixSession, runNix } from './nix-session';

/** Nix flakes: `nix develop` on the workspace's flake.nix, or on one EnvBench generates. */
export class NixRuntime implements Runtime {
  readonly id = 'nix' as const;
  readonly displayName = 'Nix';

  constructor(private readonly resourcesDir: string) {}

  /** A flake.nix on nixpkgs with the workspace's Go version. */
  portableDefinition(workspace: WorkspaceInfo): PortableDefinition {
    return { file: 'flake.nix', content: onlineFlake({ goVersion: workspace.goVersion, system: nixSystem() }) };
  }

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
    // The binary answering is not enough: Nix must be able to build (nix.conf, build users, sandbox).
    const buildProblem = await nixBuildProblem({ version, stateDir: runtimeCacheDir(defaultCacheDir(), this.id) });
    if (buildProblem) return { id: this.id, available: false, version, reason: buildProblem };
    return { id: this.id, available: true, version, reason: null };
  }

  prepare(context: PrepareContext): Promise<RuntimeSession> {
    return this.session(context);
  }

  /**
   * `nix develop` on the flake the measurements use (or `nix-shell` on their shell.nix), with the
   * same options (offline: no substituters, an empty flake registry) and environment (the
   * runtime's GOCACHE and evaluation cache). Started in EnvBench's start directory; the shell
   * enters the workspace folder itself (start-directory.ts).
   */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    const { argv, env, title, cwd } = session.interactiveShell();
    return { file: argv[0]!, args: argv.slice(1), cwd, env, title, display: commandLine(argv) };
  }

  private async session(context: PrepareContext): Promise<NixSession> {
    const log = context.log ?? (() => {});
    const own = runtimeCacheDir(context.cacheDir, this.id);
    const stateDir = path.join(own, workspaceKey(context.workspace.path));
    fs.mkdirSync(stateDir, { recursive: true });
    // Nix's evaluation cache lives under XDG_CACHE_HOME too: the runtime's own, so a cold start drops it.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...goEnvironment(context.cacheDir, this.id, context.offline),
      // Where `nix develop` and nix-shell make each entry's temporary directory (`nix-shell.XXXX`,
      // left behind when the command execs): EnvBench's own, emptied at dispose. Commands get the
      // host's TMPDIR back inside (RESTORE_TMPDIR).
      TMPDIR: path.join(own, 'tmp'),
    };
    fs.mkdirSync(env.TMPDIR!, { recursive: true });
    const registry = emptyRegistry(own);
    const entry = chooseEntry(context.workspace, context.nixEntry);
    const definition = entry === 'shell' ? await this.shellDefinition(context, env, registry, log) : await this.flakeDefinition(context, env, registry, log);
    const version = (await nixVersion()).version;
    return new NixSession({
      workspace: context.workspace,
      definition,
      common: nixCommonArgs(registry, definition.offline),
      env,
      stateDir,
      startDir: startDirectory(own),
      helper: measureHelperPath(this.resourcesDir),
      nixVersion: version,
      goCache: goEnvironment(context.cacheDir, this.id, context.offline).GOCACHE!,
      modCache: await hostModuleCache(),
      removals: context.removals,
      signal: context.signal,
    });
  }

  /** The workspace's flake.nix; else, online, a nixpkgs flake pinned by flake.lock; else (or when nixpkgs is unreachable) the offline flake. */
  private async flakeDefinition(context: PrepareContext, env: NodeJS.ProcessEnv, registry: string, log: (line: string) => void): Promise<NixDefinition> {
    const lockOrThrow = async (ref: string, file: string, offline: boolean): Promise<void> => {
      const lock = await runNix([...nixCommonArgs(registry, offline), 'flake', 'lock', ref], env, context.signal);
      if (lock.code !== 0) throw new UserError(`The flake ${file} cannot be used`, `Nix says: ${nixError(lock.stderr)}`, 'Fix the flake (`nix flake check` shows the same error)');
    };
    if (context.workspace.definitions.includes('flake.nix')) {
      const file = path.join(context.workspace.path, 'flake.nix');
      log(`nix: using the workspace's own flake.nix`);
      await lockOrThrow(`path:${context.workspace.path}`, file, context.offline);
      return { entry: 'flake', file, flakeRef: `path:${context.workspace.path}`, source: 'workspace flake.nix', offline: context.offline, offlineReason: null, instance: instanceKey(context.dataDir) };
    }
    const dataDir = workspaceDataDir(context.dataDir, context.workspace.path);
    let offlineReason = 'EnvBench was asked to work offline (--offline)';
    if (!context.offline) {
      const dir = path.join(dataDir, 'nix-online');
      const file = writeIfChanged(path.join(dir, 'flake.nix'), onlineFlake({ goVersion: context.workspace.goVersion, system: nixSystem(), instance: instanceKey(context.dataDir) }), path.join(dir, 'flake.lock'));
      const lock = await runNix([...nixCommonArgs(registry, false), 'flake', 'lock', `path:${dir}`], env, context.signal);
      if (lock.code === 0) {
        log(`nix: generated ${file} (Go, gopls and delve from nixpkgs, pinned in flake.lock)`);
        return { entry: 'flake', file, flakeRef: `path:${dir}`, source: 'generated flake (nixpkgs pinned in flake.lock)', offline: false, offlineReason: null, instance: instanceKey(context.dataDir) };
      }
      offlineReason = `nixpkgs could not be fetched (${nixError(lock.stderr, 1)})`;
      log(`nix: ${offlineReason}; using the offline flake instead`);
    }
    const toolchain = await hostGoToolchain();
    const dir = path.join(dataDir, 'nix');
    const text = offlineFlake({ goroot: toolchain.goroot, toolsDir: sharedToolsDir(context.cacheDir, toolchain.tools), system: nixSystem(), goVersion: toolchain.version, instance: instanceKey(context.dataDir) });
    const file = writeIfChanged(path.join(dir, 'flake.nix'), text, path.join(dir, 'flake.lock'));
    log(`nix: generated ${file} (offline: the host's Go toolchain as a path: input, no nixpkgs)`);
    // The offline flake needs nothing from the network, so its calls are always offline.
    await lockOrThrow(`path:${dir}`, file, true);
    return { entry: 'flake', file, flakeRef: `path:${dir}`, source: 'generated offline flake (no nixpkgs)', offline: true, offlineReason, instance: instanceKey(context.dataDir) };
  }

  /** The workspace's shell.nix, or one EnvBench generates from the host's toolchain. */
  private async shellDefinition(context: PrepareContext, env: NodeJS.ProcessEnv, registry: string, log: (line: string) => void): Promise<NixDefinition> {
    if (context.workspace.definitions.includes('shell.nix')) {
      const file = path.join(context.workspace.path, 'shell.nix');
      log(`nix: using the workspace's own shell.nix with nix-shell`);
      return { entry: 'shell', file, flakeRef: null, source: 'workspace shell.nix', offline: context.offline, offlineReason: null, instance: instanceKey(context.dataDir) };
    }
    const dataDir = workspaceDataDir(context.dataDir, context.workspace.path);
    const toolchain = await hostGoToolchain();
    const toolsDir = sharedToolsDir(context.cacheDir, toolchain.tools);
    const narHash = async (dir: string): Promise<string> => {
      const result = await runNix([...nixCommonArgs(registry, true), 'hash', 'path', dir], env, context.signal);
      if (result.code !== 0) throw new Error(`\`nix hash path ${dir}\` failed: ${nixError(result.stderr)}`);
      return result.stdout.trim();
    };
    const text = offlineShellNix({
      goroot: toolchain.goroot,
      goHash: await narHash(toolchain.goroot),
      toolsDir,
      toolsHash: toolsDir ? await narHash(toolsDir) : null,
      system: nixSystem(),
      goVersion: toolchain.version,
      instance: instanceKey(context.dataDir),
    });
    const file = writeIfChanged(path.join(dataDir, 'nix-shell', 'shell.nix'), text, null);
    log(`nix: generated ${file} for nix-shell (the host's Go toolchain, no nixpkgs)`);
    return { entry: 'shell', file, flakeRef: null, source: 'generated shell.nix (no nixpkgs)', offline: true, offlineReason: context.offline ? 'EnvBench was asked to work offline (--offline)' : 'a generated shell.nix always uses the host toolchain', instance: instanceKey(context.dataDir) };
  }
}

/** The workspace's own definition decides, unless the user picked an entry mode. */
export function chooseEntry(workspace: WorkspaceInfo, requested: NixEntry | undefined): NixEntry {
  if (requested) return requested;
  return workspace.definitions.includes('shell.nix') && !workspace.definitions.includes('flake.nix') ? 'shell' : 'flake';
}

/** Writes a generated file unless it already says exactly that; a changed flake drops its stale lock. */
function writeIfChanged(file: string, text: string, lockFile: string | null): string {
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (lockFile) fs.rmSync(lockFile, { force: true });
  }
  return file;
}
