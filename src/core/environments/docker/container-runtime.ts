import type Docker from 'dockerode';
import type { RuntimeHealth, WorkspaceInfo } from '../../../shared/run';
import type { DeferredRemovals } from '../../measure/deferred-removal';
import type { PortableDefinition } from '../runtime';
import type { DockerEndpoint } from './docker-client';
import { containerRuntimeHealth, createDockerClient, dockerEndpoint } from './docker-client';
import { pulledGoDockerfile } from './pulled-dockerfile';
import { workspaceDefinitionProblem } from './workspace-definition';

/**
 * What the two container runtimes, docker and dind, share as runtimes: one Docker Engine and its
 * client, the health check, the workspace's own Dockerfile.dev or devcontainer.json, and the
 * portable Dockerfile.dev (dind's inner Docker builds the same one).
 */
export abstract class ContainerRuntime {
  abstract readonly id: 'docker' | 'dind';
  protected readonly endpoint: DockerEndpoint;
  private client: Docker | null = null;

  constructor(
    protected readonly resourcesDir: string,
    endpoint: DockerEndpoint = dockerEndpoint(),
  ) {
    this.endpoint = endpoint;
  }

  /** The engine's client, made on first use: a command that never talks to Docker never loads dockerode. */
  protected get docker(): Docker {
    this.client ??= createDockerClient(this.endpoint);
    return this.client;
  }

  detect(): Promise<RuntimeHealth> {
    return containerRuntimeHealth(this.id, this.docker, this.endpoint, this.resourcesDir);
  }

  checkWorkspace(workspace: WorkspaceInfo): string | null {
    return workspaceDefinitionProblem(workspace);
  }

  /** A Dockerfile.dev on the official golang image of the workspace's Go version. */
  portableDefinition(workspace: WorkspaceInfo): PortableDefinition {
    return { file: 'Dockerfile.dev', content: pulledGoDockerfile(workspace.goVersion).dockerfile };
  }
}

/** What docker's and dind's sessions are both made with. */
export interface ContainerSessionConfig {
  workspace: WorkspaceInfo;
  scratchPath: string | null;
  /** The measure helper on the host, copied into the container. */
  helper: string;
  /** The host's module cache, mounted read-only; null when there is none. */
  modCache: string | null;
  offline: boolean;
  runId: string;
  /** What of devcontainer.json was applied, what not, and its lifecycle commands, not run (devcontainerFacts; empty without one). */
  devcontainerFacts: Record<string, string>;
  /** This EnvBench installation (instanceKey()): names (and labels) its volumes. */
  instance: string;
  /** The run's: a DinD cold start's data root goes after its last sample (deferred-removal.ts). */
  removals?: DeferredRemovals;
}
