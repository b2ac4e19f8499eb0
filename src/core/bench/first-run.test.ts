import { describe, expect, it } from 'vitest';
import type { WorkspaceInfo } from '../../shared/run';
import { UserError } from '../user-error';
import { defaultFirstRun, firstRunFact, firstRunOf, parseFirstRun } from './first-run';

const workspace = (mainPackages: string[]): WorkspaceInfo => ({ path: '/w', module: 'm', goVersion: '1.22', toolchain: null, packages: 3, testFiles: 0, mainPackages, definitions: [] });

describe('defaultFirstRun', () => {
  it.each([
    [['./cmd/server'], ['go', 'build', '-o', '/dev/null', './cmd/server']],
    [['./cmd/a', './cmd/b'], ['go', 'build', '-o', '/dev/null', './cmd/a', './cmd/b']],
    [[], ['go', 'build', '-o', '/dev/null', './...']],
  ])('builds the main packages %j', (mains, argv) => {
    expect(defaultFirstRun(workspace(mains))).toEqual(argv);
  });
});

describe('parseFirstRun', () => {
  it.each([
    ['go run ./cmd/x -once', ['go', 'run', './cmd/x', '-once']],
    ['  go   run ./cmd/x  ', ['go', 'run', './cmd/x']],
    [`go run ./cmd/x -name "a b" 'c;d' e\\ f`, ['go', 'run', './cmd/x', '-name', 'a b', 'c;d', 'e f']],
    [`./bin/tool '$HOME' '*.go' '#x'`, ['./bin/tool', '$HOME', '*.go', '#x']],
  ])('splits %s into words', (text, argv) => {
    expect(parseFirstRun(text)).toEqual(argv);
  });

  it.each([
    ['go build ./... ; rm -rf x', /shell operator ";"/],
    ['go run . | tee log', /shell operator "\|"/],
    ['go run . && echo ok', /shell operator "&&"/],
    ['go run . > log', /shell operator ">"/],
    ['go run . &', /shell operator "&"/],
    ['go run $(pwd)/cmd', /\$\(…\).*without a shell/],
    ['go run $HOME/cmd', /\$HOME.*without a shell/],
    ['go run "$GOPATH/x"', /\$GOPATH/],
    ['go run `pwd`', /backtick/],
    ['ls *.go', /pattern \*\.go/],
    ['go run . # note', /comment/],
    ['', /names no program/],
    ['   ', /names no program/],
    ['x'.repeat(5000), /longer than 4096/],
  ])('refuses %s', (text, why) => {
    let error: unknown;
    try {
      parseFirstRun(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).what).toMatch(/^Invalid --first-run/);
    expect((error as UserError).message).toMatch(why);
  });
});

describe('firstRunOf', () => {
  it('reads the command back from the run-level facts, as a shell user would type it', () => {
    expect(firstRunOf(undefined)).toBeNull();
    expect(firstRunOf({ 'load.start1m': 0.5 })).toBeNull();
    expect(firstRunOf({ 'load.start1m': 0.5, ...firstRunFact(['go', 'run', './cmd/x', '-name', 'a b']) })).toBe("go run ./cmd/x -name 'a b'");
  });
});
