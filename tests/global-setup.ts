import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Tests drive the real CLI bundle and the real measure helper: build both first. */
export default function setup(): () => void {
  // One parent for every temporary data directory of this test run (tests/support/envbench-cli.ts),
  // removed at teardown: vitest ends its workers without an exit event, and a Nix GC root left
  // in one would keep store paths alive and make the next cold start impossible. Its own parent,
  // so that another test run at the same time keeps its directories.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-tests-'));
  process.env.ENVBENCH_TEST_TMP = parent;
  // The machine-wide measuring lock (src/core/machine/measure-lock.ts) of this test run only: test
  // files run one at a time and share it, while another test run on the machine keeps its own.
  process.env.ENVBENCH_LOCK_DIR = path.join(parent, 'measure-lock');
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-measure-helper.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-cli.mjs')], { stdio: 'inherit' });
  // The renderer is tested in Chromium from its production build.
  execFileSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  return () => fs.rmSync(parent, { recursive: true, force: true });
}
