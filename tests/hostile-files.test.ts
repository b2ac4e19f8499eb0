// Files EnvBench writes and reads on a hostile machine or workspace (issue 12, sections 3, 4, 6):
// exports never replace a device, FIFO or symlink and keep a file's mode; database faults are bad
// input (exit 2) and destroy nothing; caches live in the cache directory and `clean --caches`
// removes them; control characters from a workspace are shown, never obeyed; definitions that
// point outside the workspace are never read into previews or reports.

import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../src/core/create-core';
import { createIpcService } from '../src/core/ipc-service';
import { sharedToolsDir } from '../src/core/machine/shared-tools';
import { writeFileAtomic } from '../src/core/write-file-atomic';
import { RunStatus } from '../src/cli/format/progress-line';
import type { DefinitionPreview } from '../src/shared/ipc/contract';
import type { RunJson } from '../src/shared/run';
import { envbench, RESOURCES, tempDataDir, writeGoModule } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';

const SECRET = 'SECRET-TOKEN-123';
/** Docker must not be touched by these tests (another test file may be using the shared daemon). */
const NO_DOCKER = { DOCKER_HOST: 'unix:///nonexistent/envbench-hostile-files.sock' };

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function kindOf(file: string): string {
  const stat = fs.lstatSync(file);
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isCharacterDevice()) return `char ${stat.rdev}`;
  if (stat.isFIFO()) return 'fifo';
  return stat.isFile() ? 'file' : 'other';
}

/** A one-line refusal: exit 2, what, why and what to do on one line of stderr. */
function expectRefusal(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^envbench: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

/** A hyperfine export of five runs, to put a run in a history without measuring anything. */
function hyperfineFile(dir: string): string {
  const file = path.join(dir, 'hyperfine.json');
  const times = [0.11, 0.12, 0.1, 0.13, 0.12];
  fs.writeFileSync(file, JSON.stringify({ results: [{ command: 'go vet ./...', mean: 0.116, stddev: 0.011, median: 0.12, user: 0.08, system: 0.02, min: 0.1, max: 0.13, times, exit_codes: times.map(() => 0) }] }));
  return file;
}

describe('exports write only regular files or new paths, whole, keeping the mode', () => {
  let dataDir: string;
  let outDir: string;
  let runId: string;

  beforeAll(() => {
    dataDir = tempDataDir();
    outDir = path.join(dataDir, 'out');
    fs.mkdirSync(outDir);
    const module = writeGoModule(path.join(dataDir, 'module'));
    const imported = envbench(['import', 'hyperfine', hyperfineFile(dataDir), '--runtime', 'native', '--scenario', 'vet', '--workspace', module], dataDir, { env: NO_DOCKER });
    expect(imported.status, imported.stderr).toBe(0);
    runId = imported.stdout.trim();
  });

  it('refuses a character device, a FIFO and a symlink with exit 2, and leaves each as it was', () => {
    const device = path.join(outDir, 'null-copy');
    execFileSync('mknod', [device, 'c', '1', '3']);
    const fifo = path.join(outDir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const victim = path.join(outDir, 'victim.txt');
    fs.writeFileSync(victim, 'victim');
    const link = path.join(outDir, 'link.md');
    fs.symlinkSync(victim, link);
    const cases: [string, RegExp][] = [
      [device, /Cannot write .*null-copy: it is a character device, and EnvBench writes only to regular files or new paths/],
      [fifo, /Cannot write .*fifo: it is a named pipe \(FIFO\)/],
      [link, /Cannot write .*link\.md: it is a symbolic link.*the link itself, not its target\)\. Choose a new file name/],
    ];
    for (const [file, pattern] of cases) {
      const before = kindOf(file);
      expectRefusal(envbench(['export', runId, '--format', 'md', '--out', file], dataDir, { env: NO_DOCKER }), pattern);
      expect(kindOf(file)).toBe(before);
    }
    expect(kindOf(device)).toMatch(/^char /);
    // `run` checks its outputs before measuring anything.
    expectRefusal(envbench(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '1', '--json', fifo], dataDir, { env: NO_DOCKER }), /Cannot write .*fifo: it is a named pipe/);
    expect(kindOf(fifo)).toBe('fifo');
    expect(fs.readFileSync(victim, 'utf8')).toBe('victim');
    expect(fs.readdirSync(outDir).sort()).toEqual(['fifo', 'link.md', 'null-copy', 'victim.txt']);
  });

  it('keeps an existing file\'s mode (0600 stays 0600)', () => {
    const file = path.join(outDir, 'private.md');
    fs.writeFileSync(file, 'old', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    const result = envbench(['export', runId, '--format', 'md', '--out', file], dataDir, { env: NO_DOCKER });
    expect(result.status, result.stderr).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(runId);
  });

  it("the app's Export (run:export) refuses /dev/full and a device copy", async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    try {
      const device = path.join(outDir, 'full-copy');
      execFileSync('mknod', [device, 'c', '1', '7']);
      for (const file of [device, '/dev/full']) {
        const before = kindOf(file);
        const reply = await service.handle('run:export', [{ id: runId, format: 'csv', path: file }]);
        expect(reply.ok ? 'written' : reply.error.message).toMatch(/it is a character device/);
        expect(kindOf(file)).toBe(before);
      }
    } finally {
      await service.dispose();
      core.dispose();
    }
  });

  it('writes through a temporary file with a fresh random name: a planted one is neither followed nor reused', () => {
    const dir = path.join(dataDir, 'planted');
    fs.mkdirSync(dir);
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'victim');
    // The name the old writer used: .<name>.<pid>.tmp, opened without O_EXCL (it followed the link).
    const planted = path.join(dir, `.report.md.${process.pid}.tmp`);
    fs.symlinkSync(victim, planted);
    writeFileAtomic(path.join(dir, 'report.md'), 'new');
    expect(fs.readFileSync(victim, 'utf8')).toBe('victim');
    expect(kindOf(path.join(dir, 'report.md'))).toBe('file');
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toBe('new');
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(planted), 'report.md', 'victim.txt'].sort());
  });
});

