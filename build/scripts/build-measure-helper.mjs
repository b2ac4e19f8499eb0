// Builds resources/bin/envbench-measure, the static C helper that measures each command
// (see resources/measure/envbench-measure.c). Runs on `npm install`. Never fails the install:
// without a C compiler `envbench doctor` explains what is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = path.join(root, 'resources', 'measure', 'envbench-measure.c');
const output = path.join(root, 'resources', 'bin', 'envbench-measure');

if (process.platform !== 'linux') {
  console.warn(`envbench: the measure helper supports Linux only; ${process.platform} cannot run measurements yet.`);
  process.exit(0);
}
if (fs.existsSync(output) && fs.statSync(output).mtimeMs >= fs.statSync(source).mtimeMs) process.exit(0);

fs.mkdirSync(path.dirname(output), { recursive: true });
const compiler = process.env.CC || 'cc';
const common = ['-O2', '-Wall', '-Wextra', '-o', output, source];
// Static, so the same binary also runs inside containers and Nix shells.
let result = spawnSync(compiler, ['-static', ...common], { stdio: 'inherit' });
if (result.status !== 0 && !result.error) {
  console.warn('envbench: static linking failed (is libc6-dev installed?); building a dynamically linked helper instead.');
  result = spawnSync(compiler, common, { stdio: 'inherit' });
}
if (result.error || result.status !== 0) {
  const why = result.error?.code === 'ENOENT' ? `no C compiler (${compiler}) on PATH` : `${compiler} failed`;
  console.warn(`envbench: could not build the measure helper: ${why}. Install one (apt-get install gcc libc6-dev) and run \`npm run setup\`.`);
  process.exit(0);
}
