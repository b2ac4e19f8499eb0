import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../user-error';
import { NotRegularFileError, nonRegularKind, writeFileAtomic } from '../write-file-atomic';

function cannotWrite(file: string, why: string, fix: string): UserError {
  return new UserError(`Cannot write ${file}`, why, fix);
}

/** EnvBench replaces only regular files: a device, FIFO or symlink at the target is someone's, not a report. */
function refuseNonRegular(file: string, kind: string): UserError {
  return cannotWrite(
    file,
    `it is ${kind}, and EnvBench writes only to regular files or new paths (it would replace ${kind === 'a symbolic link' ? 'the link itself, not its target' : 'it with a regular file'})`,
    'Choose a new file name, or the path of a regular file',
  );
}

/**
 * Checks that `file` can be written, before anything is rendered (a PDF takes seconds): its
 * folder exists, is a folder and is writable, and the file itself is not a folder. Returns the
 * absolute path. Only a regular file or a new path is accepted (see writeFileAtomic). (As root, "writable" always holds; a failed write is still caught in writeExport.)
 */
export function checkExportPath(file: string): string {
  if (file.trim() === '') throw cannotWrite('""', 'no file was named', 'Pass a file name, for example --out report.md');
  const resolved = path.resolve(file);
  const dir = path.dirname(resolved);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw cannotWrite(file, `a part of the folder ${dir} is a file, not a folder`, 'Choose a path whose folders exist');
    if (code === 'EACCES') throw cannotWrite(file, `the folder ${dir} cannot be reached (permission denied)`, 'Choose a path in a folder you can write to');
    throw cannotWrite(file, `the folder ${dir} does not exist`, 'Create it first or choose another path');
  }
  if (!stat.isDirectory()) throw cannotWrite(file, `${dir} is a file, not a folder`, 'Choose a path whose folders exist');
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw cannotWrite(file, `the folder ${dir} is not writable`, 'Choose a path in a folder you can write to');
  }
  const kind = nonRegularKind(resolved);
  if (kind === 'a folder') throw cannotWrite(file, 'it is a folder', `Give a file name inside it, for example ${path.join(file, 'report.md')}`);
  if (kind) throw refuseNonRegular(file, kind);
  return resolved;
}

/**
 * Writes an export whole or not at all: to a temporary file beside the target, then renamed over
 * it, so a reader never sees half a report and a failure leaves neither a partial file nor the
 * temporary one (an existing file at the target keeps its old content).
 */
export function writeExport(file: string, content: string | Uint8Array): { path: string; bytes: number } {
  const target = checkExportPath(file);
  try {
    writeFileAtomic(target, content);
  } catch (error) {
    if (error instanceof NotRegularFileError) throw refuseNonRegular(file, error.kind);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const why: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'the operation is not permitted',
      EROFS: 'the file system is read-only',
      ENOSPC: 'the disk is full',
      EDQUOT: 'the disk quota is exceeded',
      EISDIR: 'it is a folder',
    };
    throw cannotWrite(file, `${why[reason] ?? `the write failed (${describe(error)})`}; nothing was written`, 'Choose another path, or free the space or permission it needs');
  }
  return { path: target, bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