describe('database faults are bad input: exit 2, what/why/fix, nothing destroyed', () => {
  let dir: string;
  let readOnly: { dir: string; undo: () => void } | null = null;

  /** A folder nobody can write to, even root: a read-only tmpfs, else an immutable folder, else (not root) mode 0555. */
  function readOnlyFolder(): { dir: string; undo: () => void } {
    const ro = path.join(dir, 'read-only');
    fs.mkdirSync(ro);
    if (process.getuid?.() !== 0) {
      fs.chmodSync(ro, 0o555);
      return { dir: ro, undo: () => fs.chmodSync(ro, 0o755) };
    }
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ro], { stdio: 'pipe' });
      execFileSync('mount', ['-o', 'remount,ro', ro], { stdio: 'pipe' });
      return { dir: ro, undo: () => execFileSync('umount', [ro]) };
    } catch {
      execFileSync('chattr', ['+i', ro], { stdio: 'pipe' });
      return { dir: ro, undo: () => execFileSync('chattr', ['-i', ro]) };
    }
  }

  beforeAll(() => {
    dir = tempDataDir();
    readOnly = readOnlyFolder();
  });
  afterAll(() => readOnly?.undo());

  it('refuses a folder, /dev/full, a read-only folder, a corrupt file and a newer schema', () => {
    const corrupt = path.join(dir, 'corrupt.sqlite');
    fs.writeFileSync(corrupt, crypto.randomBytes(16_384));
    const future = path.join(dir, 'future.sqlite');
    const made = new Database(future);
    made.exec('CREATE TABLE t(x)');
    made.pragma('user_version = 99');
    made.close();
    const hashes = { corrupt: sha256(corrupt), future: sha256(future) };
    const listing = fs.readdirSync(dir).sort();
    const cases: [string, RegExp][] = [
      [dir, /Cannot use .* as the history database: it is a folder\. Name a file inside it/],
      ['/dev/full', /Cannot use \/dev\/full as the history database: it is a character device, and the history must be a regular file\. Point --db/],
      [path.join(readOnly!.dir, 'history.sqlite'), /Cannot use .*read-only\/history\.sqlite as the history database: its folder .* is not writable \(.*\); SQLite keeps its log files beside the database\. Choose a folder/],
      [corrupt, /Cannot use .*corrupt\.sqlite as the history database: it is not an SQLite database, or it is damaged \(SQLite says: file is not a database\); EnvBench did not change it\. Point --db/],
      [future, /Cannot use .*future\.sqlite as the history database: it has schema version 99, newer than this EnvBench understands \(\d+\); it was left as it is\. Update EnvBench/],
    ];
    for (const [db, pattern] of cases) expectRefusal(envbench(['history', '--db', db], dir, { env: NO_DOCKER }), pattern);
    // A run refuses before measuring anything.
    expectRefusal(envbench(['run', '--runtimes', 'native', '--scenarios', 'vet', '--runs', '1', '--db', corrupt], dir, { env: NO_DOCKER }), /it is not an SQLite database/);
    expect({ corrupt: sha256(corrupt), future: sha256(future) }).toEqual(hashes);
    // No -wal, -shm or journal left beside them, nothing created in the read-only folder.
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
    expect(fs.readdirSync(readOnly!.dir)).toEqual([]);
  });
});

