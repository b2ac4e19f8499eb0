import { describe, expect, it } from 'vitest';
import { parseGoMod } from './go-mod';

describe('parseGoMod', () => {
  it.each([
    ['minimal', 'module example.com/a\n\ngo 1.22\n', { module: 'example.com/a', goVersion: '1.22', toolchain: null }],
    ['patch version and toolchain', 'module x\ngo 1.23.4\ntoolchain go1.24.1\n', { module: 'x', goVersion: '1.23.4', toolchain: 'go1.24.1' }],
    ['quoted module path', 'module "example.com/quoted"\n', { module: 'example.com/quoted', goVersion: null, toolchain: null }],
    [
      'blocks and comments',
      '// header\nmodule example.com/b // trailing\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/sync v0.7.0 // indirect\n)\n\nreplace example.com/c => ../c\n',
      { module: 'example.com/b', goVersion: '1.21', toolchain: null },
    ],
    ['CRLF line endings', 'module win\r\ngo 1.22\r\n', { module: 'win', goVersion: '1.22', toolchain: null }],
    ['rc version', 'module x\ngo 1.23rc1\n', { module: 'x', goVersion: '1.23rc1', toolchain: null }],
  ])('%s', (_name, text, expected) => {
    expect(parseGoMod(text)).toEqual(expected);
  });

  it.each([
    ['no module directive', 'go 1.22\n', /no module directive/],
    ['unknown directive', 'module x\nfoo bar\n', /line 2: unknown directive "foo"/],
    ['bad go version', 'module x\ngo banana\n', /line 2: invalid go version/],
    ['unclosed block', 'module x\nrequire (\n\ta v1.0.0\n', /line 2: block is not closed/],
    ['two module lines', 'module x\nmodule y\n', /line 2: repeated module statement/],
    ['module without path', 'module\n', /line 1: usage: module/],
    ['binary junk', '\u0000\u0001ELF', /unknown directive/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseGoMod(text)).toThrow(message);
  });
});
