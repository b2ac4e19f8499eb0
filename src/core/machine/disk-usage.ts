import fs from 'node:fs/promises';
import path from 'node:path';

/** Apparent size of a directory tree in bytes (symlinks are not followed); 0 if it does not exist. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(full);
    else if (entry.isFile()) total += (await fs.lstat(full)).size;
  }
  return total;
}
