// `npm run setup`: install, fetch Electron's binary if this machine can, build everything.
// Succeeds where Electron cannot be downloaded (offline, air-gapped): it says so in one line and
// `npm start` then serves the app to a browser (`envbench serve`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, electronVersion } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(program, args, options = {}) {
  const result = spawnSync(program, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0 && !result.error;
}

function step(title, program, args, options) {
  console.log(`\n== ${title}`);
  if (!run(program, args, options)) {
    console.error(`setup: ${title} failed (see the output above).`);
    process.exit(1);
  }
}

// Electron's own postinstall downloads its binary and fails the whole install offline, so it is
// skipped here and attempted separately below.
step('Installing dependencies', npm, ['install', '--no-audit', '--no-fund'], {
  env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
});

let desktop = electronBinary(root);
if (!desktop && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log("\n== Downloading Electron's binary");
  const fetched = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  desktop = electronBinary(root);
  if (!desktop) {
    const why = fetched.error?.code === 'ETIMEDOUT' ? 'the download timed out' : (fetched.stderr || '').split('\n').find((l) => l.trim()) || 'the download failed';
    console.log(`EnvBench: the desktop window is unavailable: Electron's binary could not be downloaded (${why.trim().slice(0, 160)}); \`npm start\` serves the app to a browser instead.`);
  }
} else if (!desktop) {
  console.log('EnvBench: the desktop window is unavailable: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron\'s binary was not downloaded; `npm start` serves the app to a browser instead.');
}

if (desktop) {
  // better-sqlite3 is compiled per ABI: keep Node's build in node_modules for the CLI and tests,
  // and build a second copy for Electron's ABI that the main process loads via `nativeBinding`.
  // node-pty needs no second copy: it is a Node-API addon (node-addon-api), whose ABI is the same
  // in Node and Electron, so the build `npm install` made loads in both.
  console.log('\n== Building better-sqlite3 for Electron');
  const version = electronVersion(root);
  const abi = spawnSync(desktop, ['-e', 'process.stdout.write(process.versions.modules)'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  }).stdout.trim();
  const work = path.join(root, 'build', 'native', `electron-abi${abi}`);
  const copy = path.join(work, 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), copy, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
  const built =
    run(path.join(root, 'node_modules', '.bin', 'prebuild-install'), ['--runtime', 'electron', '--target', version], { cwd: copy }) ||
    run(npm, ['exec', '--', 'node-gyp', 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'], { cwd: copy });
  const binding = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
  if (built && fs.existsSync(binding)) fs.copyFileSync(binding, path.join(work, 'better_sqlite3.node'));
  else console.log('EnvBench: could not build better-sqlite3 for Electron; the desktop window will not open its history (the CLI is unaffected).');
}

step('Building the CLI and the app', npm, ['run', 'build']);
console.log(`\nEnvBench is set up. \`npm start\` ${desktop ? 'opens the desktop app' : 'serves the app to a browser (no desktop window here)'}; \`npm test\` runs the tests.`);
