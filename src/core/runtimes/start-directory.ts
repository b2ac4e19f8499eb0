import fs from 'node:fs';
import path from 'node:path';

/**
 * Environment tools must never start in the workspace: they may paste their working directory
 * into a shell script of their own (`nix develop` 2.8 writes it unquoted into its rc script, so a
 * folder named `x';touch y;echo '` ran `touch` on the host). EnvBench starts them in a directory
 * of its own with a plain name, and enters the workspace inside the environment through the
 * environment variable ENTER_DIRECTORY_ENV, read by a constant script (ENTER_DIRECTORY_SCRIPT).
 */

/** Characters no shell treats specially, inside quotes or out. */
const PLAIN_PATH = /^[A-Za-z0-9._/+-]+$/;

/**
 * `<runtime cache>/start`, created; `/` when the cache directory's own path is not plain (a
 * user's $HOME or $ENVBENCH_CACHE_DIR may hold anything).
 */
export function startDirectory(runtimeCache: string): string {
  const dir = path.join(runtimeCache, 'start');
  if (!PLAIN_PATH.test(dir)) return '/';
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The environment variable that carries the directory to enter (never a command line). */
export const ENTER_DIRECTORY_ENV = 'ENVBENCH_CWD';

/**
 * Run as `bash -c ENTER_DIRECTORY_SCRIPT envbench-enter PROGRAM ARGS...`: enters the directory
 * ENTER_DIRECTORY_ENV names and execs the argument vector. The script is constant; the directory
 * and the arguments are only ever expanded inside double quotes, so no shell parses them.
 */
export const ENTER_DIRECTORY_SCRIPT = `cd -- "$${ENTER_DIRECTORY_ENV}" && exec "$@"`;

/** `bash -c` argv prefix that enters `ENTER_DIRECTORY_ENV` and execs what follows. */
export function enterDirectoryArgv(argv: readonly string[]): string[] {
  return ['bash', '-c', ENTER_DIRECTORY_SCRIPT, 'envbench-enter', ...argv];
}
