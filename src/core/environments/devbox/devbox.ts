import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import { devboxRunProblem } from './devbox-health';
import { defaultCacheDir, runtimeCacheDir, workspaceDataDir } from '../../data-paths';
import { hostGoToolchain } from '../host-go';
import { sharedToolsDir } from '../../machine/shared-tools';
import { runTool } from '../../machine/run-tool';
import { parseVersion, probe } from '../../machine/tool-version';
import { isMeasureHelperBuilt, measureHelperPath } from '../../measure/measure-helper';
import { compareVersions, emptyRegistry, nixCommonArgs, nixError, nixVersion } from '../nix-cli';
import { nixBuildProblem } from '../nix-health';
import { nixSystem } from '../offline-flake';
import { UserError } from '../../user-error';
import { goEnvironment } from '../go-environment';
import { startDirectory } from '../start-directory';
import type { OfflineDefinition, PortableDefinition, PrepareContext, Runtime, RuntimeSession, ShellCommand, ShellOptions } from '../runtime';
import { commandLine, terminalPrepareContext } from '../runtime';
import { generateDevboxConfig, nixpkgsStandinFlake, offlineDevboxLock, offlinePackagesFlake, offlineWorkspaceProblems } from './devbox-definitions';
import { offlineNixConfig, shellUnsafeCharacters } from './devbox-entry';
import { devboxError, devboxFailure } from './devbox-errors';
import { FIX_OR_REMOVE, devboxJsonProblem } from './devbox-json';
import type { DevboxDefinition } from './devbox-session';
import { DevboxSession } from './devbox-session';
import { DEVBOX_BINARY_ENV, devboxBinary } from '../../machine/devbox-binary';

/** Devbox refuses older Nix. */
export const MIN_DEVBOX_NIX_VERSION = '2.18';
/** Where Devbox looks for Nix when it is not on PATH (the multi-user installer's profile). */
const DEFAULT_PROFILE_NIX = '/nix/var/nix/profiles/default/bin/nix';
/** `devbox version` of the official launcher may first download the real binary. */
const VERSION_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Finding Devbox and the Nix it would use
// ---------------------------------------------------------------------------------------------

const DEVBOX_MISSING =
  `Devbox is not installed (no \`devbox\` on PATH; ${DEVBOX_BINARY_ENV} can name the binary instead): ` +
  'install it with `go install go.jetify.com/devbox/cmd/devbox@<version>` (`go list -m -versions go.jetify.com/devbox` lists them), ' +
  'or with the official installer from https://www.jetify.com/devbox, which needs the network';

/** The Nix Devbox would run: on PATH, else the installer's default profile, as Devbox looks. */
async function devboxNix(): Promise<{ program: string; version: string | null; failure: string | null }> {
  const onPath = await nixVersion();
  if (onPath.failure !== 'ENOENT' || !fs.existsSync(DEFAULT_PROFILE_NIX)) return { program: 'nix', ...onPath };
  const probed = await probe(DEFAULT_PROFILE_NIX, ['--version']);
  if (!probed.ok) return { program: DEFAULT_PROFILE_NIX, version: null, failure: probed.failure };
  return { program: DEFAULT_PROFILE_NIX, version: /(\d+\.\d+(?:\.\d+)?)/.exec(probed.stdout)?.[1] ?? null, failure: null };
}

