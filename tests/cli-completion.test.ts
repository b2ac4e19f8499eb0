import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

/** What bash completes for the words typed so far (the last one being completed), with the script sourced. */
function bashCompletes(script: string, words: string[]): string[] {
  const file = path.join(tempDataDir(), 'envbench.bash');
  fs.writeFileSync(file, script);
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _envbench; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program, 'complete', file, ...words], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('envbench completion', () => {
  const script = (shell: string): string => {
    const result = envbench(['completion', shell], tempDataDir());
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  };

  it('bash completes commands, nested commands, options and their fixed values', () => {
    const bash = script('bash');
    expect(bashCompletes(bash, ['envbench', 'co'])).toEqual(['compare', 'completion']);
    expect(bashCompletes(bash, ['envbench', 'run', '--exp'])).toEqual(['--export-json', '--export-markdown', '--export-csv']);
    expect(bashCompletes(bash, ['envbench', 'run', '--runs', '3', '-'])).toContain('--warmup');
    expect(bashCompletes(bash, ['envbench', 'import', 'hyperfine', '--r'])).toEqual(['--runtime']);
    expect(bashCompletes(bash, ['envbench', 'show', 'x', '--format', ''])).toEqual(['table', 'json', 'bench']);
  });

  // CI installs zsh and fish (.ci/run); elsewhere a machine without them skips their check.
  const withShell = (shell: string) => it.skipIf(!hasTool(shell, ['--version']) && process.env.CI !== 'true');

  withShell('zsh')('zsh: the script parses', () => {
    const file = path.join(tempDataDir(), '_envbench');
    fs.writeFileSync(file, script('zsh'));
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
  });

  withShell('fish')('fish: the script parses', () => {
    const file = path.join(tempDataDir(), 'envbench.fish');
    fs.writeFileSync(file, script('fish'));
    expect(spawnSync('fish', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
  });

  it('an unknown shell is refused with the ones there are', () => {
    const result = envbench(['completion', 'powershell'], tempDataDir());
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('envbench: No completion for "powershell": EnvBench writes completion scripts for bash, zsh, fish. Pass one of them, for example: envbench completion bash');
  });
});
