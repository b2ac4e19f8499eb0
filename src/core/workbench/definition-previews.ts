import fs from 'node:fs';
import path from 'node:path';
import type { DefinitionPreview } from '../../shared/ipc/contract';
import type { WorkspaceInfo } from '../../shared/run';
import type { Runtime } from '../environments/runtime';
import { UserError } from '../user-error';
import { writeFileAtomic } from '../write-file-atomic';

/**
 * The previews for `runtimes`: the definition each would use for this workspace, in the portable
 * form a team can commit (Runtime.portableDefinition), or the workspace's own file of that name.
 * With `dataDir` (EnvBench's data directory), a runtime whose offline runs add files beside it
 * (Devbox: the nixpkgs stand-in and its devbox.lock) lists them too when the workspace has no file
 * of its own, at the paths EnvBench keeps them (offlineOnlyAt), never written into the workspace.
 */
export function previewDefinitions(workspace: WorkspaceInfo, runtimes: readonly Runtime[], options: { dataDir?: string } = {}): DefinitionPreview[] {
  const previews: DefinitionPreview[] = [];
  const seen = new Set<string>();
  for (const runtime of runtimes) {
    const generated = runtime.portableDefinition(workspace);
    if (!generated || seen.has(generated.file)) continue;
    seen.add(generated.file);
    const own = readWorkspaceDefinition(workspace.path, generated.file);
    if (!own) previews.push({ runtime: runtime.id, file: generated.file, content: generated.content, exists: false });
    else if ('content' in own) previews.push({ runtime: runtime.id, file: generated.file, content: own.content, exists: true });
    else previews.push({ runtime: runtime.id, file: generated.file, content: `(${own.notShown})`, exists: true, notShown: own.notShown });
    if (!own && options.dataDir && runtime.offlineDefinitions) {
      for (const extra of runtime.offlineDefinitions(workspace, options.dataDir)) {
        previews.push({ runtime: runtime.id, file: extra.file, content: extra.content, exists: false, offlineOnlyAt: extra.at });
      }
    }
  }
  return previews;
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
export function writeDefinition(workspace: WorkspaceInfo, runtime: Runtime, file: string): { path: string } {
  const generated = runtime.portableDefinition(workspace);
  if (!generated || generated.file !== file) {
    throw new UserError(`EnvBench generates no ${file} for ${runtime.id}`, `${runtime.id} ${generated ? `uses ${generated.file}` : 'needs no definition file'}`, 'Write one of the files the preview lists');
  }
  const target = path.join(workspace.path, file);
  if (fs.existsSync(target) || isSymlink(target)) {
    throw new UserError(`${file} already exists in ${workspace.path}`, 'EnvBench never overwrites a definition you have', 'Delete or rename it first if you want the generated one');
  }
  writeFileAtomic(target, generated.content);
  return { path: target };
}
