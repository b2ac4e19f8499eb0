#!/usr/bin/env node
// `envbench`: loads the CLI bundle (envbench-main.cjs, beside this file) through V8's code cache,
// so a start does not compile 1.5 MB of JavaScript again: Node 20 has no module compile cache of
// its own (module.enableCompileCache is Node 22). The caches are kept beside the bundle, one per
// command, each rewritten when V8 rejects it (another Node, a rebuilt bundle), and skipped where
// the folder is read-only.
// The bundle may not use import(): a script restored from the cache cannot (build-cli.mjs turns it into require).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, 'envbench-main.cjs');
// One cache per command: a cache holds the functions its first run compiled, and `serve` compiles
// others than `history`. The names are the CLI's commands (tests/cli-completion.test.ts checks
// them); anything else (--version, --help, a typo) shares one.
const COMMANDS = ['doctor', 'run', 'history', 'show', 'compare', 'delete', 'export', 'import', 'hosts', 'clean', 'serve', 'completion'];
const command = COMMANDS.includes(process.argv[2]) ? process.argv[2] : 'other';
const cacheFile = path.join(__dirname, `.envbench-main.${process.version}.${command}.v8-cache`);
const source = fs.readFileSync(file, 'utf8').replace(/^#!.*/, '');
let cachedData;
try {
  // V8 checks a cache against the source's length only: a bundle rebuilt to the same length (a new
  // commit's hash) would run the old one's code. A cache older than the bundle is not used.
  if (fs.statSync(cacheFile).mtimeMs > fs.statSync(file).mtimeMs) cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
const main = new Module(file, module);
main.filename = file;
main.paths = module.paths; // the same folder as this file
if (cachedData === undefined || script.cachedDataRejected) {
  // Written once the command has run, so the functions it compiled lazily are in the cache too.
  process.once('exit', () => {
    try {
      const temporary = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      // A read-only install: every start compiles, as without the cache.
    }
  });
}
script.runInThisContext().call(main.exports, main.exports, Module.createRequire(file), main, file, __dirname);