describe('caches live in the cache directory; clean --caches removes them and says how much it freed', () => {
  it('a run puts GOCACHE and its scratch copy under ENVBENCH_CACHE_DIR, never beside the history', () => {
    const dataDir = tempDataDir();
    const cacheDir = tempDataDir('envbench-cache-');
    const env = { ...NO_DOCKER, ENVBENCH_CACHE_DIR: cacheDir };
    const module = writeGoModule(path.join(tempDataDir('envbench-ws-'), 'module'));
    const run = envbench(['run', '--workspace', module, '--runtimes', 'native', '--scenarios', 'build-incremental', '--runs', '1', '--warmup', '0'], dataDir, { env });
    expect(run.status, run.stderr).toBe(0);
    expect(fs.readdirSync(path.join(cacheDir, 'runtimes', 'native', 'gocache')).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(cacheDir, 'scratch'))).toBe(true);
    expect(fs.readdirSync(dataDir).filter((name) => !name.startsWith('history.sqlite'))).toEqual([]);

    // A cache an earlier EnvBench left in the data directory goes too.
    fs.mkdirSync(path.join(dataDir, 'runtimes', 'native', 'gocache'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'runtimes', 'native', 'gocache', 'old'), Buffer.alloc(4096));
    const expected = ['runtimes', 'scratch', 'tools']
      .map((name) => path.join(cacheDir, name))
      .concat(path.join(dataDir, 'runtimes'))
      .reduce((sum, folder) => sum + folderBytes(folder), 0);
    const cleaned = envbench(['clean', '--caches'], dataDir, { env });
    expect(cleaned.status, cleaned.stderr).toBe(0);
    const freed = /^Freed \d+(?:\.\d+)? (?:B|KiB|MiB|GiB) \((\d+) bytes\) of EnvBench caches:/.exec(cleaned.stdout);
    expect(freed, cleaned.stdout).not.toBeNull();
    expect(Number(freed![1])).toBe(expected);
    expect(Number(freed![1])).toBeGreaterThan(4096);
    expect(fs.existsSync(cacheDir)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'runtimes'))).toBe(false);
    // The history stays.
    expect(JSON.parse(envbench(['history', '--json'], dataDir, { env }).stdout)).toHaveLength(1);
    expect(envbench(['clean', '--caches'], dataDir, { env }).stdout).toMatch(/^Nothing to remove: no EnvBench caches in /);
  });

  it('gopls and dlv copies are shared by content: one folder for every workspace, a new one when a tool changes', () => {
    const cacheDir = tempDataDir('envbench-cache-');
    const host = tempDataDir('envbench-tools-');
    const tools = ['gopls', 'dlv'].map((name) => ({ name, path: path.join(host, name) }));
    for (const tool of tools) fs.writeFileSync(tool.path, `#!/bin/sh\necho ${tool.name}\n`, { mode: 0o755 });
    const first = sharedToolsDir(cacheDir, tools)!;
    expect(sharedToolsDir(cacheDir, [...tools].reverse())).toBe(first);
    expect(path.dirname(first)).toBe(path.join(cacheDir, 'tools'));
    expect(fs.readdirSync(first).sort()).toEqual(['dlv', 'gopls']);
    expect(fs.statSync(path.join(first, 'gopls')).mode & 0o111).not.toBe(0);
    fs.writeFileSync(tools[0]!.path, '#!/bin/sh\necho newer gopls\n');
    const second = sharedToolsDir(cacheDir, tools)!;
    expect(second).not.toBe(first);
    expect(fs.readFileSync(path.join(second, 'gopls'), 'utf8')).toContain('newer');
    expect(fs.readdirSync(path.join(cacheDir, 'tools'))).toHaveLength(2);
  });
});

