import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../user-error';
import { inspectWorkspace } from './inspect-workspace';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-inspect-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function module(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const goFiles = {
  'go.mod': 'module example.com/w\n\ngo 1.22\ntoolchain go1.22.5\n',
  'lib/lib.go': 'package lib\n',
  'lib/lib_test.go': 'package lib\n',
  'lib/x_test.go': 'package lib_test\n',
  'cmd/tool/main.go': '// Command tool.\n//go:build linux\n\n/* block */\npackage main\n\nfunc main() {}\n',
  'testdata/ignored.go': 'package ignored\n',
  'vendor/v/v.go': 'package v\n',
  '.hidden/h.go': 'package h\n',
  'nested/go.mod': 'module example.com/nested\n',
  'nested/n.go': 'package nested\n',
  'Dockerfile.dev': 'FROM golang\n',
  'flake.nix': '{}\n',
};

describe('inspectWorkspace', () => {
  it('describes a module: packages, tests, main packages, environment definitions', async () => {
    const dir = module(path.join(root, 'plain'), goFiles);
    const info = await inspectWorkspace(dir);
    expect(info).toMatchObject({
      path: fs.realpathSync(dir),
      module: 'example.com/w',
      goVersion: '1.22',
      toolchain: 'go1.22.5',
      packages: 2,
      testFiles: 2,
      mainPackages: ['./cmd/tool'],
      definitions: ['Dockerfile.dev', 'flake.nix'],
    });
  });

  it.each(['with space', `quote's "double"`, '$(touch pwned)', 'ünïcødé-模块', 'back`tick`;rm -rf x'])('accepts the awkward path %s', async (name) => {
    const dir = module(path.join(root, name), goFiles);
    const info = await inspectWorkspace(dir);
    expect(info.path).toBe(fs.realpathSync(dir));
    expect(info.module).toBe('example.com/w');
    expect(fs.existsSync(path.join(root, 'pwned'))).toBe(false);
  });

  it('resolves a symlinked workspace to its real path', async () => {
    const target = module(path.join(root, 'real-target'), goFiles);
    const link = path.join(root, 'link to module');
    fs.symlinkSync(target, link);
    expect((await inspectWorkspace(link)).path).toBe(fs.realpathSync(target));
  });

  const refusals: [string, () => string, RegExp][] = [
    ['a path that does not exist', () => path.join(root, 'missing'), /does not exist/],
    ['a file', () => module(path.join(root, 'file-case'), { 'notes.txt': 'x' }) + '/notes.txt', /is a file, not a folder/],
    ['go.mod itself', () => module(path.join(root, 'gomod-file'), goFiles) + '/go.mod', /Pass its folder instead/],
    ['a folder without go.mod', () => module(path.join(root, 'empty-dir'), { 'readme.md': '' }), /has no go\.mod.*go mod init/],
    ['a subfolder of a module', () => module(path.join(root, 'parent'), goFiles) + '/lib', /nearest folder above it with a go\.mod is .*parent/],
    ['an unparsable go.mod', () => module(path.join(root, 'broken'), { 'go.mod': 'module x\ngo banana\n' }), /go\.mod does not parse \(line 2/],
  ];
  it.each(refusals)('refuses %s with a reason and a fix', async (_name, makePath, message) => {
    const error = await inspectWorkspace(makePath()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });
});
