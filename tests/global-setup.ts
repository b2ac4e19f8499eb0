import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Global setup of the integration project only (tests/vitest.config.mts): its tests drive the real
 * CLI bundle, the real measure helper and the renderer's production build, so all three are built
 * first. The unit project builds nothing.
 */
export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-measure-helper.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-cli.mjs')], { stdio: 'inherit' });
  // The renderer is tested in Chromium from its production build.
  execFileSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