function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.lstatSync(full).size;
  }
  return total;
}

describe('control characters from a workspace are shown, never obeyed', () => {
  // An ESC colour sequence, an OSC window-title sequence ended by BEL, a CR and a backspace.
  const hostile = 'ws-\x1b[31mred\x1b]0;pwned\x07\r\b';
  // eslint-disable-next-line no-control-regex -- finding raw control characters is the test
  const RAW = /[\x00-\x08\x0b-\x1f\x7f]/;
  let dataDir: string;
  let run: RunJson;
  const outputs: Record<string, string> = {};

  beforeAll(() => {
    dataDir = tempDataDir();
    const workspace = path.join(dataDir, hostile);
    writeGoModule(workspace);
    // go.mod may quote a module path; Go refuses this one, but EnvBench reads it into the history.
    fs.writeFileSync(path.join(workspace, 'go.mod'), 'module "example.com/esc\\u001b[31mred\\u001b]0;pwned\\u0007"\n\ngo 1.22\n');
    const json = path.join(dataDir, 'run.json');
    const bench = path.join(dataDir, 'run.bench');
    const result = envbench(['run', '--workspace', workspace, '--runtimes', 'native', '--scenarios', 'vet', '--runs', '1', '--warmup', '0', '--json', json, '--bench', bench], dataDir, { env: NO_DOCKER });
    // Go itself refuses the folder and the module path: the result fails, and the run is kept.
    expect(result.status, result.stderr).toBe(1);
    outputs['run summary'] = result.stdout;
    outputs['run stderr'] = result.stderr;
    outputs['run --bench'] = fs.readFileSync(bench, 'utf8');
    run = JSON.parse(fs.readFileSync(json, 'utf8')) as RunJson;
    outputs.history = envbench(['history'], dataDir, { env: NO_DOCKER }).stdout;
    outputs.show = envbench(['show', run.id], dataDir, { env: NO_DOCKER }).stdout;
    outputs['show --format bench'] = envbench(['show', run.id, '--format', 'bench'], dataDir, { env: NO_DOCKER }).stdout;
    for (const format of ['md', 'csv', 'csv-summary', 'benchfmt']) {
      const file = path.join(dataDir, `export.${format}`);
      const exported = envbench(['export', run.id, '--format', format, '--out', file], dataDir, { env: NO_DOCKER });
      expect(exported.status, exported.stderr).toBe(0);
      outputs[`export ${format}`] = fs.readFileSync(file, 'utf8');
    }
  });

  it('the run JSON keeps the names as they are (JSON escapes them itself)', () => {
    expect(run.workspace.path).toContain(hostile);
    expect(run.workspace.module).toBe('example.com/esc\x1b[31mred\x1b]0;pwned\x07');
  });

  it('history, show, the summary, Markdown, CSV and the benchmark format print visible escapes instead', () => {
    for (const [name, text] of Object.entries(outputs)) {
      // CSV ends its lines with CRLF; any other CR is data.
      const checked = name.startsWith('export csv') ? text.replace(/\r\n/g, '\n') : text;
      expect(RAW.test(checked), `${name}: ${JSON.stringify(checked.match(new RegExp(`.{0,30}${RAW.source}.{0,30}`))?.[0])}`).toBe(false);
    }
    for (const name of ['history', 'show', 'run summary', 'export md', 'show --format bench', 'export benchfmt']) {
      expect(outputs[name], name).toContain('esc\\x1b[31mred\\x1b]0;pwned\\x07');
    }
    expect(outputs.show).toContain('ws-\\x1b[31mred\\x1b]0;pwned\\x07\\x0d\\x08');
    // The benchmark format's configuration line stays one valid line.
    expect(outputs['export benchfmt']).toMatch(/^pkg: example\.com\/esc\\x1b\[31mred\\x1b\]0;pwned\\x07$/m);
  });

  it('the live progress line, and its plain lines when piped, escape what they show too', () => {
    let written = '';
    const stream = { isTTY: true, columns: 200, write: (text: string) => (written += text) } as unknown as NodeJS.WriteStream;
    const status = new RunStatus(stream);
    status.log(`preparing ${hostile}`);
    status.stepStarting({ runtime: 'native', scenario: `vet on ${hostile}`, phase: 'measure', sample: 1, of: 1 });
    status.stop();
    expect(written.startsWith('\r\x1b[2K')).toBe(true);
    for (const line of written.split('\r\x1b[2K').filter(Boolean)) expect(RAW.test(line)).toBe(false);
    // Piped, the plain lines are escaped the same way.
    let piped = '';
    const pipe = { isTTY: false, write: (text: string) => (piped += text) } as unknown as NodeJS.WriteStream;
    const plain = new RunStatus(pipe);
    plain.log(`preparing ${hostile}`);
    plain.stop();
    expect(piped).toMatch(/^envbench: 0:00 preparing /);
    expect(RAW.test(piped)).toBe(false);
  });
});

