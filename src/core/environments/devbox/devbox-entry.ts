import fs from 'node:fs';
import path from 'node:path';
import { ENTER_DIRECTORY_ENV, terminalShellArgv } from '../start-directory';

// How a command, a terminal and Nix get into a Devbox environment without a shell reading any
// user string.

/**
 * `devbox run -- CMD ARGS` does not exec an argument vector: Devbox joins the words with spaces
 * into DEVBOX_RUN_CMD and its script runs `eval $DEVBOX_RUN_CMD` (later versions first quote
 * each argument after the first with Go's strconv.Quote, which a shell does not undo either).
 * It also always runs in the directory of devbox.json, not the caller's. So no user string goes
 * into that command: the working directory and every argument travel in environment variables,
 * and the one word Devbox evaluates is this fixed text, which field splitting and both Devbox
 * behaviours leave intact (single spaces, no glob characters, no argument after it to quote).
 */
export function runInDirectoryScript(argumentCount: number): string {
  const words = Array.from({ length: argumentCount }, (_, i) => `"$ENVBENCH_ARGV_${i}"`);
  return `cd -- "$${ENTER_DIRECTORY_ENV}" && exec ${words.join(' ')}`;
}

/**
 * Characters of a project directory that Devbox's own `sh -c "\"<dir>/.devbox/gen/scripts/...\""`
 * would interpret inside double quotes, or null. Devbox, not EnvBench, builds that string.
 */
export function shellUnsafeCharacters(dir: string): string | null {
  const found = [...new Set(dir.match(/[$`"\\\n]/g) ?? [])];
  return found.length > 0 ? found.map((c) => (c === '\n' ? 'a newline' : c)).join(' ') : null;
}

/**
 * The shell `devbox shell` starts for EnvBench's terminals: Devbox runs the program SHELL names
 * (an EnvBench file named `bash`, so Devbox hands it `--rcfile <Devbox's rc file>`), with the
 * environment Devbox computed. It enters the folder ENTER_DIRECTORY_ENV names, the only place the
 * workspace appears, and execs the real bash with Devbox's arguments; Devbox's rc file then
 * records `$(pwd)` at run time, runs the init hook in the project directory and comes back.
 * Constant text.
 */
export const DEVBOX_TERMINAL_SHELL = `#!/bin/sh
# Written by EnvBench for terminals in \`devbox shell\` (see devbox.ts): SHELL names this file.
# Enters the folder $${ENTER_DIRECTORY_ENV} names, then runs the real bash with Devbox's arguments.
cd -- "$${ENTER_DIRECTORY_ENV}" || exit 126
SHELL=$(command -v bash) || exit 127
export SHELL
exec "$SHELL" "$@"
`;

/**
 * Why `devbox shell` cannot open this terminal safely, or null. Devbox 0.18's rc file
 * (internal/devbox/shellrc.tmpl) holds the project directory in double quotes (`cd "DIR"`,
 * HISTFILE, the hooks file: the characters shellUnsafeCharacters names, refused for every Devbox
 * entry) and in single quotes (the `refresh` alias: `'eval "$(devbox shellenv ... -c "DIR")"'`),
 * where a `'` ends the quote and the rest runs as commands. It comes back to the terminal's
 * folder with `working_dir="$(pwd)"`, which drops a trailing newline, and exits when that fails.
 */
export function devboxShellProblem(configDir: string, workspace: string): string | null {
  if (configDir.includes("'")) return `its rc file would hold the project directory ${configDir} inside single quotes, where its ' ends the quote`;
  if (workspace.endsWith('\n')) return 'its rc file comes back to the folder through $(pwd), which drops the newline the folder name ends with';
  return null;
}

/**
 * A terminal's entry: `devbox shell --config DIR` with SHELL naming DEVBOX_TERMINAL_SHELL (written
 * into `rcDir`), which enters `workspace` (ENTER_DIRECTORY_ENV) before bash reads Devbox's rc
 * file. Where devboxShellProblem says that is unsafe, `devbox run --config DIR -- <fixed script>`
 * whose script enters the workspace and execs an interactive bash (terminalShellArgv), as before.
 * Either way the workspace and every argument travel in the environment, never in a command.
 */
export function devboxTerminalEntry(
  program: string,
  configDir: string,
  workspace: string,
  rcDir: string,
): { argv: string[]; env: Record<string, string>; entry: 'devbox shell' | 'devbox run'; why: string | null } {
  const why = devboxShellProblem(configDir, workspace);
  if (why) {
    const shell = terminalShellArgv(rcDir);
    return { argv: [program, 'run', '--config', configDir, '--', runInDirectoryScript(shell.length)], env: runInDirectoryEnv(workspace, shell), entry: 'devbox run', why };
  }
  const shellFile = path.join(rcDir, 'devbox-shell', 'bash');
  fs.mkdirSync(path.dirname(shellFile), { recursive: true });
  if (!fs.existsSync(shellFile) || fs.readFileSync(shellFile, 'utf8') !== DEVBOX_TERMINAL_SHELL) fs.writeFileSync(shellFile, DEVBOX_TERMINAL_SHELL);
  fs.chmodSync(shellFile, 0o755);
  return {
    argv: [program, 'shell', '--config', configDir],
    // DEVBOX_SHELL_ENABLED empty: EnvBench started from a devbox shell must not make Devbox refuse a nested one.
    env: { [ENTER_DIRECTORY_ENV]: workspace, SHELL: shellFile, DEVBOX_SHELL_ENABLED: '' },
    entry: 'devbox shell',
    why: null,
  };
}

export function runInDirectoryEnv(cwd: string, argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = { [ENTER_DIRECTORY_ENV]: cwd };
  argv.forEach((arg, i) => (env[`ENVBENCH_ARGV_${i}`] = arg));
  return env;
}

/**
 * NIX_CONFIG for every Nix call Devbox makes offline, after the user's own: no binary cache and an
 * empty flake registry. The flake features come first: before them Nix ignores `flake-registry`
 * (and prints "Ignoring setting 'flake-registry'" on every call).
 */
export function offlineNixConfig(registryFile: string, inherited: string | undefined): string {
  const extra = `extra-experimental-features = nix-command flakes\nsubstituters =\nflake-registry = ${registryFile}`;
  return inherited ? `${inherited}\n${extra}` : extra;
}
