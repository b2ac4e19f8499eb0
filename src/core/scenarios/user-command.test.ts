import { describe, expect, it } from 'vitest';
import { parseUserCommands, scenarioIn, userCommandFacts, userCommandsOf } from './user-command';

describe('--command NAME=CMD', () => {
  it('is a performance command scenario of the user, run on a scratch copy, recorded as a fact and read back', () => {
    const [build, lint] = parseUserCommands(["build=make build", "lint=go run ./tools/lint -v 'a b'"]);
    expect(build).toMatchObject({ id: 'build', kind: 'command', dimension: 'performance', argv: ['make', 'build'], mutatesWorkspace: true, userCommand: true });
    expect(lint!.argv).toEqual(['go', 'run', './tools/lint', '-v', 'a b']);
    const facts = userCommandFacts([build!, lint!]);
    expect(facts).toEqual({ 'run.command.build': 'make build', 'run.command.lint': "go run ./tools/lint -v 'a b'" });
    const commands = userCommandsOf({ ...facts, 'run.main': './cmd/x' });
    expect(commands).toEqual({ build: 'make build', lint: "go run ./tools/lint -v 'a b'" });
    expect(scenarioIn({ commands }, 'lint')).toMatchObject({ kind: 'command', dimension: 'performance', title: 'lint' });
    expect(scenarioIn({ commands }, 'vet')).toMatchObject({ title: 'Vet' });
    expect(scenarioIn({}, 'lint')).toBeUndefined();
  });

  it.each([
    ['no name', 'make build', /it has no NAME= before the command/],
    ['a name that is not one', 'Build It=make', /its name "Build It" is not 1 to 32 lower-case letters/],
    ["a catalogue scenario's name", 'vet=go vet ./...', /"vet" is the name of EnvBench's own scenario/],
    ['no program', 'x=', /it names no program/],
    ['a shell operator', 'x=make build && rm -rf /', /it has the shell operator "&&": EnvBench runs one command, never through a shell/],
    ['a substitution', 'x=echo $(id)', /EnvBench runs the command without a shell, so nothing would be expanded/],
  ])('refuses %s, saying what to do', (_name, text, message) => {
    expect(() => parseUserCommands([text])).toThrow(message);
  });

  it('refuses one name twice', () => {
    expect(() => parseUserCommands(['x=make', 'x=make all'])).toThrow(/"x" names two commands/);
  });
});
