import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from '../data-paths';

/** Content hashes by file identity, so a second prepare in one process does not read 60 MB again. */
const hashes = new Map<string, string>();

function contentHash(file: string): string {
  const stat = fs.statSync(file);
  const key = `${file}\0${stat.dev}\0${stat.ino}\0${stat.size}\0${stat.mtimeMs}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    hashes.set(key, hash);
  }
  return hash;
}

/**
 * One folder holding copies of these host tools (gopls, dlv), named by the hash of their names
 * and contents under the cache directory's tools/ folder: every workspace and runtime that needs
 * the same binaries shares one copy (they are tens of MB each), and a new gopls gets a new
 * folder instead of changing one a Nix store path was made from. Null without tools. Filled in a
 * temporary folder and renamed into place, so a reader never sees half a copy.
 */
export function sharedToolsDir(cacheDir: string, tools: readonly { name: string; path: string }[]): string | null {
  if (tools.length === 0) return null;
  const sorted = [...tools].sort((a, b) => a.name.localeCompare(b.name));
  const key = crypto.createHash('sha256');
  for (const tool of sorted) key.update(`${tool.name}\0${contentHash(tool.path)}\0`);
  const parent = toolsCacheDir(cacheDir);
  const dir = path.join(parent, key.digest('hex'));
  if (sorted.every((tool) => fs.existsSync(path.join(dir, tool.name)))) return dir;
  fs.mkdirSync(parent, { recursive: true });
  const temp = fs.mkdtempSync(path.join(parent, '.partial-'));
  try {
    // copyFile keeps the executable bit.
    for (const tool of sorted) fs.copyFileSync(tool.path, path.join(temp, tool.name));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(temp, dir);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    // Another EnvBench process put the same copy there first.
    if (sorted.every((tool) => fs.existsSync(path.join(dir, tool.name)))) return dir;
    throw error;
  }
  return dir;
}
