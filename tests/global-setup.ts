import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Removes the temporary data directories tests made (tests/support/envbench-cli.ts): vitest ends
 * its workers without an exit event, and a Nix GC root left in one would keep store paths alive
 * and make the next cold start impossible.
 */
function removeTestDataDirs(since: number): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith('envbench-')) continue;
    const dir = path.join(os.tmpdir(), name);
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
    // Birth time where the filesystem records it, else the last change.
    if (stat?.isDirectory() && (stat.birthtimeMs || stat.ctimeMs) >= since) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Tests drive the real CLI bundle and the real measure helper: build both first. */
export default function setup(): () => void {
  const started = Date.now();
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-measure-helper.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-cli.mjs')], { stdio: 'inherit' });
  // The renderer is tested in Chromium from its production build.
  execFileSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  return () => removeTestDataDirs(started);
}