function nixProblem(nix: { version: string | null; failure: string | null }): string | null {
  if (nix.failure === 'ENOENT') {
    return `Nix is not installed, and Devbox runs everything through it: install Nix ${MIN_DEVBOX_NIX_VERSION} or newer (Debian trixie's nix-bin is 2.26, or the installer at https://nixos.org/download)`;
  }
  if (nix.failure) return `\`nix --version\` failed (${nix.failure}): check your Nix installation`;
  if (!nix.version) return '`nix --version` printed no version: check your Nix installation';
  if (compareVersions(nix.version, MIN_DEVBOX_NIX_VERSION) < 0) {
    return `Nix ${nix.version} is older than the ${MIN_DEVBOX_NIX_VERSION} Devbox needs: install a newer Nix (Debian trixie ships 2.26)`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The runtime
// ---------------------------------------------------------------------------------------------

/** Devbox: `devbox run` on the workspace's devbox.json, or on one EnvBench generates. */
export class DevboxRuntime implements Runtime {
  readonly id = 'devbox' as const;
  readonly displayName = 'Devbox';

  constructor(private readonly resourcesDir: string) {}

  /** A devbox.json with the workspace's Go version from nixpkgs (through Devbox search). */
  portableDefinition(workspace: WorkspaceInfo): PortableDefinition {
    return { file: 'devbox.json', content: generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir: null }) };
  }

  /**
   * What an offline run adds when the workspace has no devbox.json: the flake that stands in for
   * nixpkgs and the devbox.lock that resolves nixpkgs to it, where EnvBench keeps them.
   */
  offlineDefinitions(workspace: WorkspaceInfo, dataDir: string): OfflineDefinition[] {
    const { configDir, standinDir } = devboxDataPaths(dataDir, workspace.path);
    return [
      { file: 'nixpkgs stand-in flake.nix (offline)', at: path.join(standinDir, 'flake.nix'), content: nixpkgsStandinFlake(nixSystem()) },
      { file: 'devbox.lock (offline)', at: path.join(configDir, 'devbox.lock'), content: offlineDevboxLock(null, standinDir) },
    ];
  }

  async detect(): Promise<RuntimeHealth> {
    const binary = devboxBinary();
    const nix = await devboxNix();
    // Devbox builds through Nix (offline, EnvBench's flake with /bin/bash builders): Nix must be able to build, not just answer.
    const nixIssue =
      nixProblem(nix) ?? (await nixBuildProblem({ program: nix.program, version: nix.version!, stateDir: runtimeCacheDir(defaultCacheDir(), 'nix') }));
    const unavailable = (version: string | null, reason: string): RuntimeHealth => ({ id: this.id, available: false, version, reason });
    const andNix = (reason: string): string => (nixIssue ? `${reason}; and ${nixIssue}` : reason);
    if (binary.problem) return unavailable(null, andNix(binary.problem));
    const probed = await probe(binary.program, ['version'], VERSION_TIMEOUT_MS);
    if (!probed.ok) {
      let reason: string;
      if (probed.failure === 'ENOENT') reason = binary.fromEnv ? `${binary.program} (from ${DEVBOX_BINARY_ENV}) cannot be run` : DEVBOX_MISSING;
      else if (probed.failure === 'timeout') {
        reason = `\`${binary.program} version\` did not answer within ${VERSION_TIMEOUT_MS / 1000} s (the Devbox launcher downloads its binary on first use, which needs the network): run \`devbox version\` once by hand`;
      } else reason = `\`${binary.program} version\` failed (${probed.failure}): ${devboxError(probed.stderr, 1)}`;
      return unavailable(null, andNix(reason));
    }
    const version = parseVersion(probed.stdout + probed.stderr) ?? probed.stdout.trim().split('\n')[0] ?? null;
    if (nixIssue) return unavailable(version, `Devbox${version ? ` ${version}` : ''} is installed, but ${nixIssue}`);
    if (!isMeasureHelperBuilt(this.resourcesDir)) return unavailable(version, 'the measure helper is not built: run `npm run setup`');
    // Devbox must do the work, not just answer: `devbox run` in a fresh project of EnvBench's own (devbox-health.ts).
    const runProblem = await devboxRunProblem({
      program: binary.program,
      version: version ?? '',
      nixProgram: nix.program,
      nixVersion: nix.version!,
      stateDir: runtimeCacheDir(defaultCacheDir(), this.id),
    });
    if (runProblem) return unavailable(version, runProblem);
    return { id: this.id, available: true, version: `${version} (Nix ${nix.version})`, reason: null };
  }

  /** A devbox.json of the workspace's own that Devbox could not read; null when fine or absent. */
  checkWorkspace(workspace: WorkspaceInfo): string | null {
    if (!workspace.definitions.includes('devbox.json')) return null;
    const file = path.join(workspace.path, 'devbox.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): check its permissions`;
    }
    return devboxJsonProblem(text, file);
  }

  prepare(context: PrepareContext): Promise<RuntimeSession> {
    return this.session(context);
  }

  /**
   * `devbox shell --config DIR` on the devbox.json the measurements use (installed first, as for
   * a run), with the runtime's environment, opened in the workspace folder (devboxTerminalEntry);
   * `devbox run` of an interactive bash where Devbox's rc file could not hold the folder safely.
   * Devbox starts in EnvBench's start directory either way.
   */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    const { argv, env, cwd, entry, why } = session.interactiveShell();
    if (why) options.log?.(`devbox: the terminal uses \`devbox run\` of bash, not \`devbox shell\`: ${why}`);
    const title = entry === 'devbox shell' ? 'Devbox: devbox shell' : 'Devbox: devbox run bash (devbox shell cannot hold this folder safely)';
    return { file: argv[0]!, args: argv.slice(1), cwd, env, title, display: commandLine(argv) };
  }

  private async session(context: PrepareContext): Promise<DevboxSession> {
    const log = context.log ?? (() => {});
    const binary = devboxBinary();
    if (binary.problem) throw new UserError('Cannot run Devbox', binary.problem, '`envbench doctor` checks it');
    const own = runtimeCacheDir(context.cacheDir, this.id);
    // XDG_CACHE_HOME stays the user's: Devbox's official launcher keeps the real binary there, so
    // another cache directory would make it download Devbox again (or fail offline). The
    // consistency table shows (and flags) that its tool caches are not EnvBench's own.
    const { XDG_CACHE_HOME: _userKeepsTheirs, ...goEnv } = goEnvironment(context.cacheDir, this.id, context.offline);
    fs.mkdirSync(goEnv.GOCACHE!, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...goEnv,
      // Devbox sends telemetry unless told not to (https://consoledonottrack.com/).
      DO_NOT_TRACK: '1',
    };
    if (context.offline) {
      // As nix.ts does with flags: no binary cache and an empty flake registry, so no Nix call
      // Devbox makes waits seconds on a network that is not there.
      env.NIX_CONFIG = offlineNixConfig(emptyRegistry(own), process.env.NIX_CONFIG);
    }

    const nixArgs = nixCommonArgs(emptyRegistry(own), context.offline);
    const definition = await this.definition(context, log, nixArgs, env);
    const unsafe = shellUnsafeCharacters(definition.configDir);
    if (unsafe) {
      throw new UserError(
        `Cannot run Devbox in ${definition.configDir}`,
        `Devbox runs its scripts through sh with this directory inside double quotes, where ${unsafe} would be interpreted, not read as part of the path`,
        definition.source === 'workspace' ? 'Move the workspace to a path without those characters' : 'Point ENVBENCH_DATA_DIR at a path without those characters',
      );
    }
    if (context.offline && definition.source === 'workspace') {
      const lockFile = path.join(definition.configDir, 'devbox.lock');
      const problems = await offlineWorkspaceProblems({
        configText: fs.readFileSync(definition.configFile, 'utf8'),
        lockText: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null,
        system: nixSystem(),
        isValid: async (p) => (await runTool('nix-store', ['--check-validity', p], { env })).code === 0,
        flakeAvailable: async (ref) => (await runTool('nix', [...nixArgs, 'flake', 'metadata', '--json', ref], { env })).code === 0,
      });
      if (problems.length > 0) {
        throw new UserError(
          `Devbox cannot use ${definition.configFile} offline`,
          `it needs what this machine does not have: ${problems.join('; ')}`,
          'Run `devbox install` once online in the workspace (Nix then keeps the packages and devbox.lock records them), or run without --offline',
        );
      }
    }
    // Install once here, so that a definition Devbox cannot use fails before any measurement,
    // with Devbox's own message.
    const startDir = startDirectory(own);
    const install = await runTool(binary.program, ['install', '--config', definition.configDir], { env, cwd: startDir, signal: context.signal });
    if (install.code !== 0) {
      throw new UserError(`Devbox cannot install the packages of ${definition.configFile}`, devboxFailure(install.stderr, context.offline), `\`devbox install --config ${definition.configDir}\` shows the same error`);
    }
    const version = await probe(binary.program, ['version'], VERSION_TIMEOUT_MS);
    return new DevboxSession({
      ...definition,
      program: binary.program,
      workspacePath: context.workspace.path,
      offline: context.offline,
      env,
      helper: measureHelperPath(this.resourcesDir),
      devboxVersion: version.ok ? parseVersion(version.stdout) : null,
      nixVersion: (await devboxNix()).version,
      nixArgs,
      goCache: goEnv.GOCACHE!,
      removals: context.removals,
      startDir,
    });
  }

  /** The workspace's devbox.json, or one generated in EnvBench's data directory (never in the workspace). */
  private async definition(context: PrepareContext, log: (line: string) => void, nixArgs: string[], env: NodeJS.ProcessEnv): Promise<DevboxDefinition> {
    const workspace = context.workspace;
    if (workspace.definitions.includes('devbox.json')) {
      const problem = this.checkWorkspace(workspace);
      if (problem) throw new UserError(`Cannot use the workspace's devbox.json`, problem.replace(/\. Fix the file.*$/, ''), FIX_OR_REMOVE);
      log(`devbox: using the workspace's own devbox.json`);
      return { configDir: workspace.path, configFile: path.join(workspace.path, 'devbox.json'), source: 'workspace', offlineFlakeDir: null, standinDir: null, storeSources: [] };
    }
    const { configDir, offlineFlakeDir, standinDir } = devboxDataPaths(context.dataDir, workspace.path);
    fs.mkdirSync(configDir, { recursive: true });
    const configFile = path.join(configDir, 'devbox.json');
    const lockFile = path.join(configDir, 'devbox.lock');
    if (!context.offline) {
      const text = generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir: null });
      // A changed definition makes the old lock wrong: Devbox resolves afresh.
      if (writeIfChanged(configFile, text)) fs.rmSync(lockFile, { force: true });
      log(`devbox: generated ${configFile} (packages from nixpkgs)`);
      return { configDir, configFile, source: 'generated', offlineFlakeDir: null, standinDir: null, storeSources: [] };
    }
    const toolchain = await hostGoToolchain();
    const toolsDir = sharedToolsDir(context.cacheDir, toolchain.tools);
    const tools = toolchain.tools.map((t) => t.name);
    // The Go tree (~270 MB) and the tools go into the store once; a `path:` input of the folder
    // itself would be read and hashed again by every Nix call Devbox makes.
    const record = path.join(offlineFlakeDir, 'store-sources.json');
    const goSource = await storedSource(toolchain.goroot, record, nixArgs, env, log);
    const toolsSource = toolsDir !== null ? await storedSource(toolsDir, record, nixArgs, env, log) : null;
    const flake = offlinePackagesFlake({ goroot: toolchain.goroot, toolsDir, tools, system: nixSystem(), goVersion: toolchain.version, goSource, toolsSource });
    if (writeIfChanged(path.join(offlineFlakeDir, 'flake.nix'), flake)) fs.rmSync(path.join(offlineFlakeDir, 'flake.lock'), { force: true });
    writeIfChanged(path.join(standinDir, 'flake.nix'), nixpkgsStandinFlake(nixSystem()));
    const text = generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir, offlineTools: tools });
    // A changed definition makes the packages' entries wrong, not the stand-in's: the lock is
    // rewritten with that entry alone, which Devbox keeps while it adds the packages.
    const changed = writeIfChanged(configFile, text);
    const existing = !changed && fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null;
    writeIfChanged(lockFile, offlineDevboxLock(existing, standinDir));
    log(`devbox: generated ${configFile} (offline: packages from ${offlineFlakeDir}; nixpkgs resolved by ${lockFile} to the stand-in ${standinDir})`);
    return { configDir, configFile, source: 'generated-offline', offlineFlakeDir, standinDir, storeSources: [goSource, ...(toolsSource ? [toolsSource] : [])] };
  }
}

