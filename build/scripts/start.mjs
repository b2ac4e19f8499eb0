// `npm start`: the desktop app where Electron and a display exist; otherwise the same job
// headless through the envbench CLI on the embedded sample workspace, saying why in one line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'out', 'cli', 'envbench.cjs');

function exitWith(result) {
  process.exit(result.status ?? 1);
}

if (!fs.existsSync(path.join(root, 'node_modules'))) {
  console.error('EnvBench is not installed yet: run `npm run setup` first.');
  process.exit(1);
}
spawnSync(process.execPath, [path.join(root, 'build', 'scripts', 'build-cli.mjs'), '--if-stale'], { stdio: 'inherit' });

const desktop = electronBinary(root);
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform !== 'linux';
if (desktop && hasDisplay) {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'index.js'))) {
    spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  exitWith(spawnSync(desktop, [root, ...process.argv.slice(2)], { stdio: 'inherit' }));
}

const why = desktop ? 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' : "Electron's binary is not installed (it could not be downloaded)";
console.log(`EnvBench: the desktop window is unavailable because ${why}; running headless with the envbench CLI on the sample workspace.`);
spawnSync(process.execPath, [cli, 'doctor'], { stdio: 'inherit' });
console.log('');
exitWith(spawnSync(process.execPath, [cli, 'run', ...process.argv.slice(2)], { stdio: 'inherit' }));
