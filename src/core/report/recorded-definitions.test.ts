import { describe, expect, it } from 'vitest';
import type { RunJson, RuntimeFacts } from '../../shared/run';
import { recordedDefinitions } from './recorded-definitions';

const run = (maintenance: RuntimeFacts[]): RunJson => ({ options: { runtimes: ['native', 'docker', 'nix', 'devbox'] }, maintenance }) as unknown as RunJson;

describe('recordedDefinitions', () => {
  it('prints what the run recorded, says plainly what it did not, and gives native none', () => {
    const definitions = recordedDefinitions(
      run([
        { runtime: 'native', facts: { configLines: 0 } },
        { runtime: 'docker', facts: { imageRef: 'envbench/go-dev:x', 'definition.file': '/data/Dockerfile.dev', 'definition.source': 'generated offline Dockerfile', 'definition.text': 'FROM envbench/debian\n' } },
        { runtime: 'nix', facts: { definitionFile: '/data/flake.nix', configLines: 12, 'consistency.env.GOVERSION': 'go1.26.8' } },
      ]),
    );
    expect(definitions).toEqual([
      { runtime: 'docker', recorded: { file: '/data/Dockerfile.dev', source: 'generated offline Dockerfile', text: 'FROM envbench/debian\n' } },
      { runtime: 'nix', recorded: null, notRecorded: 'not recorded with this run (it was measured before EnvBench kept the definitions it used)' },
      { runtime: 'devbox', recorded: null, notRecorded: 'not recorded with this run (the environment was never prepared, so it had no definition)' },
    ]);
  });
});
