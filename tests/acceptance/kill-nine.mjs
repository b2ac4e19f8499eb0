#!/usr/bin/env node
// Issue 12's acceptance for `kill -9` (not part of CI: it takes ~10 minutes):
//   N kill -9 of `envbench run` at random points during samples (0-12 s after the measure helper
//   started `go test -race` or `go build`) leave, after 3 s, no measured
//   process; after the next start, no container of the killed process; and an intact database.
//
//   node tests/acceptance/kill-nine.mjs [--kills 30] [--runtimes native,docker] [--cli out/cli/envbench.cjs]
//
// --cli may name another build (e.g. of an older commit, to count leftovers before a fix); its
// resources (measure helper) are taken from beside it (../../resources). Each kill uses its own
// data directory and measuring-lock folder, so it never touches the user's history or another run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const Database = require(path.join(root, 'node_modules', 'better-sqlite3'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const kills = Number(option('kills', '30'));
const runtimes = option('runtimes', 'native,docker').split(',');
const cli = path.resolve(option('cli', path.join(root, 'out', 'cli', 'envbench.cjs')));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes that carry this run's data directory in their environment (every host-side descendant). */
function hostProcessesOf(dataDir) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').includes(`ENVBENCH_DATA_DIR=${dataDir}`)) continue;
      found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 80)}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function docker(...argv) {
  const result = spawnSync('docker', argv, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

/** Containers whose owner label names this pid (old "pid:start" or new "... pid=N ..." labels). */
function containersOwnedBy(pid) {
  const lines = docker('ps', '-a', '--filter', 'label=envbench.managed=true', '--format', '{{.ID}}\t{{.Label "envbench.owner"}}');
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, owner]) => owner && (owner.startsWith(`${pid}:`) || owner.split(/\s+/).includes(`pid=${pid}`)))
    .map(([id]) => id);
}

/** Processes running inside those containers other than each container's own main process. */
function containerProcesses(ids) {
  const found = [];
  for (const id of ids) {
    const full = docker('inspect', '--format', '{{.Id}} {{.State.Pid}}', id);
    if (!full) continue;
    const [longId, mainPid] = full.split(' ');
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (pid === mainPid || !fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(longId)) continue;
        const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
        // The container's own keep-alive is not a measured process.
        if (command !== 'sleep infinity') found.push(`${pid} ${command.slice(0, 80)}`);
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return found;
}

function samplesStored(dbFile) {
  if (!fs.existsSync(dbFile)) return 0;
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) AS n FROM samples').get().n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

function integrity(dbFile) {
  if (!fs.existsSync(dbFile)) return 'no database';
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-kill-nine-'));
// A module whose test runs quietly for a while, as real test suites do: `go test` prints nothing
// until it ends, so nothing but the helper can stop it once EnvBench is gone.
const workspace = path.join(parent, 'slow-module');
fs.mkdirSync(workspace);
fs.writeFileSync(path.join(workspace, 'go.mod'), 'module example.com/slow\n\ngo 1.22\n');
fs.writeFileSync(path.join(workspace, 'slow.go'), 'package slow\n\n// Answer is what the test waits for.\nfunc Answer() int { return 42 }\n');
fs.writeFileSync(
  path.join(workspace, 'slow_test.go'),
  'package slow\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) {\n\ttime.Sleep(30 * time.Second)\n\tif Answer() != 42 {\n\t\tt.Fatal("no")\n\t}\n}\n',
);
const rows = [];
for (let i = 0; i < kills; i++) {
  const runtime = runtimes[i % runtimes.length];
  const dataDir = fs.mkdtempSync(path.join(parent, `kill-${i}-`));
  const dbFile = path.join(dataDir, 'history.sqlite');
  const env = { ...process.env, ENVBENCH_DATA_DIR: dataDir, ENVBENCH_LOCK_DIR: path.join(dataDir, 'lock') };
  const scenarios = i % 3 === 2 ? 'test' : 'test-race';
  const child = spawn(process.execPath, [cli, 'run', '--workspace', workspace, '--runtimes', runtime, '--scenarios', scenarios, '--runs', '50', '--warmup', '0', '--offline'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // A random point during a sample: 0-12 s after the measure helper has started `go test` (which
  // compiles for a few seconds, then runs a test that sleeps 30 s).
  const deadline = Date.now() + 240_000;
  const sampling = () =>
    [...hostProcessesOf(dataDir), ...containerProcesses(containersOwnedBy(child.pid))].some((p) => p.includes('envbench-measure') && /-- go (test|build)/.test(p));
  while (!sampling() && child.exitCode === null && Date.now() < deadline) await sleep(300);
  await sleep(Math.random() * 12_000);
  const killedAt = samplesStored(dbFile);
  child.kill('SIGKILL');
  await exited;
  await sleep(3_000);
  const owned = containersOwnedBy(child.pid);
  const left = [...hostProcessesOf(dataDir), ...containerProcesses(owned)];
  const check = integrity(dbFile);
  // The next start of any EnvBench command removes the containers of the killed process.
  spawnSync(process.execPath, [cli, 'history'], { env, encoding: 'utf8' });
  const containersLeft = containersOwnedBy(child.pid);
  rows.push({ kill: i + 1, runtime, samplesBefore: killedAt, processesAfter3s: left.length, containersAfterNextStart: containersLeft.length, integrity: check });
  console.log(`${i + 1}/${kills} ${runtime}: ${killedAt} samples stored, ${left.length} processes left after 3 s${left.length ? ` (${left.join('; ')})` : ''}, ${containersLeft.length} containers after the next start, integrity ${check}${killedAt === 0 ? ` [no sample yet: ${stderr.trim().split('\n').pop()}]` : ''}`);
  // Leave the machine as it was for the next kill (and for everyone else).
  for (const line of left) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  for (const id of containersLeft) docker('rm', '-f', '-v', id);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
fs.rmSync(parent, { recursive: true, force: true });

const sum = (key) => rows.reduce((n, r) => n + (r[key] > 0 ? 1 : 0), 0);
console.log(`\n${rows.length} kills (${runtimes.join(', ')}): ${sum('processesAfter3s')} left measured processes after 3 s, ${sum('containersAfterNextStart')} left containers after the next start, ${rows.filter((r) => r.integrity !== 'ok').length} databases not intact`);
process.exitCode = sum('processesAfter3s') + sum('containersAfterNextStart') + rows.filter((r) => r.integrity !== 'ok').length > 0 ? 1 : 0;
