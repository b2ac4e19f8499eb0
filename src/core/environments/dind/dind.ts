import type Docker from 'dockerode';
import type { WorkspaceInfo } from '../../../shared/run';
import type { ImagePlan } from '../docker/dev-image';
import { instanceKey } from '../../data-paths';
import { devImageWork, devcontainerFacts, planDevImage, pullImage } from '../docker/dev-image';
import { hostModuleCache } from '../host-go';
import type { DindImagePlan } from './dind-image';
import { buildDindImage, planOfflineDindImage, withheldCapabilities } from './dind-image';
import { LABEL_RUNTIME, ownedContainer } from '../docker/labels';
import { BASE_IMAGE, ensureBaseImage, imageExists } from '../docker/offline-images';
import { measureHelperPath } from '../../measure/measure-helper';
import { describeError } from '../../user-error';
import { dockerCliEnv, dockerExecShell, requireDockerCli, terminalContainerName } from '../docker/docker';
import type { PrepareContext, Runtime, RuntimeSession, ShellCommand, ShellOptions } from '../runtime';
import { ContainerRuntime } from '../docker/container-runtime';
import { commandLine, terminalPrepareContext } from '../runtime';
import type { OuterImage, PrivilegeMode, TerminalDaemons } from './dind-session';
import { DindSession } from './dind-session';

async function planOuterImage(docker: Docker, devPlan: ImagePlan, offline: boolean, instance: string, log: (line: string) => void): Promise<OuterImage> {
  if (!offline && devPlan.source === 'pulled') {
    const ref = 'docker:dind';
    const pull = (): Promise<void> => pullImage(docker, ref, log);
    try {
      const present = await imageExists(docker, ref);
      if (!present) await pull();
      return { ref, source: 'pulled docker:dind', dockerfile: null, ensure: pull };
    } catch (error) {
      log(`pulling docker:dind failed (${describeError(error)}); assembling one from this machine's Docker Engine`);
    }
  }
  const base = await ensureBaseImage(docker, log);
  const plan: DindImagePlan = await planOfflineDindImage(base.ref, instance);
  return { ref: plan.ref, source: 'assembled from host binaries', dockerfile: plan.dockerfile, ensure: () => buildDindImage(docker, plan, log) };
}

/** Tries --privileged once; where the host refuses it, falls back to explicit capabilities. */
async function choosePrivileges(docker: Docker, image: string): Promise<PrivilegeMode> {
  const probe = await docker.createContainer({
    ...ownedContainer('dind-container', { [LABEL_RUNTIME]: 'dind' }),
    Image: image,
    Cmd: ['true'],
    HostConfig: { Privileged: true, NetworkMode: 'none' },
  });
  try {
    await probe.start();
    return { privileged: true, dropped: [], fallbackReason: null };
  } catch (error) {
    return { privileged: false, dropped: withheldCapabilities(), fallbackReason: describeError(error).replace(/\s+/g, ' ').trim() };
  } finally {
    await probe.remove({ force: true }).catch(() => {});
  }
}

/** Docker-in-Docker: an outer container running its own dockerd; the Go container runs inside it. */
export class DindRuntime extends ContainerRuntime implements Runtime {
  readonly id = 'dind' as const;
  readonly displayName = 'Docker-in-Docker';
  /** Outer containers serving terminals, by data volume, shared by the terminals of a workspace. */
  private readonly terminalDaemons: TerminalDaemons = { shared: new Map(), stopping: new Map() };

  /** The inner Go image as docker prepares it, and the outer image running the inner dockerd. */
  async plannedWork(workspace: WorkspaceInfo, options: { dataDir: string; offline: boolean }): Promise<string[]> {
    const instance = instanceKey(options.dataDir);
    const inner = await devImageWork(this.docker, workspace, options.offline, instance);
    const pulledInner = !options.offline && inner.some((line) => /\bgolang:/.test(line));
    let outer: string;
    if (pulledInner) {
      outer = (await imageExists(this.docker, 'docker:dind')) ? 'uses docker:dind, already here' : 'pulls docker:dind (if that fails: assembles one from this machine\'s Docker Engine)';
    } else {
      const plan = await planOfflineDindImage(BASE_IMAGE, instance);
      outer = (await imageExists(this.docker, plan.ref)) ? `reuses ${plan.ref}` : `assembles ${plan.ref} from this machine's Docker Engine binaries`;
    }
    return [...inner.map((line) => `inner: ${line}`), `outer: ${outer}`];
  }

  async prepare(context: PrepareContext): Promise<RuntimeSession> {
    const session = await this.session(context);
    await session.warmUp();
    return session;
  }

  /**
   * bash in an inner Go container, as measured (same image, mounts and build cache volume), run
   * from the host with `docker -H <inner socket> exec -it`: the inner daemon's socket is
   * bind-mounted to a host directory, as EnvBench itself reaches it. The outer container runs on
   * a data volume of its own for terminals, so a terminal never shares a dockerd data root with a
   * run; it is shared by the terminals of a workspace and stops with the last of them.
   */
  async shellCommand(workspace: WorkspaceInfo, options: ShellOptions): Promise<ShellCommand> {
    await requireDockerCli(this.displayName);
    const session = await this.session(terminalPrepareContext(workspace, options, this.resourcesDir));
    const shell = await session.startShellContainer(terminalContainerName(options.terminalId), this.terminalDaemons);
    const args = dockerExecShell(shell.name, shell.entry, ['-H', `unix://${shell.socket}`]);
    return {
      file: 'docker',
      args,
      cwd: workspace.path,
      env: dockerCliEnv(this.endpoint),
      title: `Docker-in-Docker: ${session.innerImageRef}`,
      display: commandLine(['docker', ...args]),
      dispose: () => shell.remove(),
    };
  }

  /** Everything prepare() does but warming up the data volume. */
  private async session(context: PrepareContext): Promise<DindSession> {
    const log = context.log ?? (() => {});
    const instance = instanceKey(context.dataDir);
    const devPlan = await planDevImage(this.docker, context.workspace, context.offline, instance, log);
    if (!(await imageExists(this.docker, devPlan.ref))) await devPlan.ensure();
    const outer = await planOuterImage(this.docker, devPlan, context.offline, instance, log);
    if (!(await imageExists(this.docker, outer.ref))) {
      log(`building ${outer.ref}`);
      await outer.ensure();
    }
    const privileges = await choosePrivileges(this.docker, outer.ref);
    if (privileges.fallbackReason) {
      log(`dind: the host refused --privileged (${privileges.fallbackReason}); using all capabilities but ${privileges.dropped.join(', ') || 'none'} with seccomp and AppArmor unconfined`);
    }
    return new DindSession(this.docker, {
      devcontainerFacts: devcontainerFacts(devPlan, context.runId, log),
      devPlan,
      outer,
      privileges,
      workspace: context.workspace,
      scratchPath: context.scratchPath,
      helper: measureHelperPath(this.resourcesDir),
      modCache: await hostModuleCache(),
      offline: context.offline || devPlan.source === 'generated-offline',
      runId: context.runId,
      instance,
      removals: context.removals,
      log,
    });
  }
}
