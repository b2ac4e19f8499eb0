// Bundles the `envbench` CLI and the harness benchmark (`npm run bench`) into out/cli with esbuild;
// both find resources/ and out/renderer from there (src/cli/cli-core.ts).
// --if-stale: skip when the bundle is newer than every source file (fast `npm run envbench`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'out', 'cli');
// `envbench.cjs` is cli-launcher.cjs, which loads envbench-main.cjs through V8's code cache.
const entries = { 'envbench-main': 'src/cli/envbench.ts', 'harness-bench': 'src/harness-bench/harness-bench.ts' };

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  const outputs = [...Object.keys(entries), 'envbench'].map((name) => path.join(outDir, `${name}.cjs`));
  if (!outputs.every((f) => fs.existsSync(f))) return true;
  const built = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
  const launcher = fs.statSync(path.join(root, 'build', 'scripts', 'cli-launcher.cjs')).mtimeMs;
  return Math.max(newestSource(path.join(root, 'src')), launcher) > built;
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(root, file)])),
  outdir: outDir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Prefer ES module builds: some packages' UMD builds (jsonc-parser) hide requires from the bundler.
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  // No comments nor indentation (identifiers stay: stack traces keep their names; the map has the
  // lines): a start reads a third less, and the bundle is pure ASCII, which Node reads without
  // decoding UTF-8 (8.8 -> ~1 ms for the 2 MB bundle on this machine).
  minifyWhitespace: true,
  // Native addons (and dockerode, whose ssh2 has optional ones) load from node_modules at run time;
  // so does playwright-core (the app section of `npm run bench`), which finds its own files by path.
  external: ['better-sqlite3', 'node-pty', 'electron', 'dockerode', 'playwright-core'],
  // import() becomes require(): the launcher runs the bundle from V8's code cache, and a script
  // restored from it has lost the callback a dynamic import needs (Node 20: "A dynamic import
  // callback was not specified"), so `await import('playwright-core')` failed on every start but the first.
  supported: { 'dynamic-import': false },
  define: {
    __ENVBENCH_VERSION__: JSON.stringify(pkg.version),
    __ENVBENCH_COMMIT__: JSON.stringify(gitCommit()),
  },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
// The launcher's code caches belong to the bundle they were made from (cli-launcher.cjs).
for (const name of fs.readdirSync(outDir)) if (/^\.envbench-main\..*\.v8-cache/.test(name)) fs.rmSync(path.join(outDir, name), { force: true });
fs.copyFileSync(path.join(root, 'build', 'scripts', 'cli-launcher.cjs'), path.join(outDir, 'envbench.cjs'));
fs.chmodSync(path.join(outDir, 'envbench.cjs'), 0o755);