/** Writes `text` unless the file already holds it; whether it wrote. */
function writeIfChanged(file: string, text: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/** Where EnvBench keeps a workspace's generated Devbox files (in its data directory, never in the workspace). */
export function devboxDataPaths(dataDir: string, workspacePath: string): { configDir: string; offlineFlakeDir: string; standinDir: string } {
  const dir = workspaceDataDir(dataDir, workspacePath);
  return { configDir: path.join(dir, 'devbox'), offlineFlakeDir: path.join(dir, 'devbox-flake'), standinDir: path.join(dir, 'devbox-nixpkgs-standin') };
}

/** What identifies a folder's content cheaply: its top-level entries with their sizes and modification times. */
export function folderStamp(dir: string): string {
  const stat = fs.statSync(dir);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
    const s = fs.lstatSync(path.join(dir, entry.name));
    return `${entry.name}:${s.size}:${Math.round(s.mtimeMs)}`;
  });
  return `${Math.round(stat.mtimeMs)}|${entries.sort().join('|')}`;
}

/**
 * `dir` as a store path named "source", added once with `nix store add-path` and recorded in
 * `record` (with folderStamp, so a changed folder is added again). Nix takes a `path:` input that
 * is a valid store path named "source" as it is, without reading the tree. A GC root next to the
 * record keeps it. A failure to add is the user's to see, with Nix's words.
 */
