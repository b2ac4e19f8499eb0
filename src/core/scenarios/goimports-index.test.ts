import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGoimportsIndexCommand } from './goimports-index';

const run = promisify(execFile);

// The script with the real gopls on the host, as the native runtime runs it (the equal-inputs
// test runs it in native and Nix through the scheduler).
describe('building gopls\'s goimports index', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-goimports-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keeps gopls open until the index of the module cache exists, in a folder whose name is shell code', async () => {
    const workspace = path.join(root, `a b'$(touch pwned)"é\`x\``);
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'go.mod'), 'module example.com/hostile\n\ngo 1.21\n');
    fs.writeFileSync(path.join(workspace, 'main.go'), 'package main\n\nfunc main() {}\n');
    const gomodcache = path.join(root, 'modcache');
    fs.mkdirSync(gomodcache);
    const xdg = path.join(root, 'xdg');
    const env = { ...process.env, XDG_CACHE_HOME: xdg, GOMODCACHE: gomodcache, GOFLAGS: '-mod=mod', GOPROXY: 'off' };
    const command = buildGoimportsIndexCommand(workspace, 120);

    const first = await run(command.argv[0]!, command.argv.slice(1), { cwd: command.cwd, env });
    expect(first.stdout.trim()).toBe('built');
    const files = fs.readdirSync(path.join(xdg, 'goimports'));
    expect(files.some((f) => /^index-name-\d+-[0-9a-f]{64}$/.test(f))).toBe(true);
    // Nothing in the folder's name ran.
    expect(fs.existsSync(path.join(workspace, 'pwned'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'pwned'))).toBe(false);

    const second = await run(command.argv[0]!, command.argv.slice(1), { cwd: command.cwd, env });
    expect(second.stdout.trim()).toBe('present');
  }, 150_000);
});
