import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceInfo } from '../../shared/run';
import { UserError } from '../user-error';
import { GoModSyntaxError, parseGoMod } from './go-mod';

/** Environment definitions EnvBench recognises in a workspace. */
export const DEFINITION_FILES = ['Dockerfile.dev', '.devcontainer/devcontainer.json', 'flake.nix', 'shell.nix', 'devbox.json'] as const;

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

async function nearestModuleAbove(dir: string): Promise<string | null> {
  let current = path.dirname(dir);
  for (;;) {
    if ((await statOrNull(path.join(current, 'go.mod')))?.isFile()) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * Accepts a directory that holds a Go module and describes it. Every refusal is a UserError
 * that says what is wrong and what to pass instead. Paths are only ever handed to fs calls.
 */
export async function inspectWorkspace(input: string): Promise<WorkspaceInfo> {
  const what = `Cannot use ${JSON.stringify(input)} as a workspace`;
  const given = path.resolve(input);
  const stat = await statOrNull(given);
  if (!stat) throw new UserError(what, 'it does not exist', 'Pass the path of a folder that contains a go.mod file');
  if (!stat.isDirectory()) {
    const hint = path.basename(given) === 'go.mod' ? `Pass its folder instead: ${path.dirname(given)}` : 'Pass the folder that contains go.mod';
    throw new UserError(what, 'it is a file, not a folder', hint);
  }
  const dir = await fs.realpath(given);
  const goModPath = path.join(dir, 'go.mod');
  const goModStat = await statOrNull(goModPath);
  if (!goModStat?.isFile()) {
    const above = await nearestModuleAbove(dir);
    const hint = above ? `The nearest folder above it with a go.mod is ${above}; pass that` : 'Pass a Go module folder, or create one with `go mod init`';
    throw new UserError(what, 'it has no go.mod, so it is not a Go module', hint);
  }
  let goMod;
  try {
    goMod = parseGoMod(await fs.readFile(goModPath, 'utf8'));
  } catch (error) {
    if (error instanceof GoModSyntaxError) {
      throw new UserError(what, `its go.mod does not parse (${error.message})`, `Fix ${goModPath}; \`go mod tidy\` reports the same problem`);
    }
    throw error;
  }

  const tree = await scanPackages(dir);
  const definitions: string[] = [];
  for (const file of DEFINITION_FILES) {
    if ((await statOrNull(path.join(dir, file)))?.isFile()) definitions.push(file);
  }
  return {
    path: dir,
    module: goMod.module,
    goVersion: goMod.goVersion,
    toolchain: goMod.toolchain,
    packages: tree.packages,
    testFiles: tree.testFiles,
    mainPackages: tree.mainPackages,
    definitions,
  };
}

interface PackageScan {
  packages: number;
  testFiles: number;
  /** Main packages as paths relative to the module root ("./cmd/tool"). */
  mainPackages: string[];
}

/** Walks the module like `./...` does: skips testdata, vendor, dot/underscore dirs, nested modules and symlinks. */
export async function scanPackages(root: string): Promise<PackageScan> {
  const result: PackageScan = { packages: 0, testFiles: 0, mainPackages: [] };
  async function visit(dir: string, isRoot: boolean): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    if (!isRoot && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    let goFiles = 0;
    let isMain = false;
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.go') || entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      goFiles++;
      if (entry.name.endsWith('_test.go')) result.testFiles++;
      else if (!isMain && (await packageClause(path.join(dir, entry.name))) === 'main') isMain = true;
    }
    if (goFiles > 0) result.packages++;
    if (isMain) result.mainPackages.push('./' + path.relative(root, dir).split(path.sep).join('/'));
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const name = entry.name;
      if (name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor') continue;
      await visit(path.join(dir, name), false);
    }
  }
  await visit(root, true);
  result.mainPackages = result.mainPackages.map((p) => (p === './' ? '.' : p)).sort();
  return result;
}

/** The package name from a Go file's package clause, skipping comments and build tags. */
export async function packageClause(file: string): Promise<string | null> {
  const head = (await fs.readFile(file, 'utf8')).slice(0, 64 * 1024);
  const withoutBlockComments = head.replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const line of withoutBlockComments.split('\n')) {
    const trimmed = line.replace(/\/\/.*$/, '').trim();
    if (!trimmed) continue;
    const match = /^package\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(trimmed);
    return match ? match[1]! : null;
  }
  return null;
}
