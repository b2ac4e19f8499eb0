import { parse } from 'shell-quote';
import type { FactValue, WorkspaceInfo } from '../../shared/run';
import { commandLine } from '../environments/runtime';
import { UserError } from '../user-error';

/** The run-level fact naming the first-run command, as a shell user would type it; set once a start is timed. */
export const FIRST_RUN_FACT = 'startup.firstRun';

const MAX_COMMAND_CHARS = 4096;

/**
 * The command whose end ends a start (the `first-run` phase): by default the first build of the
 * module's main packages, `go build -o /dev/null ./cmd/a ./cmd/b` (Go links every main package
 * it is given and, for `-o /dev/null`, writes nothing, whatever their number), or `./...` for a
 * module without one. A build always ends, where `go run` of a server or an interactive tool never
 * would. Standard input is /dev/null in every runtime.
 */
export function defaultFirstRun(workspace: WorkspaceInfo): string[] {
  const mains = workspace.mainPackages;
  return ['go', 'build', '-o', '/dev/null', ...(mains.length > 0 ? mains : ['./...'])];
}

/**
 * `--first-run "go run ./cmd/x -once"` as an argument vector (splitCommandWords): one program
 * and its arguments, never through a shell.
 */
export function parseFirstRun(text: string): string[] {
  const argv = splitCommandWords(text, '--first-run', 'Give one program and its arguments, for example --first-run "go run ./cmd/server -version"');
  if (argv.length === 0 || argv[0] === '') {
    throw new UserError(`Invalid --first-run ${shownOption(text)}`, 'it names no program', 'Give one program and its arguments, for example --first-run "go run ./cmd/server -version"');
  }
  return argv;
}

function shownOption(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * A user's command words as an argument vector, split as a POSIX shell splits words (quotes and
 * backslashes), and nothing else: the words never pass through a shell, so an operator, a
 * redirection, a substitution, a variable, a glob or a comment would not do what it says. Those
 * are refused (UserError naming `option`) rather than passed on literally.
 */
export function splitCommandWords(text: string, option: string, fix: string): string[] {
  const refuse = (why: string, fixHere = fix): never => {
    throw new UserError(`Invalid ${option} ${shownOption(text)}`, why, fixHere);
  };
  if (text.length > MAX_COMMAND_CHARS) refuse(`it is longer than ${MAX_COMMAND_CHARS} characters`);
  if (text.includes('`')) refuse('it has a backtick: EnvBench runs the command without a shell, so nothing would be substituted', 'Quote the backtick with single quotes if it is meant literally, or run the commands one by one');
  const variables: string[] = [];
  const words = parse(text, (name) => {
    variables.push(name);
    return '';
  });
  if (variables.length > 0) {
    refuse(`it uses ${variables.map((v) => (v ? `$${v}` : '$(…)')).join(', ')}: EnvBench runs the command without a shell, so nothing would be expanded`, 'Write the value itself, or quote a literal $ with single quotes');
  }
  const argv: string[] = [];
  for (const word of words) {
    if (typeof word === 'string') {
      argv.push(word);
      continue;
    }
    if ('comment' in word) refuse('it has a comment (#): EnvBench runs the command without a shell', 'Quote the # if it is an argument');
    else if ('pattern' in word) refuse(`it has the pattern ${word.pattern}: EnvBench runs the command without a shell, so nothing would be expanded`, 'Quote the pattern if the program expects it literally, or name the files');
    else refuse(`it has the shell operator ${JSON.stringify(word.op)}: EnvBench runs one command, never through a shell`, `${fix} (put a pipeline or a sequence in a script in the workspace and name the script)`);
  }
  return argv;
}

/** The first-run command a run timed (from its run-level facts), as a shell user would type it; null when it timed no start. */
export function firstRunOf(runFacts: Readonly<Record<string, FactValue>> | undefined): string | null {
  const value = runFacts?.[FIRST_RUN_FACT];
  return typeof value === 'string' ? value : null;
}

/** The run-level fact that records which command the starts timed. */
export function firstRunFact(argv: readonly string[]): Record<string, string> {
  return { [FIRST_RUN_FACT]: commandLine(argv) };
}
