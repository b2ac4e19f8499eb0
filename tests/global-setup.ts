import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Tests drive the real CLI bundle and the real measure helper: build both first. */
export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-measure-helper.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-cli.mjs')], { stdio: 'inherit' });
  // The renderer is tested in Chromium from its production build.
  execFileSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