export async function storedSource(dir: string, record: string, nixArgs: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  let known: Record<string, { stamp: string; storePath: string }> = {};
  try {
    known = JSON.parse(fs.readFileSync(record, 'utf8')) as typeof known;
  } catch {
    known = {};
  }
  const stamp = folderStamp(dir);
  const cached = known[dir];
  if (cached && cached.stamp === stamp && (await runTool('nix-store', ['--check-validity', cached.storePath], { env })).code === 0) return cached.storePath;
  const started = performance.now();
  const added = await runTool('nix', [...nixArgs, 'store', 'add-path', '--name', 'source', dir], { env });
  const storePath = added.stdout.trim();
  if (added.code !== 0 || !storePath.startsWith('/nix/store/')) {
    throw new UserError(`Cannot add ${dir} to the Nix store`, `\`nix store add-path\` says: ${nixError(added.stderr) || 'nothing'}`, 'Check that the Nix store is writable (`nix store add-path` works by hand)');
  }
  const rootName = `gcroot-${crypto.createHash('sha256').update(dir).digest('hex').slice(0, 12)}`;
  await runTool('nix-store', ['--add-root', path.join(path.dirname(record), rootName), '--realise', storePath], { env });
  known[dir] = { stamp, storePath };
  fs.mkdirSync(path.dirname(record), { recursive: true });
  fs.writeFileSync(record, `${JSON.stringify(known, null, 2)}\n`);
  log(`devbox: added ${dir} to the Nix store once as ${storePath} (${Math.round(performance.now() - started)} ms)`);
  return storePath;
}
