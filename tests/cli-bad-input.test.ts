import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, envbench, tempDataDir, writeGoModule } from './support/envbench-cli';

describe('bad input gets one clear line, a non-zero exit, and writes nothing', () => {
  const base = tempDataDir('envbench-bad-');
  const module = writeGoModule(path.join(base, 'module'));
  fs.writeFileSync(path.join(base, 'plain.txt'), 'hello');
  fs.mkdirSync(path.join(base, 'no-module'));
  fs.mkdirSync(path.join(base, 'broken-mod'));
  fs.writeFileSync(path.join(base, 'broken-mod', 'go.mod'), 'module x\ngo one.two\n');

  const cases: [string, string[], RegExp][] = [
    ['a path that does not exist', ['--workspace', path.join(base, 'nope')], /does not exist\. Pass the path of a folder that contains a go\.mod file/],
    ['a file', ['--workspace', path.join(base, 'plain.txt')], /is a file, not a folder/],
    ['a folder without go.mod', ['--workspace', path.join(base, 'no-module')], /has no go\.mod, so it is not a Go module/],
    ['a subfolder of a module', ['--workspace', path.join(module, 'greet')], /nearest folder above it with a go\.mod is .*module; pass that/],
    ['a go.mod that does not parse', ['--workspace', path.join(base, 'broken-mod')], /go\.mod does not parse \(line 2: invalid go version/],
    ['an unknown runtime', ['--runtimes', 'native,podman'], /Unknown runtime "podman": EnvBench knows native, docker, dind, nix, devbox/],
    ['an unknown scenario', ['--scenarios', 'build-clean,bild'], /Unknown scenario "bild"/],
    ['a bad --runs', ['--runs', 'ten'], /Invalid --runs "ten": it must be a whole number/],
    ['zero --runs', ['--runs', '0'], /Invalid runs 0: it must be a whole number from 1/],
    ['a --json path in a missing folder', ['--json', path.join(base, 'missing', 'run.json')], /Cannot write .*: the folder .*missing does not exist/],
    ['an absolute --main', ['--workspace', module, '--main', path.join(module, 'cmd', 'hello')], /Invalid --main ".*": it is an absolute path: --main takes a package path relative to the workspace, such as \.\/cmd\/server\. Name one of its main packages: \.\/cmd\/hello$/],
    ['a --main outside the workspace', ['--workspace', module, '--main', '../module/cmd/hello'], /Invalid --main "\.\.\/module\/cmd\/hello": it leads out of the workspace/],
    ['a --main that does not exist', ['--workspace', module, '--main', './cmd/nope'], /Invalid --main "\.\/cmd\/nope": \.\/cmd\/nope does not exist in .*\. Name one of its main packages: \.\/cmd\/hello$/],
    ['a --main that is a library', ['--workspace', module, '--main', 'greet'], /Invalid --main "greet": \.\/greet is package greet, not a main package\. Name one of its main packages: \.\/cmd\/hello$/],
    ['a --main that is a pattern', ['--workspace', module, '--main', './cmd/...'], /Invalid --main "\.\/cmd\/\.\.\.": it is a pattern: --main names one package/],
    ['--test-args with a shell operator', ['--test-args', '-run TestX; rm -rf /tmp/x'], /Invalid --test-args "-run TestX; rm -rf \/tmp\/x": it has the shell operator ";": EnvBench runs one command, never through a shell\. Give the arguments for go test/],
    ['--test-args with a substitution', ['--test-args', '-run $(whoami)'], /Invalid --test-args "-run \$\(whoami\)": it uses \$\(…\): EnvBench runs the command without a shell, so nothing would be expanded/],
    ['--test-args with a redirection', ['--test-args', '-v > out.txt'], /Invalid --test-args "-v > out\.txt": it has the shell operator ">"/],
    ['empty --test-args', ['--test-args', '  '], /Invalid --test-args " {2}": it has no arguments\. Give the arguments for go test/],
  ];

  it.each(cases)('%s', (_name, args, message) => {
    const dataDir = tempDataDir();
    const defaults = args.includes('--runtimes') ? [] : ['--runtimes', 'native'];
    const result = envbench(['run', '--runs', '1', ...defaults, ...args], dataDir);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^envbench: /);
    expect(lines[0]).toMatch(message);
    const history = envbench(['history', '--json'], dataDir);
    expect(JSON.parse(history.stdout)).toEqual([]);
  });

  it('an unknown run id', () => {
    const result = envbench(['show', 'no-such-run'], tempDataDir());
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^envbench: No run "no-such-run": it is not in .*history\.sqlite\. List the runs with `envbench history`/);
  });

  it.each([
    ['a folder', (): string => base, /^envbench: Cannot use .* as the history database: it is a folder\. Name a file inside it/],
    ['a file that is not SQLite', (): string => path.join(base, 'plain.txt'), /^envbench: Cannot use .*plain\.txt as the history database: it is not an SQLite database/],
  ])('doctor --db naming %s', (_name, db, message) => {
    const result = envbench(['doctor', '--db', db()], tempDataDir());
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('an unknown command or option: its one line, then the usage of that command, not the whole help', () => {
    const result = envbench(['runn'], tempDataDir());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'runn'/);
    const option = envbench(['run', '--bogus'], tempDataDir());
    expect(option.status).toBe(2);
    expect(option.stderr.trim().split('\n')).toEqual(["error: unknown option '--bogus'", 'Usage: envbench run [options]', "Run 'envbench run --help' for its options."]);
    const nested = envbench(['import', 'hyperfine', '--runtime', 'native', '--scenario', 'build'], tempDataDir());
    expect(nested.status).toBe(2);
    expect(nested.stderr.trim().split('\n')).toEqual(["error: missing required argument 'file'", 'Usage: envbench import hyperfine [options] <file>', "Run 'envbench import hyperfine --help' for its options."]);
  });

  it.each([
    ['two outputs on standard output', ['--json', '--export-markdown', '-'], /^envbench: --json and --export-markdown both write to standard output: the two would be mixed in one stream\. Give one of them a file name/],
    ['a PDF on standard output', ['--pdf', '-'], /^envbench: Cannot write the pdf report to standard output: it is a binary file\. Pass a file name, for example --pdf run\.pdf/],
    ['hyperfine\'s and EnvBench\'s names for one file', ['--export-json', 'same.json', '--json', 'same.json'], /^envbench: --json and --export-json both name .*same\.json: one would overwrite the other/],
  ])('run outputs: %s', (_name, args, message) => {
    const dataDir = tempDataDir();
    const result = envbench(['run', '--runtimes', 'native', '--runs', '1', ...args], dataDir, { cwd: dataDir });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    expect(JSON.parse(envbench(['history', '--json'], dataDir).stdout)).toEqual([]);
  });

  it('a reader that stops early ends the output quietly, with no stack trace', () => {
    // As `envbench export --help | head -2` does, at its most abrupt: the reader closes the pipe
    // before the first byte, so every write of the help meets a closed pipe.
    const result = spawnSync('bash', ['-c', 'set -o pipefail; node "$1" export --help | { exec <&-; sleep 2; }', 'envbench-pipe', CLI], { encoding: 'utf8', env: { ...process.env, ENVBENCH_DATA_DIR: tempDataDir() } });
    expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(result.status).toBe(0);
  });
});
