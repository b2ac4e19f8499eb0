import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../user-error';
import { nonRegularKind } from '../write-file-atomic';
import { SCHEMA_VERSION } from './migrations';

const FIX_OTHER_FILE = 'Point --db (or ENVBENCH_DATA_DIR) at another file';

function cannotUse(file: string, why: string, fix = FIX_OTHER_FILE): UserError {
  return new UserError(`Cannot use ${file} as the history database`, why, fix);
}

/**
 * Opens (creating when absent) the SQLite history and checks, before anything is written to it,
 * that it is one this EnvBench can use. Every fault a user can cause with `--db` — a folder, a
 * device, a read-only folder, a damaged or foreign file, a newer schema — is a UserError that
 * says what to do, and leaves the file as it was: the schema version is read before the file is
 * switched to WAL (which rewrites its header) or migrated.
 */
export function openHistoryDatabase(file: string, nativeBinding?: string): Database.Database {
  const dir = path.dirname(file);
  let exists = true;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw cannotUse(file, 'it is a folder', `Name a file inside it, for example --db ${path.join(file, 'history.sqlite')}`);
    if (!stat.isFile()) throw cannotUse(file, `it is ${nonRegularKind(file) ?? 'not a regular file'}, and the history must be a regular file`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw cannotUse(file, `a part of ${dir} is a file, not a folder`, 'Choose a path whose folders exist');
    if (code !== 'ENOENT') throw cannotUse(file, `it cannot be read (${code ?? describe(error)})`);
    exists = false;
  }
  if (!exists) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw cannotUse(file, `its folder ${dir} cannot be created (${osReason(error)})`, 'Choose a folder you can write to');
    }
  }
  try {
    // SQLite keeps its write-ahead log and shared memory beside the file: the folder must be writable.
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw cannotUse(file, `its folder ${dir} is not writable (${osReason(error)}); SQLite keeps its log files beside the database`, 'Choose a folder you can write to, or copy the file to one');
  }

  let db: Database.Database;
  try {
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    throw translate(file, error);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw cannotUse(
        file,
        `it has schema version ${version}, newer than this EnvBench understands (${SCHEMA_VERSION}); it was left as it is`,
        'Update EnvBench, or point --db at another file',
      );
    }
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode keeps every committed transaction across a process crash (not a power cut).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw translate(file, error);
  }
  return db;
}

/** SQLite's error codes as reasons a person can act on; anything else is passed on as it is. */
export function translate(file: string, error: unknown): unknown {
  if (error instanceof UserError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const sqlite = `SQLite says: ${describe(error)}`;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return cannotUse(file, `it is not an SQLite database, or it is damaged (${sqlite}); EnvBench did not change it`, `${FIX_OTHER_FILE}; keep this one if it holds runs you need (\`sqlite3 FILE .recover\` may save them)`);
  }
  if (code.startsWith('SQLITE_READONLY')) return cannotUse(file, `it is read-only (${sqlite})`, 'Make it writable, or copy it to a folder you can write to');
  if (code === 'SQLITE_FULL') return cannotUse(file, `the disk is full (${sqlite})`, 'Free some space, or point --db at another disk');
  if (code.startsWith('SQLITE_CANTOPEN')) return cannotUse(file, `it cannot be opened (${sqlite})`, 'Check the path and its permissions, or choose another file');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return cannotUse(file, `another process holds it locked (${sqlite})`, 'Wait for it to finish, then try again');
  if (code.startsWith('SQLITE_IOERR')) return cannotUse(file, `reading or writing it failed (${sqlite})`, 'Check the disk, or point --db at another file');
  return error;
}

function osReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = { EROFS: 'the file system is read-only', EACCES: 'permission denied', EPERM: 'the operation is not permitted', ENOSPC: 'the disk is full', ENOTDIR: 'a part of it is a file' };
  return (code && reasons[code]) ?? describe(error);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
