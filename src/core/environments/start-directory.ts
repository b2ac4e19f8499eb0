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
 * Set (possibly empty) to the host's TMPDIR by runtimes whose entry replaces it: `nix develop` and
 * nix-shell give every entry a fresh `$TMPDIR/nix-shell.XXXX` (also NIX_BUILD_TOP, TMP, TEMP,
 * TEMPDIR), and EnvBench enters once per command where a person enters once per session.
 * RESTORE_TMPDIR puts the host's back so every command gets the same TMPDIR as native; a TMPDIR
 * the definition itself sets (a shellHook's) is not Nix's per-entry one, and is kept.
 */
export const HOST_TMPDIR_ENV = 'ENVBENCH_HOST_TMPDIR';

/** Constant shell text: restores TMPDIR from HOST_TMPDIR_ENV when that is set and TMPDIR is the entry's own; nothing otherwise. */
export const RESTORE_TMPDIR = [
  `if [ -n "\${${HOST_TMPDIR_ENV}+x}" ]; then`,
  `if [ -n "\${NIX_BUILD_TOP-}" ] && [ "\${TMPDIR-}" = "$NIX_BUILD_TOP" ]; then if [ -n "$${HOST_TMPDIR_ENV}" ]; then export TMPDIR="$${HOST_TMPDIR_ENV}"; else unset TMPDIR; fi; fi;`,
  `for v in TMP TEMP TEMPDIR; do if [ -n "\${NIX_BUILD_TOP-}" ] && [ "\${!v-}" = "$NIX_BUILD_TOP" ]; then unset "$v"; fi; done;`,
  `unset ${HOST_TMPDIR_ENV}; fi`,
].join(' ');

/**
 * Run as `bash -c ENTER_DIRECTORY_SCRIPT envbench-enter PROGRAM ARGS...`: enters the directory
 * ENTER_DIRECTORY_ENV names (and restores TMPDIR: RESTORE_TMPDIR) and execs the argument vector.
 * The script is constant; the directory and the arguments are only ever expanded inside double
 * quotes, so no shell parses them.
 */
export const ENTER_DIRECTORY_SCRIPT = `cd -- "$${ENTER_DIRECTORY_ENV}" || exit 126; ${RESTORE_TMPDIR}; exec "$@"`;

/** `bash -c` argv prefix that enters `ENTER_DIRECTORY_ENV` and execs what follows. */
export function enterDirectoryArgv(argv: readonly string[]): string[] {
  return ['bash', '-c', ENTER_DIRECTORY_SCRIPT, 'envbench-enter', ...argv];
}

/**
 * A terminal's bash inside an environment reads the user's ~/.bashrc first and then puts back the
 * environment it was started with (as `nix develop` does, so a PATH the bashrc prepends does not
 * hide the environment's tools), then enters ENTER_DIRECTORY_ENV. Constant text.
 */
export const TERMINAL_BASHRC = `# Written by EnvBench for terminals inside environments (see start-directory.ts).
[ -e ~/.bashrc ] && . ~/.bashrc
eval "$ENVBENCH_ENVIRONMENT"
unset ENVBENCH_ENVIRONMENT
cd -- "$${ENTER_DIRECTORY_ENV}"
`;

/**
 * argv of an interactive bash that starts as TERMINAL_BASHRC says, to run inside an environment:
 * a constant script keeps the environment (`export -p`, quoted by bash itself) and execs bash
 * with the rc file written into `dir` (EnvBench's own).
 */
export function terminalShellArgv(dir: string): string[] {
  const rcFile = path.join(dir, 'terminal.bashrc');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(rcFile) || fs.readFileSync(rcFile, 'utf8') !== TERMINAL_BASHRC) fs.writeFileSync(rcFile, TERMINAL_BASHRC);
  return ['bash', '-c', 'ENVBENCH_ENVIRONMENT=$(export -p) exec bash --rcfile "$0" -i', rcFile];
}
