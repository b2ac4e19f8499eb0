import fs from 'node:fs';
import path from 'node:path';
import type { DefinitionPreview } from '../../shared/ipc/contract';
import type { RuntimeId, WorkspaceInfo } from '../../shared/run';
import { pulledGoDockerfile } from '../docker/pulled-dockerfile';
import { onlineFlake } from '../nix/generated-definitions';
import { nixSystem } from '../nix/offline-flake';
import { generateDevboxConfig } from '../runtimes/devbox';
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

export function previewDefinitions(workspace: WorkspaceInfo, runtimes: readonly RuntimeId[]): DefinitionPreview[] {
  const previews: DefinitionPreview[] = [];
  const seen = new Set<string>();
  for (const runtime of runtimes) {
    const generated = definitionFor(runtime, workspace);
    if (!generated || seen.has(generated.file)) continue;
    seen.add(generated.file);
    const own = path.join(workspace.path, generated.file);
    const exists = fs.existsSync(own);
    previews.push({ runtime, file: generated.file, content: exists ? fs.readFileSync(own, 'utf8') : generated.content, exists });
  }
  return previews;
}

/** Writes one previewed file into the workspace; never over a file that is there. */
export function writeDefinition(workspace: WorkspaceInfo, runtime: RuntimeId, file: string): { path: string } {
  const generated = definitionFor(runtime, workspace);
  if (!generated || generated.file !== file) {
    throw new UserError(`EnvBench generates no ${file} for ${runtime}`, `${runtime} ${generated ? `uses ${generated.file}` : 'needs no definition file'}`, 'Write one of the files the preview lists');
  }
  const target = path.join(workspace.path, file);
  if (fs.existsSync(target)) {
    throw new UserError(`${file} already exists in ${workspace.path}`, 'EnvBench never overwrites a definition you have', 'Delete or rename it first if you want the generated one');
  }
  writeFileAtomic(target, generated.content);
  return { path: target };
}
