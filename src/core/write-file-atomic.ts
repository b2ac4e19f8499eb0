import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What lstat says is at a path EnvBench is asked to write, in words; null for a regular file or nothing. */
export function nonRegularKind(file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (stat.isFile()) return null;
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Thrown by writeFileAtomic when the target exists and is not a regular file; `code` is 'ENOTREGULAR'. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREGULAR';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
  }
}

/**
 * Writes a whole file or nothing: the content goes to a new temporary file beside the target
 * (a random name opened with O_EXCL, so nothing already there is reused or followed), is flushed
 * to disk, and is renamed over the target; then the folder is flushed so the rename survives a
 * power cut. Only a regular file or a new path is ever replaced: a symlink, device, FIFO or folder
 * at the target is refused (NotRegularFileError), never followed or replaced. An existing file
 * keeps its permission bits (and, where allowed, its owner).
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const kind = nonRegularKind(file);
  if (kind) throw new NotRegularFileError(file, kind);
  const existing = statOrNull(file);
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
  try {
    try {
      if (existing) {
        // open() applied the umask: give the new file exactly the old one's mode and owner.
        fs.fchmodSync(fd, existing.mode & 0o7777);
        try {
          fs.fchownSync(fd, existing.uid, existing.gid);
        } catch {
          // Only root may give a file away; the mode is what keeps it private.
        }
      }
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      for (let offset = 0; offset < bytes.byteLength; ) offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Between the check above and here the target may have changed: check once more, as late as possible.
    const late = nonRegularKind(file);
    if (late) throw new NotRegularFileError(file, late);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** Flushes a folder's entries (the rename); some file systems cannot, which loses only durability. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM on file systems without directory fsync.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
