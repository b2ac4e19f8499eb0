import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FactValue, RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import { connectLoopback, delveArgv, launchDebugServer } from '../debug-server';
import { directorySize } from '../../machine/disk-usage';
import { hostGoTool } from '../../machine/host-go-tool';
import { probe, parseVersion } from '../../machine/tool-version';
import { isMeasureHelperBuilt, measureHelperArgs, measureHelperPath } from '../../measure/measure-helper';
import { runMeasured } from '../../measure/measured-process';
import { goEnvironment } from '../go-environment';
import { NETWORK_NAMESPACE_ISOLATION, withoutNetwork } from '../no-network';
import { readyThenFirstRun } from '../startup-phases';
import type {
  CommandSpec,
  DebugServer,
  ExecOptions,
  ExecOutcome,
  Footprint,
  IsolatedOutcome,
  PrepareContext,
  Runtime,
  RuntimeSession,
  ShellCommand,
  ShellOptions,
  StartupOptions,
  StartupOutcome,
  StartupTemperature,
} from '../runtime';
import { commandLine } from '../runtime';
import { flushPendingWrites } from '../../measure/flush-writes';
import type { DeferredRemovals } from '../../measure/deferred-removal';
import { emptyFolder } from '../../measure/deferred-removal';

/** The user's shell ($SHELL when it exists), else bash from PATH; interactive, not a login shell. */
function hostShell(env: NodeJS.ProcessEnv = process.env): string[] {
  const shell = env.SHELL && path.isAbsolute(env.SHELL) && existsSync(env.SHELL) ? env.SHELL : 'bash';
  return [shell, '-i'];
}

/** The bare host: the baseline every other environment is compared with. */
export class NativeRuntime implements Runtime {
  readonly id = 'native' as const;
  readonly displayName = 'Host (native)';

  constructor(private readonly resourcesDir: string) {}

  /** The host needs no definition file. */
  portableDefinition(): null {
    return null;
  }

  async detect(): Promise<RuntimeHealth> {
    const go = await probe('go', ['version']);
    const version = go.ok ? parseVersion(go.stdout) : null;
    if (!go.ok) {
      const reason =
        go.failure === 'ENOENT'
          ? 'Go is not on PATH: install Go (https://go.dev/dl/) or add its bin directory to PATH'
          : `\`go version\` failed (${go.failure}): check your Go installation`;
      return { id: this.id, available: false, version: null, reason };
    }
    if (!isMeasureHelperBuilt(this.resourcesDir)) {
      return {
        id: this.id,
        available: false,
        version,
        reason: `the measure helper ${measureHelperPath(this.resourcesDir)} is not built: install a C compiler (apt-get install gcc libc6-dev) and run \`npm run setup\``,
      };
    }
    return { id: this.id, available: true, version, reason: null };
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const goEnv = goEnvironment(context.cacheDir, this.id, context.offline);
    await fs.mkdir(goEnv.GOCACHE!, { recursive: true });
    await fs.mkdir(goEnv.XDG_CACHE_HOME!, { recursive: true });
    return new NativeSession(this.resourcesDir, context.workspace.path, goEnv, context.removals);
  }

  /** The user's own shell in the workspace folder, with the runtime's Go settings (its GOCACHE). */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    const goEnv = goEnvironment(options.cacheDir, this.id, options.offline ?? false);
    await fs.mkdir(goEnv.GOCACHE!, { recursive: true });
    const [file, ...args] = hostShell();
    return { file: file!, args, cwd: workspace.path, env: goEnv, title: `Host: ${path.basename(file!)}`, display: commandLine([file!, ...args]) };
  }
}

class NativeSession implements RuntimeSession {
  readonly runtime = 'native' as const;
  readonly xdgCacheHome: string;

  constructor(
    private readonly resourcesDir: string,
    readonly workspaceDir: string,
    private readonly goEnv: Record<string, string>,
    private readonly removals: DeferredRemovals | undefined,
  ) {
    this.xdgCacheHome = goEnv.XDG_CACHE_HOME!;
  }

  async exec(command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    return this.run(measureHelperPath(this.resourcesDir), measureHelperArgs(command.argv, options.timeoutMs), command, options);
  }

  async execWithoutNetwork(command: CommandSpec, options: ExecOptions): Promise<IsolatedOutcome> {
    const isolated = withoutNetwork(measureHelperPath(this.resourcesDir), measureHelperArgs(command.argv, options.timeoutMs));
    return { ...(await this.run(isolated.program, isolated.args, command, options)), isolation: NETWORK_NAMESPACE_ISOLATION };
  }

  private async run(program: string, args: string[], command: CommandSpec, options: ExecOptions): Promise<ExecOutcome> {
    const outcome = await runMeasured({
      program,
      args,
      cwd: command.cwd,
      env: { ...process.env, ...this.goEnv, ...command.env },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput,
    });
    // On the host there is no entry cost: the user waits exactly as long as the command runs,
    // and the helper's clock excludes Node's own spawn overhead (as hyperfine's would).
    const innerWallMs = outcome.report ? outcome.report.wallNs / 1e6 : outcome.outerWallMs;
    return { ...outcome, wallMs: innerWallMs, innerWallMs };
  }

  /** dlv from PATH or `$(go env GOPATH)/bin`, where `go install` puts it. */
  async startDebugServer(mainPackage: string, cwd: string, options: ExecOptions): Promise<DebugServer> {
    const dlv = (await hostGoTool('dlv')) ?? 'dlv';
    return launchDebugServer((opts) => this.exec({ argv: delveArgv(dlv, mainPackage), cwd }, opts), connectLoopback, options);
  }

  /** The host has nothing to start: the phases are the toolchain answering and the first run (cold: empty build and tool caches). */
  async startup(temperature: StartupTemperature, options: StartupOptions): Promise<StartupOutcome> {
    if (temperature === 'cold') {
      await this.evictCaches();
      await flushPendingWrites();
    }
    return readyThenFirstRun([], 'exec-ready', (argv) => this.exec({ argv, cwd: this.workspaceDir }, options), options.firstRun);
  }

  async facts(): Promise<Record<string, FactValue>> {
    const version = await probe('go', ['version']);
    return {
      goVersion: version.ok ? parseVersion(version.stdout) : null,
      privileges: 'none',
      configLines: 0,
      lockfile: 'go.sum only',
    };
  }


  /** The runtime's own build cache and tool caches (gopls, goimports), as a container's cold start drops them. */
  async evictCaches(): Promise<void> {
    for (const cache of [this.goEnv.GOCACHE!, this.goEnv.XDG_CACHE_HOME!]) await emptyFolder(cache, this.removals);
  }

  async footprint(): Promise<Footprint> {
    const items = [
      { label: 'Go build cache (EnvBench-owned)', path: this.goEnv.GOCACHE!, bytes: await directorySize(this.goEnv.GOCACHE!) },
      { label: 'Tool caches: gopls, goimports (EnvBench-owned)', path: this.goEnv.XDG_CACHE_HOME!, bytes: await directorySize(this.goEnv.XDG_CACHE_HOME!) },
    ];
    const goroot = await probe('go', ['env', 'GOROOT']);
    if (goroot.ok && goroot.stdout.trim()) {
      const dir = path.resolve(goroot.stdout.trim());
      items.push({ label: 'Go toolchain (GOROOT)', path: dir, bytes: await directorySize(dir) });
    }
    return { totalBytes: items.reduce((sum, item) => sum + item.bytes, 0), items };
  }

  async dispose(): Promise<void> {
    // Nothing to stop: the host keeps running, and the build cache is kept for warm runs.
  }
}
