import fs from 'node:fs/promises';
import path from 'node:path';
import type { FactValue, WorkspaceInfo } from '../../shared/run';
import { commandLine } from '../environments/runtime';
import { UserError } from '../user-error';
import { packageClause } from '../workspace/inspect-workspace';
import { splitCommandWords } from './first-run';

/** Run-level facts naming what the user chose for the scenarios (`--main`, `--test-args`), as first-run is recorded. */
export const MAIN_FACT = 'run.main';
export const TEST_ARGS_FACT = 'run.testArgs';

/**
 * `--test-args "-run TestX -v"` as words added to `go test` (splitCommandWords: no shell, no
 * operators). Any flag or package `go test` takes is allowed; the words are arguments, never a
 * program.
 */
export function parseTestArgs(text: string): string[] {
  const fix = 'Give the arguments for go test, for example --test-args "-run TestParse -short"';
  const argv = splitCommandWords(text, '--test-args', fix);
  if (argv.length === 0) throw new UserError(`Invalid --test-args ${JSON.stringify(text)}`, 'it has no arguments', `${fix}, or leave the option out`);
  return argv;
}

/**
 * `--main ./cmd/x` checked against the workspace: a relative package path inside it whose Go files
 * say `package main`. Returns it as Go and EnvBench write main packages ("./cmd/x", "." for the root).
 */
export async function checkMainPackage(workspace: Pick<WorkspaceInfo, 'path' | 'mainPackages'>, given: string): Promise<string> {
  const refuse = (why: string, fix?: string): never => {
    const known = workspace.mainPackages.length > 0 ? `Name one of its main packages: ${workspace.mainPackages.join(', ')}` : 'The workspace has no main package; add one (a folder with package main and func main) or leave --main out';
    throw new UserError(`Invalid --main ${JSON.stringify(given.length > 80 ? `${given.slice(0, 80)}…` : given)}`, why, fix ?? known);
  };
  const text = given.trim();
  if (text === '') refuse('it is empty');
  if (path.isAbsolute(text) || /^[A-Za-z]:[\\/]/.test(text)) refuse('it is an absolute path: --main takes a package path relative to the workspace, such as ./cmd/server');
  const slashed = text.replace(/\\/g, '/');
  if (/^[a-z0-9.-]+\.[a-z]+\//i.test(slashed) && !slashed.startsWith('./')) refuse('it looks like an import path: --main takes a package path relative to the workspace, such as ./cmd/server');
  const normalized = path.posix.normalize(slashed).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) refuse('it leads out of the workspace: --main names a package inside it');
  if (normalized.includes('...')) refuse('it is a pattern: --main names one package');
  const pkg = normalized === '.' || normalized === '' ? '.' : `./${normalized.replace(/^\.\//, '')}`;
  if (workspace.mainPackages.includes(pkg)) return pkg;

  const dir = path.join(workspace.path, ...pkg.split('/').slice(1));
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) refuse(`${pkg} does not exist in ${workspace.path}`);
  if (!stat!.isDirectory()) refuse(`${pkg} is a file: --main names a package, the folder of its Go files`);
  const real = await fs.realpath(dir);
  if (real !== workspace.path && !real.startsWith(workspace.path + path.sep)) refuse(`${pkg} leads out of the workspace (through a symbolic link): --main names a package inside it`);
  const goFiles = (await fs.readdir(dir)).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('.') && !f.startsWith('_'));
  if (goFiles.length === 0) refuse(`${pkg} has no Go files`);
  const name = await packageClause(path.join(dir, goFiles[0]!));
  if (name !== 'main') refuse(`${pkg} is package ${name ?? '(unreadable)'}, not a main package`);
  // A main package `./...` skips (testdata, vendor, a nested module, a dot or underscore folder).
  refuse(`${pkg} is a main package that \`go build ./...\` does not reach (it is under testdata, vendor, a dot or underscore folder, or another module)`);
  return pkg;
}

/** The run-level fact recording `--ignore-failure`. */
const IGNORE_FAILURE_FACT = 'run.ignoreFailure';

/** The run-level facts recording the user's --main, --test-args and --ignore-failure (none when none was given). */
export function scenarioTargetFacts(main: string | undefined, testArgs: readonly string[] | undefined, ignoreFailure = false): Record<string, string | boolean> {
  return {
    ...(main ? { [MAIN_FACT]: main } : {}),
    ...(testArgs && testArgs.length > 0 ? { [TEST_ARGS_FACT]: commandLine(testArgs) } : {}),
    ...(ignoreFailure ? { [IGNORE_FAILURE_FACT]: true } : {}),
  };
}

/** `--main` and `--test-args` as a run recorded them (RunOptionsJson.main, .testArgs). */
export function scenarioTargetsOf(runFacts: Readonly<Record<string, FactValue>> | undefined): { main?: string; testArgs?: string; ignoreFailure?: true } {
  const main = runFacts?.[MAIN_FACT];
  const testArgs = runFacts?.[TEST_ARGS_FACT];
  return { ...(typeof main === 'string' ? { main } : {}), ...(typeof testArgs === 'string' ? { testArgs } : {}), ...(runFacts?.[IGNORE_FAILURE_FACT] === true ? { ignoreFailure: true as const } : {}) };
}
