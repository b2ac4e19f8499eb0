import fs from 'node:fs';
import path from 'node:path';
import type { DefinitionPreview } from '../../shared/ipc/contract';
import type { RuntimeId, WorkspaceInfo } from '../../shared/run';
import { pulledGoDockerfile } from '../docker/pulled-dockerfile';
import { onlineFlake } from '../nix/generated-definitions';
import { nixSystem } from '../nix/offline-flake';
import { devboxDataPaths, generateDevboxConfig, nixpkgsStandinFlake, offlineDevboxLock } from '../runtimes/devbox';
import { UserError } from '../user-error';
import { writeFileAtomic } from '../write-file-atomic';

/**
 * The environment definition each runtime would use for this workspace, in the portable form a
 * team can commit (the online one: nothing in it points into this machine's Nix store or data
 * directory). Where the workspace already has the file, the preview shows the workspace's own.
 */
function definitionFor(runtime: RuntimeId, workspace: WorkspaceInfo): { file: string; content: string } | null {
  switch (runtime) {
    case 'docker':
    case 'dind':
      return { file: 'Dockerfile.dev', content: pulledGoDockerfile(workspace.goVersion).dockerfile };
    case 'nix':
      return { file: 'flake.nix', content: onlineFlake({ goVersion: workspace.goVersion, system: nixSystem() }) };
    case 'devbox':
      return { file: 'devbox.json', content: generateDevboxConfig({ goVersion: workspace.goVersion, offlineFlakeDir: null }) };
    case 'native':
      return null;
  }
}

/**
 * The previews for `runtimes`. With `dataDir` (EnvBench's data directory), Devbox's also lists
 * the two files its offline runs add when the workspace has no devbox.json of its own: the flake
 * that stands in for nixpkgs and the devbox.lock that resolves nixpkgs to it, at the paths
 * EnvBench keeps them (offlineOnlyAt), which are never written into the workspace.
 */
export function previewDefinitions(workspace: WorkspaceInfo, runtimes: readonly RuntimeId[], options: { dataDir?: string } = {}): DefinitionPreview[] {
  const previews: DefinitionPreview[] = [];
  const seen = new Set<string>();
  for (const runtime of runtimes) {
    const generated = definitionFor(runtime, workspace);
    if (!generated || seen.has(generated.file)) continue;
    seen.add(generated.file);
    const own = readWorkspaceDefinition(workspace.path, generated.file);
    if (!own) previews.push({ runtime, file: generated.file, content: generated.content, exists: false });
    else if ('content' in own) previews.push({ runtime, file: generated.file, content: own.content, exists: true });
    else previews.push({ runtime, file: generated.file, content: `(${own.notShown})`, exists: true, notShown: own.notShown });
    if (runtime === 'devbox' && !own && options.dataDir) previews.push(...devboxOfflinePreviews(workspace, options.dataDir));
  }
  return previews;
}

function devboxOfflinePreviews(workspace: WorkspaceInfo, dataDir: string): DefinitionPreview[] {
  const { configDir, standinDir } = devboxDataPaths(dataDir, workspace.path);
  const offline = (file: string, at: string, content: string): DefinitionPreview => ({ runtime: 'devbox', file, content, exists: false, offlineOnlyAt: at });
  return [
    offline('nixpkgs stand-in flake.nix (offline)', path.join(standinDir, 'flake.nix'), nixpkgsStandinFlake(nixSystem())),
    offline('devbox.lock (offline)', path.join(configDir, 'devbox.lock'), offlineDevboxLock(null, standinDir)),
  ];
}

/** The largest definition file shown in a preview or report; a real one is a few KiB. */
export const DEFINITION_PREVIEW_LIMIT_BYTES = 256 * 1024;

/**
 * A definition file of the workspace, read only when it is a regular file that resolves inside the
 * workspace (a symlink to ~/.ssh/id_rsa or /etc/shadow is not shown) and is at most
 * DEFINITION_PREVIEW_LIMIT_BYTES; otherwise why it is not shown. Null when there is no such file.
 */
export function readWorkspaceDefinition(workspaceDir: string, file: string): { content: string } | { notShown: string } | null {
  const candidate = path.join(workspaceDir, file);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    // Absent, or a symlink to nothing: either way there is nothing to read.
    return fs.existsSync(candidate) || isSymlink(candidate) ? { notShown: 'not shown: it points to a file that does not exist' } : null;
  }
  const root = fs.realpathSync(workspaceDir);
  if (real !== root && !real.startsWith(root + path.sep)) return { notShown: 'not shown: points outside the workspace' };
  const stat = fs.statSync(real);
  if (!stat.isFile()) return { notShown: 'not shown: not a regular file' };
  if (stat.size > DEFINITION_PREVIEW_LIMIT_BYTES) return { notShown: `not shown: larger than ${DEFINITION_PREVIEW_LIMIT_BYTES / 1024} KiB` };
  return { content: fs.readFileSync(real, 'utf8') };
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes one previewed file into the workspace; never over a file that is there. */
export function writeDefinition(workspace: WorkspaceInfo, runtime: RuntimeId, file: string): { path: string } {
  const generated = definitionFor(runtime, workspace);
  if (!generated || generated.file !== file) {
    throw new UserError(`EnvBench generates no ${file} for ${runtime}`, `${runtime} ${generated ? `uses ${generated.file}` : 'needs no definition file'}`, 'Write one of the files the preview lists');
  }
  const target = path.join(workspace.path, file);
  if (fs.existsSync(target) || isSymlink(target)) {
    throw new UserError(`${file} already exists in ${workspace.path}`, 'EnvBench never overwrites a definition you have', 'Delete or rename it first if you want the generated one');
  }
  writeFileAtomic(target, generated.content);
  return { path: target };
}
