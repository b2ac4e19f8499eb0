import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tarFs from 'tar-fs';
import type { WorkspaceInfo } from '../../shared/run';
import { workspaceKey } from '../data-paths';
import { probe } from '../machine/tool-version';
import { describeError } from '../user-error';
import { followProgress, isNotFound } from './engine-stream';
import { managedLabels } from './labels';
import type { GoToolchain } from './offline-images';
import { buildOfflineDevImage, devImageTag, ensureBaseImage, hostGoToolchain, imageExists, offlineDockerfile } from './offline-images';
import { findWorkspaceDefinition } from './workspace-definition';

// The Go development image both container runtimes use, and the facts recorded about it.

const PULL_TIMEOUT_MS = 60_000;

/** How the dev image is obtained; decided once per run in prepare(). */
export interface ImagePlan {
  source: 'generated-offline' | 'pulled' | 'workspace Dockerfile.dev' | 'workspace devcontainer.json';
  ref: string;
  /** The Dockerfile used (generated, or the workspace's own), or a one-line note for an image. */
  dockerfile: string;
  /** The workspace file that defines the environment, when it has one. */
  definitionFile: string | null;
  /** Builds or pulls the image: the `image` phase of a cold start. */
  ensure(): Promise<void>;
  /** A cold start may remove it: EnvBench built it (labelled) or pulled it itself, never a user's own. */
  removable: boolean;
  /** Why EnvBench worked offline, when it did. */
  offlineReason: string | null;
  base: string;
}

/** Builds a Dockerfile from a directory on the host, labelled as EnvBench's. */
async function buildFromDirectory(docker: Docker, tag: string, context: string, dockerfile: string, log: (line: string) => void): Promise<void> {
  const pack = tarFs.pack(context, { ignore: (name) => path.basename(name) === '.git' });
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: tag, dockerfile, labels: managedLabels('dev-image'), forcerm: true });
  await followProgress(docker, stream, log);
}

export async function pullImage(docker: Docker, ref: string, log: (line: string) => void): Promise<void> {
  const stream = await docker.pull(ref);
  await Promise.race([
    followProgress(docker, stream, log),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer from the registry within ${PULL_TIMEOUT_MS / 1000} s`)), PULL_TIMEOUT_MS)),
  ]);
}

/**
 * The workspace's own Dockerfile.dev or devcontainer.json when it has one; otherwise the
 * official golang image online, or offline a local image built from this machine's toolchain.
 */
export async function planDevImage(docker: Docker, workspace: WorkspaceInfo, offline: boolean, log: (line: string) => void): Promise<ImagePlan> {
  const definition = findWorkspaceDefinition(workspace);
  if (definition) {
    log(`docker: using the workspace's own ${path.relative(workspace.path, definition.file)}`);
    if ('image' in definition) {
      const present = await imageExists(docker, definition.image);
      if (!present) await pullImage(docker, definition.image, log);
      return {
        source: 'workspace devcontainer.json',
        ref: definition.image,
        dockerfile: definition.text,
        definitionFile: definition.file,
        ensure: () => pullImage(docker, definition.image, log),
        removable: !present,
        offlineReason: null,
        base: definition.image,
      };
    }
    const ref = `envbench/ws-${workspaceKey(workspace.path)}:${definition.kind === 'Dockerfile.dev' ? 'dockerfile-dev' : 'devcontainer'}`;
    return {
      source: definition.kind === 'Dockerfile.dev' ? 'workspace Dockerfile.dev' : 'workspace devcontainer.json',
      ref,
      dockerfile: definition.text,
      definitionFile: definition.file,
      ensure: () => buildFromDirectory(docker, ref, definition.context, definition.dockerfile, log),
      removable: true,
      offlineReason: null,
      base: /^FROM\s+(\S+)/im.exec(definition.text)?.[1] ?? 'unknown',
    };
  }
  let offlineReason = offline ? '--offline was given' : null;
  if (!offline) {
    const ref = `golang:${workspace.goVersion ?? 'latest'}`;
    try {
      const present = await imageExists(docker, ref);
      if (!present) await pullImage(docker, ref, log);
      const dockerfile = [`FROM ${ref}`, 'ENV GOTOOLCHAIN=local GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build', 'WORKDIR /workspace', ''].join('\n');
      return { source: 'pulled', ref, dockerfile, definitionFile: null, ensure: () => pullImage(docker, ref, log), removable: !present, offlineReason: null, base: ref };
    } catch (error) {
      offlineReason = `pulling ${ref} failed (${describeError(error)})`;
      log(`${offlineReason}; building an offline image instead`);
    }
  }
  const toolchain: GoToolchain = await hostGoToolchain();
  const base = await ensureBaseImage(docker, log);
  const dockerfile = offlineDockerfile(base.ref, toolchain);
  const ref = devImageTag(dockerfile, toolchain);
  return {
    source: 'generated-offline',
    ref,
    dockerfile,
    definitionFile: null,
    ensure: () => buildOfflineDevImage(docker, ref, dockerfile, toolchain, log),
    removable: true,
    offlineReason,
    base: base.ref,
  };
}

export async function hostModuleCache(): Promise<string | null> {
  const result = await probe('go', ['env', 'GOMODCACHE']);
  const dir = result.ok ? result.stdout.trim() : '';
  return dir && fs.existsSync(dir) ? dir : null;
}

export function cacheVolumeName(runtime: string, workspace: WorkspaceInfo): string {
  return `envbench-gocache-${runtime}-${workspaceKey(workspace.path)}`;
}

export function modulesSource(workspace: WorkspaceInfo, modCache: string | null): string {
  if (fs.existsSync(path.join(workspace.path, 'vendor'))) return 'vendor/';
  return modCache ? `host module cache ${modCache} (read-only)` : 'none (no module cache on the host)';
}

/**
 * Removes an image EnvBench made for a cold start, and the builder cache, without which a
 * "cold" rebuild would just reuse cached layers. Callers only pass images the plan marks removable.
 */
export async function removeManagedImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove({ force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.dial({ path: '/build/prune?', method: 'POST', statusCodes: { 200: true, 500: 'server error' } }, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
