import fs from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceInfo } from '../../shared/run';
import { packageClause } from '../workspace/inspect-workspace';

/**
 * Scenarios that change files work on a copy, so a crash mid-run never leaves the user's
 * tree modified. The copy leaves out .git (VCS stamping is therefore off in the copy).
 */
export async function createScratchCopy(workspace: WorkspaceInfo, destination: string): Promise<string> {
  await fs.rm(destination, { recursive: true, force: true });
  await fs.mkdir(path.dirname(destination), { recursive: true });
  await fs.cp(workspace.path, destination, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => path.basename(source) !== '.git',
  });
  return destination;
}

/** The file build-incremental edits: the first non-test Go file of the first main package (else of the root). */
export async function pickEditTarget(root: string, mainPackages: readonly string[]): Promise<string> {
  const candidates = [...mainPackages, '.'];
  for (const pkg of candidates) {
    const dir = path.join(root, pkg);
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if ((await packageClause(path.join(dir, name))) !== null) return path.join(dir, name);
    }
  }
  throw new Error('no Go source file to edit in a main package or at the module root');
}

const EDIT_MARK = '// envbench: incremental-build edit ';

/** Changes the file's content (Go caches by content, so touching mtime would rebuild nothing). */
export async function editSourceFile(file: string, counter: number): Promise<void> {
  const text = await fs.readFile(file, 'utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines[lines.length - 1]?.startsWith(EDIT_MARK)) lines.pop();
  lines.push(`${EDIT_MARK}${counter}`);
  await fs.writeFile(file, lines.join('\n') + '\n');
}
