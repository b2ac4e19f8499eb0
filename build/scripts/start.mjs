// `npm start`: the desktop app where Electron and a display exist; otherwise the same app in a
// browser through `envbench serve` (loopback, a fresh token), saying why in one line.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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

/** Whether an executable of that name is on PATH (looked up here: no shell, no `which`). */
function onPath(program) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const why = desktop ? 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' : "Electron's binary is not installed (it could not be downloaded)";
console.log(`EnvBench: the desktop window is unavailable because ${why}; serving it to a browser with \`envbench serve\` instead.`);
if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) exitWith(built);
}
// The URL carries the token: serve opens it through a file only this user can read, never in argv.
const canOpen = process.platform === 'linux' && Boolean(process.env.DISPLAY) && onPath('xdg-open');
if (!canOpen) console.log('EnvBench: open the URL printed below in a browser on this machine (or forward its port with `ssh -L PORT:127.0.0.1:PORT`).');
const serve = spawn(process.execPath, [cli, 'serve', ...(canOpen ? ['--open'] : []), ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches serve too (same process group): it stops cleanly, and this script exits with it.
const forward = (signal) => serve.kill(signal);
process.on('SIGINT', () => {});
process.on('SIGTERM', forward);
serve.on('error', (error) => {
  console.error(`EnvBench: could not start \`envbench serve\`: ${error.message}`);
  process.exit(1);
});
serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
