import type { RunOptionsJson } from '../../shared/run';
import { splitCommandWords } from '../bench/first-run';
import { commandLine } from '../environments/runtime';
import { UserError } from '../user-error';
import type { CommandScenario, Scenario } from './catalog';
import { findScenario } from './catalog';

// `--command NAME=CMD` (hyperfine's habit of naming a command): the user's own command, such as
// `make build`, measured in every environment as a performance scenario of the run.

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The run-level fact recording a user's command, one per name: `run.command.<name>` = its command line. */
export const USER_COMMAND_FACT_PREFIX = 'run.command.';

/** A user's command as a scenario: run like the catalogue's, on a scratch copy so the workspace itself is never written. */
export function userCommandScenario(name: string, argv: readonly string[]): CommandScenario {
  return {
    id: name,
    kind: 'command',
    dimension: 'performance',
    title: name,
    counts: `your command \`${commandLine(argv)}\` (--command), run in each environment on a scratch copy of the workspace`,
    argv,
    mutatesWorkspace: true,
    userCommand: true,
  };
}

/** `--command build='make build'`, checked: a short lower-case name no scenario has, and one program with its arguments, never a shell. */
export function parseUserCommand(text: string, taken: ReadonlySet<string> = new Set()): CommandScenario {
  const at = text.indexOf('=');
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  const example = "for example --command build='make build'";
  if (at < 0) throw new UserError(`Invalid --command ${shown}`, 'it has no NAME= before the command', `Name it, ${example}`);
  const name = text.slice(0, at).trim();
  if (!NAME.test(name)) throw new UserError(`Invalid --command ${shown}`, `its name "${name}" is not 1 to 32 lower-case letters, digits and dashes, starting with a letter`, `Name it so, ${example}`);
  if (findScenario(name)) throw new UserError(`Invalid --command ${shown}`, `"${name}" is the name of EnvBench's own scenario`, `Pick another name; to measure EnvBench's, pass --scenarios ${name}`);
  if (taken.has(name)) throw new UserError(`Invalid --command ${shown}`, `"${name}" names two commands`, 'Give each command its own name');
  const argv = splitCommandWords(text.slice(at + 1), '--command', `Give one program and its arguments, ${example}`);
  if (argv.length === 0 || argv[0] === '') throw new UserError(`Invalid --command ${shown}`, 'it names no program', `Give one program and its arguments, ${example}`);
  return userCommandScenario(name, argv);
}

/** Every --command, in the order given. */
export function parseUserCommands(texts: readonly string[]): CommandScenario[] {
  const taken = new Set<string>();
  return texts.map((text) => {
    const scenario = parseUserCommand(text, taken);
    taken.add(scenario.id);
    return scenario;
  });
}

/** The run-level facts recording the user's commands. */
export function userCommandFacts(scenarios: readonly Scenario[]): Record<string, string> {
  return Object.fromEntries(scenarios.filter((s): s is CommandScenario => s.kind === 'command' && Boolean(s.userCommand)).map((s) => [`${USER_COMMAND_FACT_PREFIX}${s.id}`, commandLine(s.argv)]));
}

/** A stored run's user commands, name -> command line (RunOptionsJson.commands). */
export function userCommandsOf(runFacts: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(runFacts ?? {})
      .filter((e): e is [string, string] => e[0].startsWith(USER_COMMAND_FACT_PREFIX) && typeof e[1] === 'string')
      .map(([key, line]) => [key.slice(USER_COMMAND_FACT_PREFIX.length), line]),
  );
}

/** A scenario of a stored run: the catalogue's, or one of the run's own commands (its argv is not needed to show it). */
export function scenarioIn(options: Pick<RunOptionsJson, 'commands'> | undefined, id: string): Scenario | undefined {
  const known = findScenario(id);
  if (known) return known;
  const line = options?.commands?.[id];
  if (line === undefined) return undefined;
  return { ...userCommandScenario(id, []), counts: `your command \`${line}\` (--command), run in each environment on a scratch copy of the workspace` };
}