const haveChromium = hasTool('pdftotext', ['-v']) && hasTool(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']);

describe('definitions that point outside the workspace are never read', () => {
  let dataDir: string;
  let workspace: string;

  beforeAll(() => {
    dataDir = tempDataDir();
    const secretDir = tempDataDir('envbench-secret-');
    const secret = path.join(secretDir, 'secret');
    fs.writeFileSync(secret, `${SECRET}\n`);
    workspace = writeGoModule(path.join(dataDir, 'workspace'));
    for (const name of ['flake.nix', 'devbox.json', 'shell.nix']) fs.symlinkSync(secret, path.join(workspace, name));
    fs.mkdirSync(path.join(workspace, '.devcontainer'));
    fs.symlinkSync(secret, path.join(workspace, '.devcontainer', 'devcontainer.json'));
    // A regular file inside the workspace, but too large to print.
    fs.writeFileSync(path.join(workspace, 'Dockerfile.dev'), `FROM scratch\n# ${'x'.repeat(300 * 1024)}\n`);
  });

  it('the preview API says "not shown" instead of the content', async () => {
    const core = createCore({ resourcesDir: RESOURCES, dataDir, envbench: { version: '0.0.0-test', commit: null } });
    const service = createIpcService(core, { version: '0.0.0-test', commit: null, dataDir, dbFile: core.dbFile, sampleWorkspace: core.sampleWorkspace(), shell: 'browser' });
    try {
      const reply = await service.handle('definitions:preview', [{ workspace, runtimes: ['docker', 'nix', 'devbox'] }]);
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      const previews = (reply as { value: DefinitionPreview[] }).value;
      expect(JSON.stringify(previews)).not.toContain(SECRET);
      expect(previews.map((p) => [p.file, p.exists, p.notShown])).toEqual([
        ['Dockerfile.dev', true, 'not shown: larger than 256 KiB'],
        ['flake.nix', true, 'not shown: points outside the workspace'],
        ['devbox.json', true, 'not shown: points outside the workspace'],
      ]);
      for (const p of previews) expect(p.content).toBe(`(${p.notShown})`);
    } finally {
      await service.dispose();
      core.dispose();
    }
  });

  it.skipIf(!haveChromium)('the Markdown and PDF reports do not contain the secret: the appendix prints only what a run recorded', () => {
    const imported = envbench(['import', 'hyperfine', hyperfineFile(dataDir), '--runtime', 'nix', '--scenario', 'vet', '--workspace', workspace], dataDir, { env: NO_DOCKER });
    expect(imported.status, imported.stderr).toBe(0);
    const id = imported.stdout.trim();
    const md = path.join(dataDir, 'report.md');
    expect(envbench(['export', id, '--format', 'md', '--out', md], dataDir, { env: NO_DOCKER }).status).toBe(0);
    expect(fs.readFileSync(md, 'utf8')).not.toContain(SECRET);
    const pdf = path.join(dataDir, 'report.pdf');
    const printed = envbench(['export', id, '--format', 'pdf', '--out', pdf], dataDir, { env: NO_DOCKER });
    expect(printed.status, printed.stderr).toBe(0);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    // The appendix prints what the run recorded (an imported run recorded none), never today's files.
    expect(text).toContain('Appendix: environment definitions');
    expect(text).toContain('not recorded with this run');
    expect(text).not.toContain(SECRET);
  });
});
