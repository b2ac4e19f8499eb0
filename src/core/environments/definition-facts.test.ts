import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capDefinitionText, definitionFacts } from './definition-facts';

describe('definitionFacts', () => {
  it('records file, source and the whole text under dotted names (kept out of the maintenance table)', () => {
    expect(definitionFacts('/d/flake.nix', 'generated offline flake (no nixpkgs)', '{ }\n')).toEqual({
      'definition.file': '/d/flake.nix',
      'definition.source': 'generated offline flake (no nixpkgs)',
      'definition.text': '{ }\n',
    });
  });

  it.each([
    ['fits', 'abc', 3, 'abc'],
    ['cut, with a note', 'abcdef', 4, 'abcd\n… (cut: the file has 1 KiB; EnvBench records the first 0.00390625 KiB)'],
    ['never half a character', 'aé', 2, 'a\n… (cut: the file has 1 KiB; EnvBench records the first 0.001953125 KiB)'],
  ])('caps the text: %s', (_name, text, limit, expected) => {
    expect(capDefinitionText(text, limit)).toBe(expected);
  });

  it('keeps 256 KiB of a larger file', () => {
    const text = 'x'.repeat(300 * 1024);
    const capped = capDefinitionText(text);
    expect(capped.startsWith('x'.repeat(256 * 1024) + '\n… (cut: the file has 300 KiB; EnvBench records the first 256 KiB)')).toBe(true);
  });

  it('never records a definition a link takes out of its folder (the report would print a secret)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-deflink-'));
    fs.mkdirSync(path.join(dir, 'ws'));
    fs.writeFileSync(path.join(dir, 'secret'), 'SECRET\n');
    fs.symlinkSync(path.join(dir, 'secret'), path.join(dir, 'ws', 'flake.nix'));
    fs.writeFileSync(path.join(dir, 'ws', 'devbox.json'), '{}\n');
    expect(definitionFacts(path.join(dir, 'ws', 'flake.nix'), 'workspace flake.nix', 'SECRET\n')['definition.text']).toMatch(/^not shown: .*flake\.nix is a link to .*secret, outside its folder$/);
    expect(definitionFacts(path.join(dir, 'ws', 'devbox.json'), 'workspace devbox.json', '{}\n')['definition.text']).toBe('{}\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
