import fs from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import tarFs from 'tar-fs';

/**
 * A workspace's build context as the docker CLI would send it, and no more: files the context's
 * `.dockerignore` excludes stay out (the Engine API does not apply it; the CLI does, and so must
 * we), `.git` stays out, and symbolic links are packed as links (never followed), except those
 * that point outside the workspace, which are left out altogether.
 */
export interface BuildContext {
  stream: NodeJS.ReadableStream;
  /** Context-relative paths of links left out because they point outside the workspace. */
  linksOutside: string[];
}

/** Whether `candidate` is `root` or lies below it (paths as given: resolve links first). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Where a symbolic link leads, as far as the file system lets us tell (a dangling link: its text). */
function linkTarget(link: string): string {
  try {
    return fs.realpathSync(link);
  } catch {
    return path.resolve(path.dirname(link), fs.readlinkSync(link));
  }
}

/** `.dockerignore` patterns, read the way the docker CLI does: one per line, `#` comments and blank lines skipped. */
export function readDockerignore(contextDir: string, workspaceRoot: string): string[] {
  const file = path.join(contextDir, '.dockerignore');
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return [];
  }
  // A .dockerignore that is a link out of the workspace is not read (and not packed either).
  if (stat.isSymbolicLink() && !isInside(workspaceRoot, linkTarget(file))) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Packs `contextDir` (inside `workspaceRoot`, both real paths) for the Engine's build endpoint.
 * `dockerfile` (relative to the context) and `.dockerignore` are always sent, as the CLI does.
 */
export function packBuildContext(contextDir: string, dockerfile: string, workspaceRoot: string): BuildContext {
  const patterns = readDockerignore(contextDir, workspaceRoot);
  const matcher = dockerignore().add(patterns);
  // With a "!" exception a folder that is excluded may still hold files that are not: walk into it.
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const alwaysSent = new Set([path.posix.normalize(dockerfile.split(path.sep).join('/')), '.dockerignore']);
  const linksOutside: string[] = [];
  const ignore = (name: string): boolean => {
    const rel = path.relative(contextDir, name).split(path.sep).join('/');
    if (path.basename(name) === '.git') return true;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(name);
    } catch {
      return true;
    }
    // Sockets, FIFOs and devices have no place in an image (tar-fs would abort on them).
    if (!stat.isFile() && !stat.isDirectory() && !stat.isSymbolicLink()) return true;
    if (stat.isSymbolicLink() && !isInside(workspaceRoot, linkTarget(name))) {
      linksOutside.push(rel);
      return true;
    }
    if (alwaysSent.has(rel)) return false;
    if (!matcher.ignores(rel)) return false;
    return !(stat.isDirectory() && hasExceptions);
  };
  const stream = tarFs.pack(contextDir, { dereference: false, ignore }) as unknown as NodeJS.ReadableStream;
  return { stream, linksOutside };
}
